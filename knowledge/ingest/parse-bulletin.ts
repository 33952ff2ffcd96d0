import { createHash } from 'node:crypto';
import { group as groupInfo } from '../groups.ts';
import { regionIndex } from '../regions.ts';
import type { Bulletin, Carrier, Fact, Region, SourceHints } from '../schema.ts';
import { attribute, REGION_OWNER } from './attribution.ts';
import { newsByline, periodCode, readHead, regionOfTitle, type DocumentHead } from './bulletin-meta.ts';
import { readIssuer, readPeriod, readRegion } from './bulletin-origin.ts';
import { carrierIdOf, MentionFinder, type CarrierRef, type Mention } from './carrier-mentions.ts';
import { findDuplicates } from './duplicates.ts';
import { buildFacts } from './facts.ts';
import { denoise, type PageMeta } from './noise.ts';
import { findJoins } from './page-joins.ts';
import { splitParagraphs, type Paragraph } from './paragraphs.ts';
import { assignRole, canBeCut, canContinue, opensWithSubject, type RoledParagraph } from './roles.ts';

/** Bumped whenever parsing changes what it extracts, so stored bulletins are parsed again. */
export const PARSER_VERSION = 6;

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
  const all = splitParagraphs(raw);
  const { paragraphs, meta } = denoise(all, { isPlaceName: (w) => regions.byName.has(w) });
  const reading = readHead(paragraphs, meta);
  if ('refusal' in reading) throw new NotABulletinError(reading.refusal);
  const head = reading.head;
  const titleRegion = regionOfTitle(head.title, regions);
  const regulatorVoice = head.kind === 'official' || retellsBulletin(head, paragraphs);
  const national =
    titleRegion?.province === 'CN' || (!titleRegion && nationalScope(head, paragraphs, meta, hints, regulatorVoice));

  const f = finder();
  const declared = collectDeclarations(paragraphs, f, national);
  const keep = (id: string): boolean => national || id.includes('-');
  const titleSet = new Set(head.titleParagraphs);
  const roled = paragraphs.map((p) => assignRole(p, f.find(p.text, declared), keep, titleSet.has(p.n)));
  const byN = new Map(roled.map((p) => [p.n, p]));

  const duplicateOf = findDuplicates(roled, (p) => {
    const r = byN.get(p.n)!.role;
    return r === 'signature' || r === 'statement';
  });
  const joins = findJoins(roled, duplicateOf, {
    canContinue: (p) => canContinue(byN.get(p.n)!),
    canBeCut: (p) => canBeCut(byN.get(p.n)!),
    opensWithSubject: (p) => opensWithSubject(byN.get(p.n)!),
  });

  const refs = carrierRefs(roled.filter((p) => !duplicateOf.has(p.n)), keep);
  const subject = regulatorVoice ? undefined : subjectCarrier(head, roled, refs);
  const region = readRegion({
    head,
    paragraphs,
    meta,
    hints,
    regions,
    carrierRegions: [...refs.values()].flatMap((r) => (r.region ? [r.region] : [])),
    ...(subject && refs.get(subject)?.region ? { subjectRegion: refs.get(subject)!.region! } : {}),
    regulatorVoice,
  });
  if (!region) throw new NotABulletinError('无法判断通告所属的地区:标题、来源行、正文和落款都没有写明省份,也没有网址可以参考');
  const periodReading = readPeriod({ head, paragraphs, meta, hints });
  if ('refusal' in periodReading) throw new NotABulletinError(periodReading.refusal);
  const period = periodReading.period;

  const id = bulletinId(head.kind, region, periodCode(period), subject, head.title);
  // A story about no one carrier speaks of the area it covers: its figures are the area's, never dropped.
  const opening = regulatorVoice || (head.kind === 'news' && !subject) ? REGION_OWNER : subject;
  const { placements, unplaced } = attribute(roled, duplicateOf, joins, opening, opening);

  const carrierRegions = new Map([...refs].map(([cid, ref]) => [cid, ref.region ?? { province: 'CN' }]));
  const facts = buildFacts(placements, { bulletinId: id, bulletinRegion: region, finder: f, declared, carrierRegions, official: regulatorVoice, addCarrier: (cid, ref) => { refs.set(cid, ref); } });
  if (facts.length === 0) throw new NotABulletinError('文中没有可识别的服务承诺或数据');

  const usedCarriers = new Set(facts.map((x) => x.carrierId).filter((x): x is string => x !== null));
  const carriers = [...refs]
    .filter(([cid]) => usedCarriers.has(cid) || cid === subject)
    .map(([cid, ref]) => carrierRecord(cid, ref, roled, declared));
  const subjectCarrierRecord = subject ? carriers.find((c) => c.id === subject) : undefined;

  return {
    bulletin: {
      id,
      title: head.title,
      issuer: readIssuer(head.kind, region, { head, paragraphs, meta, regions }, newsByline(paragraphs), subjectCarrierRecord?.legalName),
      region,
      period,
      kind: head.kind,
      sourceFile,
      ...(hints.url ? { url: hints.url } : {}),
      ...((hints.publishedAt ?? meta.publishedAt) ? { publishedAt: hints.publishedAt ?? meta.publishedAt } : {}),
      contentHash: contentHash(raw),
    },
    carriers,
    facts,
    report: {
      paragraphs: all.length,
      duplicatesDropped: duplicateOf.size,
      joins: joins.map(({ head: h, tail }) => ({ head: h, tail })),
      unplaced: unplaced.map((n) => ({ paragraph: n, excerpt: (byN.get(n)?.text ?? '').slice(0, 40) })),
    },
  };
}

