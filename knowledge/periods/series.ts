import { createHash } from 'node:crypto';
import Fuse from 'fuse.js';
import { group } from '../groups.ts';
import { periodCode, periodLabel } from '../ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge-base.ts';
import type { Fact, Period } from '../schema.ts';
import type { BulletinEntry } from '../store/store.ts';
import {
  comparePeriods,
  isPercent,
  isRegionOwner,
  lengthWord,
  nameContext,
  observationsOf,
  ownerOf,
  periodEnd,
  periodMonths,
  periodStart,
  type NameContext,
  type Observation,
  type OwnerKey,
} from './measures.ts';

/** One period's value of a measure, with the bulletin it comes from. */
export interface Point {
  period: Period;
  obs: Observation;
  bulletin: BulletinEntry;
}

/**
 * A change between two points. `computed` only when both are the same
 * 口径: same unit, same scope (whole area or one city), same period length.
 * Otherwise `incomparable` names what differs, and no number is given.
 */
export type Delta =
  | { kind: 'computed'; delta: number; approximate: boolean }
  | { kind: 'incomparable'; reasons: string[] };

export interface Step {
  point: Point;
  /** The latest point that ends before this one starts (a quarter inside a half-year is not "before" it). */
  previous?: Point;
  change?: Delta;
}

const APPROXIMATE = new Set(['近', '约', '超', '余', '以上', '+', '不超过']);
const SEP = '\u0000';

/**
 * Measures, series and honest changes over a knowledge base. Built once per
 * base (bases are rebuilt on reload), never per query.
 */
export class PeriodIndex {
  private readonly series = new Map<string, Point[]>();
  private readonly namesByOwner = new Map<OwnerKey, string[]>();
  private readonly periodsByOwner = new Map<OwnerKey, Period[]>();
  private readonly fuses = new Map<OwnerKey, Fuse<string>>();
  private readonly byShortId = new Map<string, string>();
  /** Steps per series and per owner and period, computed once: queries only look them up. */
  private readonly stepsBySeries = new Map<string, Step[]>();
  private readonly snapshots = new Map<OwnerKey, Map<string, Step[]>>();

  constructor(private readonly kb: KnowledgeBase) {
    const contexts = new Map<string, NameContext>();
    const cityForms = cityFormsOf(kb);
    // Oldest bulletins first, so within a period the first bulletin to report a measure keeps it.
    const bulletins = [...kb.bulletins].sort((a, b) => comparePeriods(a.period, b.period) || a.seq - b.seq);
    for (const b of bulletins) {
      const code = periodCode(b.period);
      let paragraph = -1;
      let inParagraph: Observation[] = [];
      for (const fact of kb.factsIn(b.id)) {
        const first = fact.source.paragraphs[0]!;
        if (first !== paragraph) {
          paragraph = first;
          inParagraph = [];
        }
        const owner = ownerOf(fact);
        let ctx = contexts.get(owner);
        if (!ctx) contexts.set(owner, (ctx = nameContext(this.ownerNames(owner, fact), fact.region, cityForms)));
        this.addPeriod(owner, b.period, code);
        const found = observationsOf(fact, ctx, inParagraph);
        inParagraph.push(...found);
        for (const obs of found) this.add(obs, b, code);
      }
    }
    for (const periods of this.periodsByOwner.values()) periods.sort((a, b) => comparePeriods(b, a));
    for (const [key, points] of this.series) {
      points.sort((a, b) => comparePeriods(a.period, b.period));
      const [owner, name] = key.split(SEP) as [string, string];
      this.byShortId.set(`${owner}:${measureId(name)}`, name);
      const steps = points.map((_, i) => stepOf(points, i));
      this.stepsBySeries.set(key, steps);
      let byPeriod = this.snapshots.get(owner);
      if (!byPeriod) this.snapshots.set(owner, (byPeriod = new Map()));
      for (const step of steps) {
        const code = periodCode(step.point.period);
        const list = byPeriod.get(code);
        if (list) list.push(step);
        else byPeriod.set(code, [step]);
      }
    }
    for (const byPeriod of this.snapshots.values()) {
      for (const list of byPeriod.values()) list.sort((a, b) => a.point.obs.fact.source.paragraphs[0]! - b.point.obs.fact.source.paragraphs[0]!);
    }
  }

  private ownerNames(owner: OwnerKey, fact: Fact): string[] {
    const regions = this.kb.regions;
    const province = fact.region.province === 'CN' ? undefined : regions.province(fact.region.province);
    const place = province ? [province.name, province.short, regions.scopeWord({ province: province.code })] : ['全国'];
    if (isRegionOwner(owner)) return [...place, '全国'];
    const c = this.kb.carrier(owner);
    const g = c ? group(c.group) : undefined;
    return [...(c ? [c.shortName, c.legalName, ...c.aliases] : []), ...(g && !c?.region ? [g.name, g.short] : []), ...place];
  }

  private readonly periodCodes = new Map<OwnerKey, Set<string>>();
  /** Per series, the index of each period's point: adding stays O(1) at national scale. */
  private readonly pointAt = new Map<string, Map<string, number>>();

