import { createHash } from 'node:crypto';
import { group } from '../knowledge/groups.ts';
import { extractFigures } from '../knowledge/ingest/figures.ts';
import { PARSER_VERSION } from '../knowledge/ingest/parse-bulletin.ts';
import { regionIndex, type Province } from '../knowledge/regions.ts';
import type { Carrier, CategoryId, Fact, GroupId, Period } from '../knowledge/schema.ts';
import { KNOWLEDGE_SCHEMA_VERSION, type BulletinEntry, type KnowledgeData } from '../knowledge/store/store.ts';
import { CARRIER_CATEGORIES, CARRIER_TEMPLATES, PROVINCE_TEMPLATES, type SentenceContext, type Subject } from './fact-templates.ts';
import { hashSeed, Random } from './random.ts';

export const GROUP_IDS: readonly GroupId[] = ['cm', 'cu', 'ct', 'cbn'];
export const LAST_YEAR = 2024;

/** City branches with a registry entry of their own, as 十堰电信 has in the shipped news story. */
export const CITY_BRANCHES: ReadonlyArray<readonly [GroupId, string, string]> = [
  ['ct', 'HB', 'shiyan'],
  ['cm', 'HB', 'wuhan'],
  ['ct', 'GD', 'shenzhen'],
  ['cu', 'GD', 'guangzhou'],
  ['cm', 'JS', 'suzhou'],
  ['ct', 'ZJ', 'hangzhou'],
  ['cu', 'SD', 'qingdao'],
  ['cm', 'SC', 'chengdu'],
  ['ct', 'FJ', 'xiamen'],
  ['cbn', 'LN', 'dalian'],
  ['cm', 'HN', 'changsha'],
  ['ct', 'XJ', 'kashi'],
  ['cu', 'YN', 'kunming'],
  ['cm', 'NM', 'baotou'],
  ['ct', 'HA', 'luoyang'],
];

/** The cable companies that became 中国广电's provincial branches keep their old names as 简称. */
const CABLE_NAMES: Readonly<Record<string, string>> = {
  BJ: '歌华有线',
  SH: '东方有线',
  JL: '吉视传媒',
  JS: '江苏有线',
  ZJ: '华数传媒',
  GZ: '贵广网络',
  HB: '湖北广电网络',
  SN: '陕西广电网络',
  GX: '广西广电网络',
};

const LEGAL: Record<GroupId, (p: Province, city?: string) => string> = {
  cm: (p, c) => `中国移动通信集团${p.short}有限公司${c ? `${c}分公司` : ''}`,
  cu: (p, c) => `中国联合网络通信有限公司${c ? `${c}市` : p.name}分公司`,
  ct: (p, c) => `中国电信股份有限公司${c ?? p.short}分公司`,
  cbn: (p, c) => `中国广电${p.short}网络股份有限公司${c ? `${c}分公司` : ''}`,
  tower: (p, c) => `中国铁塔股份有限公司${c ?? p.name}分公司`,
  ctt: (p, c) => `中国铁通集团有限公司${c ?? p.name}分公司`,
  cnc: (p, c) => `中国网络通信集团公司${c ?? p.name}分公司`,
};

export interface SyntheticCarrier {
  carrier: Carrier;
  province: Province;
  /** How running text names it (short name twice: the commonest). */
  subject: Subject;
  /** The 简称 a bulletin declares for it, when it is not the short name. */
  declared?: string;
}

/**
 * The registry of a national knowledge base: every group in every province,
 * plus a few city branches. Entries look like the ones ingestion creates:
 * the longest legal name, the short name, and the other names bulletins use.
 */
export function syntheticCarriers(): SyntheticCarrier[] {
  const regions = regionIndex();
  const out: SyntheticCarrier[] = [];
  for (const p of regions.provinces) {
    for (const g of GROUP_IDS) {
      const info = group(g);
      const shortName = `${p.short}${info.short}`;
      const declared = g === 'cbn' ? CABLE_NAMES[p.code] : undefined;
      const aliases = [`${info.name}${p.short}公司`, `${p.short}${info.short}公司`];
      if (p.name !== p.short) aliases.push(`${p.name}${info.short}`);
      if (g === 'ct' || g === 'cu') aliases.push(`${info.name}${p.short}分公司`);
      if (declared) aliases.push(declared);
      out.push(entry(g, p, undefined, shortName, LEGAL[g](p), aliases, declared));
    }
  }
  for (const [g, code, cityId] of CITY_BRANCHES) {
    const p = regions.province(code)!;
    const c = regions.city(code, cityId);
    if (!c) throw new Error(`no city ${cityId} in ${code}`);
    const info = group(g);
    out.push(entry(g, p, cityId, `${c.short}${info.short}`, LEGAL[g](p, c.short), [`${info.name}${c.short}分公司`, `${c.short}${info.short}公司`]));
  }
  return out;
}

