import type { Fact, Figure, Period, Region } from '../schema.ts';

/**
 * What a figure measures, named so that the same thing written differently
 * in another bulletin gets the same name: "爱心翼站已拓展到443家" and
 * "建成爱心翼站500家" are both 爱心翼站; "受理用户申诉8,483件" and
 * "申诉8483件" are both 申诉. The name comes from the parser's figure label,
 * cleaned of who speaks, when, and the verbs and filler around the noun.
 */

/** A unit split into its base and the multiplier in front: "1.84亿条" counts 条 at 1e8. */
export interface Unit {
  base: string;
  scale: number;
}

const SCALES: ReadonlyArray<readonly [string, number]> = [
  ['千万', 1e7],
  ['百万', 1e6],
  ['万', 1e4],
  ['亿', 1e8],
  ['千', 1e3],
];

/** Units that are a rate or a ratio: a multiplier word inside them is part of the unit (件/百万用户). */
const RATE = /\/|%|‰|率/;

export function parseUnit(unit: string): Unit {
  const u = unit.replace(/余/g, '').trim();
  if (RATE.test(u)) return { base: u, scale: 1 };
  for (const [word, scale] of SCALES) {
    if (u.startsWith(word)) return { base: u.slice(word.length), scale };
  }
  return { base: u, scale: 1 };
}

export function isPercent(unit: Unit): boolean {
  return unit.base === '%';
}

/** How a period sits in time, in months since year 0: comparisons need the length and the span. */
export function periodMonths(p: Period): number {
  if (p.quarter) return 3;
  if (p.half) return 6;
  if (p.months) return p.months.to - p.months.from + 1;
  return 12;
}

export function periodEnd(p: Period): number {
  const endMonth = p.quarter ? p.quarter * 3 : p.half ? p.half * 6 : p.months ? p.months.to : 12;
  return p.year * 12 + endMonth;
}

export function periodStart(p: Period): number {
  return periodEnd(p) - periodMonths(p);
}

/** Older first; for one end month the longer period first (2024年上半年 before 2024年第二季度). */
export function comparePeriods(a: Period, b: Period): number {
  return periodEnd(a) - periodEnd(b) || periodMonths(b) - periodMonths(a);
}

const LENGTH_WORD: Record<number, string> = { 1: '月度', 3: '季度', 6: '半年', 12: '全年' };

/** "季度", "半年", "9个月": a period's length in words, for saying why two figures do not compare. */
export function lengthWord(months: number): string {
  return LENGTH_WORD[months] ?? `${months}个月`;
}

/** Whose figure it is: a carrier id ("ct-jl", "cm"), or a region code for province-wide and national figures ("JL", "CN"). */
export type OwnerKey = string;

export function ownerOf(fact: Fact): OwnerKey {
  return fact.carrierId ?? fact.region.province;
}

export function isRegionOwner(owner: OwnerKey): boolean {
  return /^[A-Z]{2}$/.test(owner);
}

/** The words that name an owner in running text, to be taken off a label's front. */
export interface NameContext {
  /** Carrier names, region names, issuing bodies: stripped when a label starts with them. */
  ownerNames: readonly string[];
  /** City names of the owner's province → city id: a label starting with one narrows the scope. */
  cities: ReadonlyMap<string, string>;
  /** Labels already named in this context: bulletins repeat their wording period after period. */
  memo?: Map<string, MeasureName | undefined>;
}

const PERIOD_WORDS = /^(?:\d{4}年(?:度)?)?(?:上半年|下半年|全年|前三季度|第?[一二三四1-4]季度|\d{1,2}[-—~至]\d{1,2}月|\d{1,2}月份?|年内|本期|当期|同期|今年|去年|本年)?/;
const SPEAKERS = /^.*?(?:申诉受理中心|通信管理局|管理局|工业和信息化部|工信部|举报受理中心|受理中心|受理机构)/;
/** Filler after which the noun starts: "…中心共受理用户申诉" → "受理用户申诉". */
const FILLER = /(?:共计|合计|累计|总计|共|已经|已|目前|现已|截至[^,]{0,8}?(?:底|末|月))/g;
/** "为老年用户提供一键接入人工服务" → "一键接入人工服务". */
const PROVIDES = /(?:提供|开展|推出|上线)/g;
const LEADING_VERBS =
  /^(?:建成|建有|建设|设有|设立|拥有|受理|接到|接待|收到|开通|达成|实现|完成|处置|组织|新增加|全省|全国|全市|全区|其中|同时|并|均|经调解)+/;