  private addPeriod(owner: OwnerKey, period: Period, code: string): void {
    let codes = this.periodCodes.get(owner);
    if (!codes) this.periodCodes.set(owner, (codes = new Set()));
    if (codes.has(code)) return;
    codes.add(code);
    const list = this.periodsByOwner.get(owner);
    if (list) list.push(period);
    else this.periodsByOwner.set(owner, [period]);
  }

  private add(obs: Observation, bulletin: BulletinEntry, code: string): void {
    const key = `${obs.owner}${SEP}${obs.name}`;
    let points = this.series.get(key);
    let at = this.pointAt.get(key);
    if (!points || !at) {
      this.series.set(key, (points = []));
      this.pointAt.set(key, (at = new Map()));
      const names = this.namesByOwner.get(obs.owner);
      if (names) names.push(obs.name);
      else this.namesByOwner.set(obs.owner, [obs.name]);
    }
    const i = at.get(code);
    if (i === undefined) {
      at.set(code, points.length);
      points.push({ period: bulletin.period, obs, bulletin });
    }
    // Within a period the whole area's figure wins over one city's.
    else if (points[i]!.obs.city && !obs.city) points[i] = { period: bulletin.period, obs, bulletin };
  }

  /** Periods the owner has facts for, newest first. */
  periods(owner: OwnerKey): readonly Period[] {
    return this.periodsByOwner.get(owner) ?? [];
  }

  names(owner: OwnerKey): readonly string[] {
    return this.namesByOwner.get(owner) ?? [];
  }

  /** A measure's points, oldest first. */
  points(owner: OwnerKey, name: string): readonly Point[] {
    return this.series.get(`${owner}${SEP}${name}`) ?? [];
  }

  /** A measure back from the short id buttons carry. */
  nameById(owner: OwnerKey, id: string): string | undefined {
    return this.byShortId.get(`${owner}:${id}`);
  }

  /**
   * The measure words name, among one owner's measures: a name the words
   * contain or that contains them first (爱心翼站, 一键接入人工服务), then
   * fuse.js for near spellings. Undefined when nothing is close.
   */
  match(owner: OwnerKey, words: string): string | undefined {
    const q = words.normalize('NFKC').replace(/\s+/g, '');
    const names = this.names(owner);
    if (!q || !names.length) return undefined;
    const scored = names
      .map((n) => ({ n, s: n === q ? 0 : n.includes(q) ? 1 + n.length / 100 : q.includes(n) ? 2 + (q.length - n.length) / 100 : Infinity }))
      .filter((x) => x.s < Infinity)
      .sort((a, b) => a.s - b.s || this.points(owner, b.n).length - this.points(owner, a.n).length);
    if (scored.length) return scored[0]!.n;
    let fuse = this.fuses.get(owner);
    if (!fuse) this.fuses.set(owner, (fuse = new Fuse([...names], { includeScore: true, ignoreLocation: true, threshold: 0.4 })));
    const [best] = fuse.search(q);
    return best && (best.score ?? 1) <= 0.4 ? best.item : undefined;
  }

  /** Owners with a measure whose name contains the words (or that the words contain), for "who reports this?". */
  ownersWith(words: string): Array<{ owner: OwnerKey; name: string }> {
    const q = words.normalize('NFKC').replace(/\s+/g, '');
    const out: Array<{ owner: OwnerKey; name: string }> = [];
    if ([...q].length < 2) return out;
    for (const [owner, names] of this.namesByOwner) {
      const name = names.find((n) => n === q) ?? names.find((n) => n.includes(q) || q.includes(n));
      if (name) out.push({ owner, name });
    }
    return out;
  }

  /** The point of a period with its previous point and the change, if the measure exists then. */
  stepAt(owner: OwnerKey, name: string, period: Period): Step | undefined {
    const code = periodCode(period);
    return this.steps(owner, name).find((s) => periodCode(s.point.period) === code);
  }

  /** Every step of a series, oldest first. */
  steps(owner: OwnerKey, name: string): readonly Step[] {
    return this.stepsBySeries.get(`${owner}${SEP}${name}`) ?? [];
  }

  /** The measures an owner reports for one period, in the order written. */
  snapshot(owner: OwnerKey, period: Period): readonly Step[] {
    return this.snapshots.get(owner)?.get(periodCode(period)) ?? [];
  }
}

function stepOf(points: readonly Point[], i: number): Step {
  const point = points[i]!;
  const start = periodStart(point.period);
  let previous: Point | undefined;
  for (let j = i - 1; j >= 0; j--) {
    if (periodEnd(points[j]!.period) <= start) {
      previous = points[j];
      break;
    }
  }
  return previous ? { point, previous, change: delta(previous, point) } : { point };
}