function entry(g: GroupId, p: Province, cityId: string | undefined, shortName: string, legalName: string, aliases: string[], declared?: string): SyntheticCarrier {
  const info = group(g);
  const carrier: Carrier = {
    id: [g, p.code.toLowerCase(), ...(cityId ? [cityId] : [])].join('-'),
    group: g,
    region: { province: p.code, ...(cityId ? { city: cityId } : {}) },
    legalName,
    shortName,
    aliases: [...new Set(aliases)].filter((a) => a !== shortName && a !== legalName).sort(),
    hotline: info.hotline,
  };
  const names = [shortName, shortName, aliases[0]!, ...(declared ? [declared] : [])];
  return { carrier, province: p, subject: { names, legalName, shortName, hotline: info.hotline ?? '' }, ...(declared ? { declared } : {}) };
}

/** A fact planted with known text, so labelled topic queries have one right answer at any size. */
export interface Needle {
  key: string;
  /** The carrier it is about, or absent for a province-level fact. */
  carrier?: string;
  /** Province code, for province-level needles. */
  province?: string;
  /** 2024h1 for a half-year bulletin; a plain year for a city branch's news story. */
  period: string;
  category: CategoryId;
  text: string;
}

export interface SyntheticOptions {
  /** Years of half-year bulletins, ending with LAST_YEAR. */
  years: number;
  /** Facts per carrier in each bulletin. */
  factsPerCarrier: number;
  needles?: readonly Needle[];
  seed?: number;
}

export interface SyntheticKnowledge {
  data: KnowledgeData;
  registry: SyntheticCarrier[];
  /** Needle key → the id of the fact planted for it. */
  needleIds: Map<string, string>;
}

const PROVINCE_FACTS = 6;
const NEWS_SHARE = 3;

/** Options that give about `facts` facts over ten years, the national scale the issue asks for. */
export function optionsForFacts(facts: number, needles?: readonly Needle[]): SyntheticOptions {
  const years = 10;
  const provinces = regionIndex().provinces.length;
  const perBulletin = facts / (provinces * years * 2 + (CITY_BRANCHES.length * years) / NEWS_SHARE / 4);
  const factsPerCarrier = Math.max(1, Math.round((perBulletin - PROVINCE_FACTS) / GROUP_IDS.length));
  return { years, factsPerCarrier, ...(needles ? { needles } : {}) };
}

/**
 * A national knowledge base: for every province and half year, an official
 * bulletin about its four carriers with province-level statistics; for
 * every city branch, a yearly news story. Each bulletin has its own seeded
 * generator, so a smaller base is a prefix-by-time of a larger one.
 */