const LEADING_WHO = /^(?:电信用户|用户)(?=.{2,})/;
const TRAILING =
  /(?:数量|数目)?(?:增加到|增加至|增长到|增长至|增至|增加|增长|增|达到|达|为|已拓展到|已拓展至|拓展到|拓展至|已拓展|拓展|提升至|提升到|提升|提高至|提高到|提高|上升至|下降至|降至|已|共|累计|超过|超|约|近|逾|了|至|到|总量|数量)+$/;
/**
 * Actions that are part of what is counted: "拦截垃圾短彩信" and "垃圾短彩信拦截" name
 * one measure, so the verb goes after the noun, the order figure labels use.
 */
const ACTION_FIRST = /^(拦截|处置|关停|清理|封堵|核查|处理|回访|走访|排查)(.{2,})$/u;
const NOT_A_NAME = /^[\d\s\p{P}\p{S}A-Za-z]*$/u;
/** A verb of having or setting up with nothing counted after it ("下设18个"): what it counts is not named, so it matches nothing. */
const VERB_ONLY = /^(?:下设|设有|下辖|拥有|建有|共有|现有|设立|建成|开通|覆盖|配备|组建)$/;

export interface MeasureName {
  name: string;
  /** City id when the label names a city of the owner's province (长春市受理用户申诉 → 长春). */
  city?: string;
}

