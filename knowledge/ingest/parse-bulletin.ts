import { createHash } from 'node:crypto';
import { group as groupInfo } from '../groups.ts';
import { regionIndex } from '../regions.ts';
import type { Bulletin, Carrier, Fact, Region, SourceHints } from '../schema.ts';
import { attribute, REGION_OWNER } from './attribution.ts';
import {
  newsByline,
  periodCode,
  parsePeriod,
  periodFromBody,
  readHead,
  regionOfTitle,
  regulatorNamed,
} from './bulletin-meta.ts';
import { carrierIdOf, MentionFinder, type CarrierRef, type Mention } from './carrier-mentions.ts';
import { findDuplicates } from './duplicates.ts';
import { buildFacts } from './facts.ts';
import { findJoins } from './page-joins.ts';
import { splitParagraphs, type Paragraph } from './paragraphs.ts';
import { assignRole, canBeCut, canContinue, opensWithSubject, type RoledParagraph } from './roles.ts';

/** Bumped whenever parsing changes what it extracts, so stored bulletins are parsed again. */
export const PARSER_VERSION = 3;

export class NotABulletinError extends Error {
  override name = 'NotABulletinError';
}

export interface ParsedBulletin {
  bulletin: Omit<Bulletin, 'seq' | 'ingestedAt'>;
  carriers: Carrier[];
  facts: Fact[];
  report: {
    paragraphs: number;
    duplicatesDropped: number;
    joins: Array<{ head: number; tail: number }>;
    unplaced: Array<{ paragraph: number; excerpt: string }>;
  };
}

let sharedFinder: MentionFinder | undefined;
function finder(): MentionFinder {
  sharedFinder ??= new MentionFinder(regionIndex());
  return sharedFinder;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text.normalize('NFKC').replace(/\s+/g, ' ').trim()).digest('hex');
}

/**
 * Parses one bulletin's text into a bulletin record, the carriers it speaks
 * of and their facts. Deterministic: the same text gives the same ids.
 */
export function parseBulletin(raw: string, sourceFile: string, hints: SourceHints = {}): ParsedBulletin {
  const regions = regionIndex();
  const paragraphs = splitParagraphs(raw);
  const head = readHead(paragraphs);
  if (!head) throw new NotABulletinError('没有找到通告、报告或新闻的标题');
  const text = paragraphs.map((p) => p.text).join('\n');
  const titleRegion = regionOfTitle(head.title, regions);
  const national = titleRegion?.province === 'CN';

  const f = finder();
  const declared = collectDeclarations(paragraphs, f, national);
  const keep = (id: string): boolean => national || id.includes('-');
  const titleSet = new Set(head.titleParagraphs);
  const roled = paragraphs.map((p) => assignRole(p, f.find(p.text, declared), keep, titleSet.has(p.n)));

  const duplicateOf = findDuplicates(roled, (p) => {
    const r = roled[p.n - 1]!.role;
    return r === 'signature' || r === 'statement';
  });
  const joins = findJoins(roled, duplicateOf, {
    canContinue: (p) => canContinue(roled[p.n - 1]!),
    canBeCut: (p) => canBeCut(roled[p.n - 1]!),
    opensWithSubject: (p) => opensWithSubject(roled[p.n - 1]!),
  });

  const refs = carrierRefs(roled.filter((p) => !duplicateOf.has(p.n)), keep);
  const subject = subjectCarrier(head, roled, refs);
  const region = bulletinRegion(head.kind, titleRegion, subject ? refs.get(subject) : undefined, refs);
  if (!region) throw new NotABulletinError('无法判断通告所属的地区');
  const period = parsePeriod(head.title) ?? periodFromBody(text);
  if (!period) throw new NotABulletinError('无法判断通告所属的时期');

  const id = bulletinId(head.kind, region, periodCode(period), subject, head.title);
  const opening = head.kind === 'official' ? REGION_OWNER : subject;
  const { placements, unplaced } = attribute(roled, duplicateOf, joins, opening, opening);

  const carrierRegions = new Map([...refs].map(([cid, ref]) => [cid, ref.region ?? { province: 'CN' }]));
  const facts = buildFacts(placements, { bulletinId: id, bulletinRegion: region, finder: f, declared, carrierRegions, official: head.kind === 'official' });
  if (facts.length === 0) throw new NotABulletinError('文中没有可识别的服务承诺或数据');

  const usedCarriers = new Set(facts.map((x) => x.carrierId).filter((x): x is string => x !== null));
  const carriers = [...refs]
    .filter(([cid]) => usedCarriers.has(cid) || cid === subject)
    .map(([cid, ref]) => carrierRecord(cid, ref, roled, declared));

  return {
    bulletin: {
      id,
      title: head.title,
      issuer: issuerOf(head.kind, region, paragraphs, subject ? carriers.find((c) => c.id === subject) : undefined),
      region,
      period,
      kind: head.kind,
      sourceFile,
      ...(hints.url ? { url: hints.url } : {}),
      contentHash: contentHash(raw),
    },
    carriers,
    facts,
    report: {
      paragraphs: paragraphs.length,
      duplicatesDropped: duplicateOf.size,
      joins: joins.map(({ head: h, tail }) => ({ head: h, tail })),
      unplaced: unplaced.map((n) => ({ paragraph: n, excerpt: paragraphs[n - 1]!.text.slice(0, 40) })),
    },
  };
}