export function syntheticKnowledge(options: SyntheticOptions): SyntheticKnowledge {
  const seed = options.seed ?? 20240601;
  const registry = syntheticCarriers();
  const regions = regionIndex();
  const byProvince = new Map<string, SyntheticCarrier[]>();
  for (const s of registry) if (!s.carrier.region?.city) push(byProvince, s.province.code, s);
  const needles = options.needles ?? [];
  const needleIds = new Map<string, string>();
  const bulletins: BulletinEntry[] = [];
  const facts: Fact[] = [];
  let seq = 0;

  for (let year = LAST_YEAR - options.years + 1; year <= LAST_YEAR; year++) {
    for (const half of [1, 2] as const) {
      const code = `${year}h${half}`;
      for (const p of regions.provinces) {
        const id = `${p.code.toLowerCase()}-${code}-official`;
        const r = new Random(hashSeed(`${seed}:${id}`));
        const carriers = byProvince.get(p.code) ?? [];
        const ctx = (subject?: Subject): SentenceContext => ({ r, year, half, provinceName: p.name, cities: citiesOf(p), ...(subject ? { subject } : {}) });
        const texts: Array<{ text: string; carrierId: string | null; category: CategoryId; needle?: string }> = [];
        for (let i = 0; i < PROVINCE_FACTS; i++) {
          const category = i % 2 === 0 ? 'province_users' : 'province_appeals';
          texts.push({ text: r.pick(PROVINCE_TEMPLATES[category])(ctx()), carrierId: null, category });
        }
        for (const s of carriers) {
          const start = r.int(0, CARRIER_CATEGORIES.length - 1);
          for (let i = 0; i < options.factsPerCarrier; i++) {
            const category = CARRIER_CATEGORIES[(start + i) % CARRIER_CATEGORIES.length]!;
            texts.push({ text: r.pick(CARRIER_TEMPLATES[category])(ctx(s.subject)), carrierId: s.carrier.id, category });
          }
        }
        for (const n of needles) {
          if (n.period !== code) continue;
          const owner = n.carrier ? carriers.find((s) => s.carrier.id === n.carrier) : undefined;
          if (owner || (!n.carrier && n.province === p.code)) texts.push({ text: n.text, carrierId: n.carrier ?? null, category: n.category, needle: n.key });
        }
        bulletins.push({
          id,
          title: `${year}年${half === 1 ? '上' : '下'}半年${p.name}电信服务质量通告`,
          issuer: `${p.name}通信管理局`,
          region: { province: p.code },
          period: { year, half },
          kind: 'official',
          sourceFile: `synthetic/${id}.txt`,
          contentHash: sha256(`${seed}:${id}`),
          seq: ++seq,
          ingestedAt: `${half === 1 ? year : year + 1}-${half === 1 ? '08' : '02'}-15T00:00:00.000Z`,
          carriers: carriers.map((s) => s.carrier),
          report: { bulletinId: id, duplicatesDropped: 0, joins: 0, unplaced: [] },
          parserVersion: PARSER_VERSION,
        });
        facts.push(...toFacts(id, p.code, texts, needleIds));
      }
    }
    for (const s of registry.filter((x) => x.carrier.region?.city)) {
      const period: Period = { year };
      const tag = sha256(`${s.carrier.id}:${year}`).slice(0, 4);
      const id = `${s.carrier.id}-${year}-news-${tag}`;
      const r = new Random(hashSeed(`${seed}:${id}`));
      const city = regions.city(s.province.code, s.carrier.region!.city!)!;
      const ctx: SentenceContext = { r, year, half: 2, provinceName: s.province.name, cities: [city.short], subject: s.subject };
      const texts: Array<{ text: string; carrierId: string | null; category: CategoryId; needle?: string }> = [];
      const count = Math.max(2, Math.round(options.factsPerCarrier / NEWS_SHARE));
      const start = r.int(0, CARRIER_CATEGORIES.length - 1);
      for (let i = 0; i < count; i++) {
        const category = CARRIER_CATEGORIES[(start + i) % CARRIER_CATEGORIES.length]!;
        texts.push({ text: r.pick(CARRIER_TEMPLATES[category])(ctx), carrierId: s.carrier.id, category });
      }
      for (const n of needles) {
        if (n.period === String(year) && n.carrier === s.carrier.id) texts.push({ text: n.text, carrierId: n.carrier, category: n.category, needle: n.key });
      }
      bulletins.push({
        id,
        title: `${s.carrier.shortName}${year}年服务保障纪实`,
        issuer: '新闻报道',
        region: s.carrier.region!,
        period,
        kind: 'news',
        sourceFile: `synthetic/${id}.txt`,
        contentHash: sha256(`${seed}:${id}`),
        seq: ++seq,
        ingestedAt: `${year + 1}-01-20T00:00:00.000Z`,
        carriers: [s.carrier],
        report: { bulletinId: id, duplicatesDropped: 0, joins: 0, unplaced: [] },
        parserVersion: PARSER_VERSION,
      });
      facts.push(...toFacts(id, s.province.code, texts, needleIds));
    }
  }
  const missing = needles.filter((n) => !needleIds.has(n.key));
  if (missing.length) throw new Error(`needles outside the generated periods or carriers: ${missing.map((n) => n.key).join(', ')}`);
  return { data: { schemaVersion: KNOWLEDGE_SCHEMA_VERSION, seq, bulletins, facts }, registry, needleIds };
}

function toFacts(
  bulletinId: string,
  province: string,
  texts: ReadonlyArray<{ text: string; carrierId: string | null; category: CategoryId; needle?: string }>,
  needleIds: Map<string, string>,
): Fact[] {
  // Carrier ids spell the region: ct-hb-shiyan is in HB, city shiyan.
  const regionOf = (carrierId: string | null): Fact['region'] => {
    const [, code, city] = carrierId?.split('-') ?? [];
    return city ? { province: code!.toUpperCase(), city } : { province: code?.toUpperCase() ?? province };
  };
  return texts.map((t, i) => {
    const id = `${bulletinId}-${i + 1}`;
    if (t.needle) needleIds.set(t.needle, id);
    return {
      id,
      carrierId: t.carrierId,
      region: regionOf(t.carrierId),
      bulletinId,
      category: t.category,
      text: t.text,
      figures: extractFigures(t.text),
      source: { bulletinId, paragraphs: [i + 2], excerpt: t.text.length > 30 ? `${t.text.slice(0, 30)}…` : t.text },
    };
  });
}

/** Where a carrier's sentences may place things: its prefectures, or the municipality itself. */
export function citiesOf(p: Province): string[] {
  return p.cities.length ? p.cities.map((c) => c.short) : [p.short];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