/** The measure a label names, or undefined when nothing nameable is left (a bare carrier name, a date). */
export function measureName(label: string, ctx: NameContext): MeasureName | undefined {
  let s = label.normalize('NFKC').replace(/[\s“”"'‘’《》]/g, '');
  let city: string | undefined;
  for (let guard = 0; guard < 6; guard++) {
    const before = s;
    s = s.replace(PERIOD_WORDS, '');
    // A number the label swallowed ("12321…"), but not one that is part of a name (5G网络, 100Mbps).
    s = s.replace(/^(?:[\d.,%]+(?![\d.,%A-Za-z])|[\p{P}\p{S}])+/u, '');
    const owner = ctx.ownerNames.find((n) => n && s.startsWith(n));
    if (owner) s = s.slice(owner.length);
    for (const [name, id] of ctx.cities) {
      if (s.startsWith(name) && s.length > name.length + 1) {
        city ??= id;
        s = s.slice(name.length);
        break;
      }
    }
    s = s.replace(SPEAKERS, (m) => (s.length - m.length >= 2 ? '' : m));
    s = s.replace(LEADING_VERBS, (m) => (s.length - m.length >= 2 ? '' : m));
    s = s.replace(LEADING_WHO, '');
    if (s === before) break;
  }
  // Trailing verbs first: in "爱心翼站已拓展" the 已 belongs to the verb, not in front of the noun.
  s = s.replace(TRAILING, '');
  s = afterLast(s, FILLER);
  s = afterLast(s, PROVIDES);
  s = s.replace(PERIOD_WORDS, '').replace(LEADING_VERBS, (m) => (s.length - m.length >= 2 ? '' : m)).replace(LEADING_WHO, '');
  s = s.replace(TRAILING, '').replace(/(?:及|和|与|以及)$/, '');
  s = s.replace(ACTION_FIRST, '$2$1');
  if ([...s].length < 2 || NOT_A_NAME.test(s) || VERB_ONLY.test(s)) return undefined;
  return city ? { name: s, city } : { name: s };
}

/** The text after the last match of `re`, when at least two characters are left. */
function afterLast(s: string, re: RegExp): string {
  let cut = -1;
  for (const m of s.matchAll(re)) cut = m.index + m[0].length;
  return cut >= 0 && [...s.slice(cut)].length >= 2 ? s.slice(cut) : s;
}

const CHANGE_LABEL = /(?:同比|环比|定比|较上[年季期半]|比上[年季期]|较去年|较上季度)[^,;。]{0,6}?(上涨|上升|增长|提升|提高|增加|下降|降低|减少|回落|压降)|^(上涨|上升|增长|下降|降低|减少|回落)$/;
const DOWN = /下降|降低|减少|回落|压降/;

/** A change the bulletin states in words ("环比上涨7.6%"), kept as written and never recomputed. */
export interface StatedChange {
  text: string;
  direction: 'up' | 'down' | 'flat';
}

/** A figure that states a change rather than a level: the parser's `change`, or a label like 环比上涨. */
export function statedChange(f: Figure): StatedChange | undefined {
  const raw = f.raw.replace(/\s+/g, '');
  if (f.change) {
    const word = f.change.direction === 'up' ? '上升' : f.change.direction === 'down' ? '下降' : '持平';
    const text = /同比|环比|定比|较|比上/.test(raw) ? raw : `${f.change.basis}${f.change.since ?? ''}${word}${raw}`;
    return { text, direction: f.change.direction };
  }
  const m = f.label ? CHANGE_LABEL.exec(f.label) : null;
  if (!m) return undefined;
  const word = m[1] ?? m[2] ?? '';
  const basis = /同比|环比|定比|较上[年季期半]|比上[年季期]|较去年|较上季度/.exec(f.label ?? '')?.[0] ?? '';
  return { text: `${basis}${word}${raw}`, direction: DOWN.test(word) ? 'down' : 'up' };
}

function memoName(label: string, ctx: NameContext): MeasureName | undefined {
  const memo = (ctx.memo ??= new Map());
  if (memo.has(label)) return memo.get(label);
  const named = measureName(label, ctx);
  memo.set(label, named);
  return named;
}

/** One figure placed: whose, what, where, in base units. */
export interface Observation {
  owner: OwnerKey;
  name: string;
  /** Value in base units (33.9万人次 → 339000). */
  value: number;
  unit: Unit;
  /** The unit as written, for showing the value the way the bulletin did. */
  unitText: string;
  qualifier?: Figure['qualifier'];
  /** City id when the figure covers one city only; absent for the owner's whole area. */
  city?: string;
  stated?: StatedChange;
  raw: string;
  fact: Fact;
}

/**
 * The measures of one fact, in the order written. A stated change attaches
 * to the figure before it; a label that names no measure (a bare carrier
 * name in "吉林电信为0.55件/百万用户") borrows the measure of the figure
 * before it with the same unit, as the sentence does.
 */
export function observationsOf(fact: Fact, ctx: NameContext, before: readonly Observation[] = []): Observation[] {
  const out: Observation[] = [];
  const owner = ownerOf(fact);
  const regionCity = isRegionOwner(owner) ? fact.region.city : undefined;
  for (const f of fact.figures) {
    const change = statedChange(f);
    if (change) {
      const last = out.at(-1);
      if (last && !last.stated) last.stated = change;
      continue;
    }
    const unit = parseUnit(f.unit);
    let named = f.label ? memoName(f.label, ctx) : undefined;
    if (!named) {
      // The sentence before may be another carrier's fact of the same paragraph ("吉林移动申告率为…,吉林电信为…").
      const prev = [...before, ...out].reverse().find((o) => o.unit.base === unit.base);
      if (!prev) continue;
      named = prev.city ? { name: prev.name, city: prev.city } : { name: prev.name };
    }
    // "长春市受理用户申诉3105件,和解率58.3%": a city named early in a sentence covers the rest of it.
    const city = named.city ?? out.find((o) => o.city)?.city ?? regionCity;
    const o: Observation = {
      owner,
      name: named.name,
      value: roundValue(f.value * unit.scale),
      unit,
      unitText: f.unit.replace(/余/g, ''),
      raw: f.raw,
      fact,
      ...(f.qualifier ? { qualifier: f.qualifier } : {}),
      ...(city ? { city } : {}),
    };
    out.push(o);
  }
  return out;
}

/** Floating-point noise from scaling (1.84 × 1e8) must not show up as a change. */
export function roundValue(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** The name context for an owner: its own names and its province's cities. */
export function nameContext(ownerNames: readonly string[], region: Region | undefined, cityForms: (province: string) => ReadonlyMap<string, string>): NameContext {
  const names = [...new Set(ownerNames.filter(Boolean))].sort((a, b) => b.length - a.length);
  return { ownerNames: names, cities: region && region.province !== 'CN' ? cityForms(region.province) : new Map() };
}
