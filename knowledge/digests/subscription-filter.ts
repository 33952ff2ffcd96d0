import { z } from 'zod';
import { CATEGORIES, CATEGORY_IDS } from '../categories.ts';
import type { KnowledgeBase } from '../knowledge-base.ts';
import { nameKey } from '../normalize.ts';
import { CategoryId, RegionCode, type Fact } from '../schema.ts';

/** What a chat wants in its digests. Empty lists mean "any"; the three kinds combine with AND. */
export const DigestFilter = z.object({
  provinces: z.array(RegionCode),
  carriers: z.array(z.string()),
  categories: z.array(CategoryId),
  /** 即时: the digest goes out as soon as a watched bulletin is ingested, not at the scheduled time. */
  instant: z.boolean().optional(),
});
export type DigestFilter = z.infer<typeof DigestFilter>;

export const NO_FILTER: DigestFilter = { provinces: [], carriers: [], categories: [] };

/** Words staff use for a category beyond its label and classifier keywords. */
const CATEGORY_WORDS: Partial<Record<CategoryId, string[]>> = {
  elder: ['适老', '老年人', '银发', '助老'],
  anti_fraud: ['反诈', '诈骗', '防诈', '电诈'],
  spam: ['垃圾短信', '骚扰电话', '骚扰', '短信', '垃圾信息'],
  complaint_channels: ['投诉', '投诉渠道', '热线', '客服'],
  consumer_stations: ['12315', '维权站', '维权'],
  complaint_stats: ['满意度', '申告率', '投诉量'],
  emergency: ['应急', '应急通信', '抢险'],
  network: ['网络', '5g', '基站', '信号'],
  broadband: ['宽带', '千兆', '光纤'],
  rural: ['乡村', '农村', '乡村振兴'],
  green: ['节能', '绿色', '低碳'],
  convenience: ['便民', '营业厅'],
  fair_trading: ['营销', '资费', '携号转网', '套餐'],
  info_security: ['个人信息', '信息安全', '隐私'],
  profile: ['概况', '企业概况'],
  province_users: ['用户规模', '用户数'],
  province_appeals: ['申诉', '申诉情况', '12300'],
};

const CATEGORY_LEXICON = new Map<string, CategoryId>();
for (const id of CATEGORY_IDS) {
  for (const word of [CATEGORIES[id].label, ...(CATEGORY_WORDS[id] ?? []), ...Object.keys(CATEGORIES[id].keywords)]) {
    const key = nameKey(word);
    if (key && !CATEGORY_LEXICON.has(key)) CATEGORY_LEXICON.set(key, id);
  }
}

/** Words asking for a digest the moment a bulletin arrives. */
const INSTANT_WORDS = new Set(['即时', '实时', '立即']);

export type FilterParse = { ok: true; filter: DigestFilter } | { ok: false; unknown: string[] };

/**
 * Reads "/subscribe 吉林 反诈", "/subscribe 吉林移动", "/subscribe 十堰 适老":
 * each word is a category, a region (a city counts for its province) or a
 * carrier. Words it cannot read are reported, and nothing is changed.
 */
export function parseFilter(args: string, kb: KnowledgeBase): FilterParse {
  const whole = args.trim();
  if (!whole) return { ok: true, filter: NO_FILTER };
  // "/subscribe 中国移动 吉林分公司 即时": the timing word aside, the rest may still name one carrier.
  const words = whole.split(/\s+/);
  const rest = words.filter((w) => !INSTANT_WORDS.has(w)).join(' ');
  const when = words.some((w) => INSTANT_WORDS.has(w)) ? { instant: true } : {};
  const asOne = kb.resolver.resolve(rest);
  if (asOne.kind === 'found' && /\s/.test(rest)) return { ok: true, filter: { ...NO_FILTER, carriers: [asOne.carrier.id], ...when } };

  const filter: DigestFilter = { provinces: [], carriers: [], categories: [] };
  const unknown: string[] = [];
  for (const word of whole.split(/[\s,，、;；]+/).filter(Boolean)) {
    if (INSTANT_WORDS.has(word)) {
      filter.instant = true;
      continue;
    }
    const key = nameKey(word);
    const category = CATEGORY_LEXICON.get(key);
    const regions = kb.regions.lookup(word).length ? kb.regions.lookup(word) : kb.regions.lookup(key);
    const carrier = kb.resolver.resolve(word);
    if (category) add(filter.categories, category);
    else if (regions.length === 1) add(filter.provinces, regions[0]!.province);
    else if (carrier.kind === 'found') add(filter.carriers, carrier.carrier.id);
    else unknown.push(word);
  }
  return unknown.length ? { ok: false, unknown } : { ok: true, filter };
}

function add<T>(list: T[], item: T): void {
  if (!list.includes(item)) list.push(item);
}

export function isUnfiltered(f: DigestFilter): boolean {
  return !f.provinces.length && !f.carriers.length && !f.categories.length;
}

export function matchesFilter(fact: Fact, f: DigestFilter): boolean {
  if (f.carriers.length && (!fact.carrierId || !f.carriers.includes(fact.carrierId))) return false;
  if (f.provinces.length && !f.provinces.includes(fact.region.province)) return false;
  if (f.categories.length && !f.categories.includes(fact.category)) return false;
  return true;
}

/** "吉林 · 吉林移动 · 反诈", for /subscriptions and confirmations. */
export function describeFilter(f: DigestFilter, kb: KnowledgeBase): string {
  if (isUnfiltered(f)) return '全部新通告';
  const parts = [
    ...f.provinces.map((p) => kb.regions.label({ province: p })),
    ...f.carriers.map((c) => kb.carrier(c)?.shortName ?? c),
    ...f.categories.map((c) => CATEGORIES[c].label),
  ];
  return parts.join(' · ');
}