/** Aliases the document declares with (简称"X"), for regional carriers (or national ones in national bulletins). */
function collectDeclarations(paragraphs: readonly Paragraph[], f: MentionFinder, national: boolean): Map<string, CarrierRef> {
  const declared = new Map<string, CarrierRef>();
  for (const p of paragraphs) {
    for (const m of f.find(p.text)) {
      if (!m.declares || (!m.ref.region && !national)) continue;
      if (/^(?:本?公司|集团|我司|本司|该公司)$/.test(m.declares)) continue;
      declared.set(m.declares, m.ref);
    }
  }
  return declared;
}

function carrierRefs(paragraphs: readonly RoledParagraph[], keep: (id: string) => boolean): Map<string, CarrierRef> {
  const refs = new Map<string, CarrierRef>();
  for (const p of paragraphs) {
    for (const m of p.mentions) {
      const cid = carrierIdOf(m.ref);
      if (keep(cid) && !refs.has(cid)) refs.set(cid, m.ref);
    }
  }
  return new Map([...refs].sort((a, b) => a[0].localeCompare(b[0])));
}

/** The carrier a report or news story is about: the one in its title, else the one named most. */
function subjectCarrier(
  head: NonNullable<ReturnType<typeof readHead>>,
  roled: readonly RoledParagraph[],
  refs: ReadonlyMap<string, CarrierRef>,
): string | undefined {
  if (head.kind === 'official') return undefined;
  const inTitle = roled.filter((p) => head.titleParagraphs.includes(p.n)).flatMap((p) => p.carriers);
  if (inTitle[0]) return inTitle[0];
  const counts = new Map<string, number>();
  for (const p of roled) for (const m of p.mentions) {
    const cid = carrierIdOf(m.ref);
    if (refs.has(cid)) counts.set(cid, (counts.get(cid) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

function bulletinRegion(
  kind: ParsedBulletin['bulletin']['kind'],
  titleRegion: Region | undefined,
  subject: CarrierRef | undefined,
  refs: ReadonlyMap<string, CarrierRef>,
): Region | undefined {
  if (kind === 'official') {
    if (titleRegion) return titleRegion.city ? { province: titleRegion.province } : titleRegion;
    const provinces = new Set([...refs.values()].map((r) => r.region?.province).filter(Boolean));
    return provinces.size === 1 ? { province: [...provinces][0]! } : undefined;
  }
  return subject?.region ?? titleRegion ?? { province: 'CN' };
}

function bulletinId(
  kind: ParsedBulletin['bulletin']['kind'],
  region: Region,
  period: string,
  subject: string | undefined,
  title: string,
): string {
  const place = [region.province.toLowerCase(), region.city].filter(Boolean).join('-');
  if (kind === 'official') return `${place}-${period}-official`;
  if (kind === 'carrier_report') return `${subject ?? place}-${period}-report`;
  // Several stories can cover one branch in one year; the title tells them apart.
  const tag = createHash('sha256').update(title).digest('hex').slice(0, 4);
  return `${subject ?? place}-${period}-news-${tag}`;
}

function issuerOf(
  kind: ParsedBulletin['bulletin']['kind'],
  region: Region,
  paragraphs: readonly Paragraph[],
  subject: Carrier | undefined,
): string {
  if (kind === 'carrier_report' && subject) return subject.legalName;
  if (kind === 'news') return newsByline(paragraphs) ?? '新闻报道';
  const named = regulatorNamed(paragraphs);
  if (named) return named;
  if (region.province === 'CN') return '工业和信息化部';
  // Provincial 电信服务质量通告 are issued by the province's communications administration.
  const p = regionIndex().province(region.province);
  return p ? `${p.name}通信管理局` : '通信管理局';
}

function carrierRecord(
  id: string,
  ref: CarrierRef,
  roled: readonly RoledParagraph[],
  declared: ReadonlyMap<string, CarrierRef>,
): Carrier {
  const g = groupInfo(ref.group);
  const mentions: Mention[] = roled.flatMap((p) => p.mentions).filter((m) => carrierIdOf(m.ref) === id);
  const legal = mentions.filter((m) => m.form === 'legal').map((m) => m.text);
  const regions = regionIndex();
  const place = ref.region ? regionShort(ref.region) : '';
  const shortName = ref.region ? `${place}${g.short}` : g.name;
  const legalName = legal.sort((a, b) => b.length - a.length || a.localeCompare(b))[0] ?? (ref.region ? `${g.name}${regions.label(ref.region)}公司` : g.nationalLegalName);
  const declaredHere = [...declared].filter(([, r]) => carrierIdOf(r) === id).map(([alias]) => alias);
  const aliases = [...new Set([...mentions.map((m) => m.text), ...declaredHere])].filter((a) => a !== legalName && a !== shortName).sort();
  return { id, group: ref.group, ...(ref.region ? { region: ref.region } : {}), legalName, shortName, aliases, hotline: g.hotline };
}

/** 吉林 for a province branch, 十堰 for a city branch: what people put before 移动/电信. */
function regionShort(region: Region): string {
  const regions = regionIndex();
  const p = regions.province(region.province);
  if (region.city) return regions.city(region.province, region.city)?.short ?? region.city;
  return p?.short ?? region.province;
}