/** Why two points may not be subtracted, or the difference when they may. */
export function delta(a: Point, b: Point): Delta {
  const reasons: string[] = [];
  if (a.obs.unit.base !== b.obs.unit.base) reasons.push(`单位不同(${a.obs.unit.base || '无'}/${b.obs.unit.base || '无'})`);
  if ((a.obs.city ?? '') !== (b.obs.city ?? '')) reasons.push('范围不同');
  const la = periodMonths(a.period);
  const lb = periodMonths(b.period);
  if (la !== lb) reasons.push(`周期不同(${lengthWord(la)}/${lengthWord(lb)})`);
  if (reasons.length) return { kind: 'incomparable', reasons };
  const approximate = APPROXIMATE.has(a.obs.qualifier ?? '') || APPROXIMATE.has(b.obs.qualifier ?? '');
  return { kind: 'computed', delta: Math.round((b.obs.value - a.obs.value) * 1e6) / 1e6, approximate };
}

/** "2023下半年", "2024第一季度", "2024年": the period as a column or bracket label. */
export function shortPeriod(p: Period): string {
  return periodLabel(p).replace(/^(\d{4})年(?=.)/, '$1');
}

/** A stable short id for a measure name, for callback data (names are Han characters, 3 bytes each). */
export function measureId(name: string): string {
  return createHash('sha1').update(name).digest('base64url').slice(0, 6);
}

function trimNumber(n: number, decimals: number): string {
  return n.toFixed(Math.min(4, Math.max(0, decimals))).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function decimalsOf(n: number): number {
  const s = String(n);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** The number as the bulletin's unit shows it: 184000000 条 in 亿条 → "1.84". */
export function displayNumber(obs: Observation): string {
  const v = obs.value / obs.unit.scale;
  return trimNumber(v, decimalsOf(Math.round(v * 1e4) / 1e4));
}

/** The value as written, qualifiers kept: "近1.7亿条", "13000余站", "1000+个", "98%以上". */
export function displayValue(obs: Observation): string {
  const n = displayNumber(obs);
  const q = obs.qualifier;
  if (q === '余') return `${n}${obs.unitText.replace(/^(千万|百万|万|亿|千)?/, '$1余')}`;
  if (q === '+') return `${n}+${obs.unitText}`;
  if (q === '以上') return `${n}${obs.unitText}以上`;
  return `${q ?? ''}${n}${obs.unitText}`;
}

/**
 * A computed change in the later point's unit: "+77", "-0.1亿", "+1.26个百分点".
 * Approximate values (近, 超, 余…) give "约" in front: the difference is not exact.
 */
export function deltaNumber(d: Extract<Delta, { kind: 'computed' }>, a: Observation, b: Observation): string {
  const scale = b.unit.scale;
  const v = d.delta / scale;
  const decimals = Math.max(decimalsOf(Math.round((a.value / scale) * 1e4) / 1e4), decimalsOf(Math.round((b.value / scale) * 1e4) / 1e4));
  const body = trimNumber(Math.abs(v), decimals);
  if (v === 0) return d.approximate ? '约持平' : '持平';
  const sign = v > 0 ? '+' : '-';
  const mult = scale === 1 ? '' : (SCALE_WORD.get(scale) ?? '');
  const unit = isPercent(b.unit) ? '个百分点' : mult;
  return `${d.approximate ? '约' : ''}${sign}${body}${unit}`;
}

const SCALE_WORD = new Map<number, string>([
  [1e7, '千万'],
  [1e6, '百万'],
  [1e4, '万'],
  [1e8, '亿'],
  [1e3, '千'],
]);

/** "口径不同(周期不同(季度/半年))" — the words for a change that is not computed. */
export function incomparableText(d: Extract<Delta, { kind: 'incomparable' }>): string {
  return `口径不同:${d.reasons.join('、')}`;
}

/** City forms of every province, for telling a city's figure from the province's. */
function cityFormsOf(kb: KnowledgeBase): (province: string) => ReadonlyMap<string, string> {
  const cache = new Map<string, Map<string, string>>();
  return (province) => {
    let forms = cache.get(province);
    if (!forms) {
      const p = kb.regions.province(province);
      const entries: Array<[string, string]> = [];
      for (const c of p?.cities ?? []) {
        for (const n of new Set([c.name, c.short, ...c.aliases, `${c.short}市`])) if ([...n].length >= 2) entries.push([n, c.id]);
      }
      forms = new Map(entries.sort((a, b) => b[0].length - a[0].length));
      cache.set(province, forms);
    }
    return forms;
  };
}

const indexes = new WeakMap<KnowledgeBase, PeriodIndex>();

/** The period index of a knowledge base, built on first use and kept as long as the base. */
export function periodIndex(kb: KnowledgeBase): PeriodIndex {
  let index = indexes.get(kb);
  if (!index) indexes.set(kb, (index = new PeriodIndex(kb)));
  return index;
}

/** Point labels for the owner: "吉林电信", "吉林全省", "全国". */
export function ownerLabel(owner: OwnerKey, kb: KnowledgeBase): string {
  if (!isRegionOwner(owner)) return kb.carrier(owner)?.shortName ?? owner;
  return kb.regions.wholeLabel({ province: owner });
}

export function cityLabel(obs: Observation, kb: KnowledgeBase): string | undefined {
  if (!obs.city) return undefined;
  const province = obs.fact.region.province;
  return kb.regions.city(province, obs.city)?.short;
}