/**
 * News that retells a regulator's bulletin ("日前,工信部发布…通告", "一季度我省电信
 * 用户申诉…"): its figures are the regulator's, as in the bulletin itself,
 * not the property of whichever carrier it names most. A headline that names
 * a carrier is about that carrier, unless the story says it retells the
 * regulator's bulletin (通告显示, 通信管理局通报了…): then the headline only
 * picks out what the bulletin ranks (中国联通最高).
 */
function retellsBulletin(head: DocumentHead, paragraphs: readonly Paragraph[]): boolean {
  if (head.kind !== 'news') return false;
  const titleText = head.title;
  // The lead is running text: menu entries and captions a page left behind are too short to be one.
  const lead = [titleText, ...paragraphs.filter((p) => !head.titleParagraphs.includes(p.n) && p.text.length >= 20).slice(0, 2).map((p) => p.text)].join('\n');
  const namesCarrier = (t: string): boolean => /移动|联通|电信|广电|铁塔/.test(t.replace(/电信(?:服务|用户|业务|网络?|行业|诈骗|条例|市场|监管|普遍|企业)/g, ''));
  if (namesCarrier(titleText)) {
    // A body that speaks of one carrier only is about it, whoever's bulletin it quotes.
    const body = paragraphs.filter((p) => !head.titleParagraphs.includes(p.n));
    const groups = new Set(body.flatMap((p) => finder().find(p.text).map((m) => m.ref.group)));
    if (groups.size < 2) return false;
    // "一季度我省电信用户申诉量同比下降 / 山西移动申诉率全省最低": a headline that first speaks of
    // the area and only then picks out one carrier (a second line, often run together with the
    // first) is about the area; the carrier is one of the several the story ranks.
    const firstCarrier = finder().find(titleText)[0]?.start;
    const before = firstCarrier === undefined ? '' : titleText.slice(0, firstCarrier);
    if (before && !namesCarrier(before) && AREA_STORY.test(before)) return true;
    return REGULATOR_RELEASE.test(lead) || (RANKS_CARRIERS.test(titleText) && (/通告|通报/.test(lead) || REGULATOR_SOURCE.test(lead)));
  }
  return REGULATOR_RELEASE.test(lead) || /(?:服务质量|申诉|投诉)(?:情况)?(?:通告|通报)|电信服务质量|用户申诉/.test(lead);
}

/** The regulator publishing its bulletin, or the story quoting it. */
const REGULATOR_RELEASE =
  /(?:工业和信息化部|工信部|信息产业部|通信管理局|12321)[^。]{0,30}(?:发布|通告|通报|公布)|(?:通告|通报)(?:显示|指出|称|出炉)|(?:发布|公布)了?[^。,]{0,24}(?:服务质量|申诉)[^。,]{0,10}(?:通告|通报)|据(?:工业和信息化部|工信部|\S{2,8}通信管理局)|(?:工业和信息化部|工信部|通信管理局)(?:的)?(?:数据|统计)显示/;
/** A headline about the area's complaints or service as a whole: 我省电信用户申诉量同比下降, 全市电信服务质量稳步提升. */
const AREA_STORY = /(?:我省|我市|我区|全省|全市|全区|全国|[\p{Script=Han}]{2,3}(?:省|市|区))[^,,]{0,8}(?:电信(?:用户|服务)|用户)(?:申诉|投诉|服务质量)|(?:全省|全市|全区|全国|我省|我市|我区)[^,,]{0,6}电信服务质量/u;
/** The story's figures come from the regulator: 记者从省通信管理局获悉, 据工信部统计. */
const REGULATOR_SOURCE = /(?:从|据|向)[^。,]{0,12}(?:工业和信息化部|工信部|信息产业部|通信管理局|12321)[^。,]{0,6}(?:获悉|了解到|统计|数据|消息)/;
/** A headline that ranks carriers against each other (中国联通最高, 移动申诉率最低) speaks of all of them. */
const RANKS_CARRIERS = /最高|最低|居首|垫底|最多|最少|排名|排行|榜/;

/**
 * No province anywhere and national words: MIIT's own bulletin (or a
 * retelling of it). A province branch named in the text (四川移动) makes it
 * that province's, however often it says 全国.
 */
function nationalScope(head: DocumentHead, paragraphs: readonly Paragraph[], meta: PageMeta, hints: SourceHints, regulatorVoice: boolean): boolean {
  const regions = regionIndex();
  // A story or report about a group (中国联通上半年服务质量…, 中国广电…状况报告) that names no province is national too.
  const region = readRegion({ head, paragraphs, meta, hints, regions, carrierRegions: [], regulatorVoice });
  if (region?.province !== 'CN') return false;
  const f = finder();
  return !paragraphs.some((p) => f.find(p.text).some((m) => m.ref.region !== undefined));
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
  head: DocumentHead,
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
