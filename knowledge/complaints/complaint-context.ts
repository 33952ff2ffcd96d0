import { appealCentre } from './appeal-centres.ts';
import { consumerGroups, group, groups } from '../groups.ts';
import type { KnowledgeBase } from '../knowledge-base.ts';
import { nameKey } from '../normalize.ts';
import { problemMatcher } from './problem-matcher.ts';
import type { Fill } from './procedures.ts';
import type { Carrier, GroupId, Region } from '../schema.ts';

/**
 * Whom a complaint is about: a carrier the knowledge base covers, or just a
 * group and/or a place when it does not (北京移动 still has a hotline, 10086,
 * and a province whose appeal centre hears it).
 */
export interface ComplaintContext {
  carrier?: Carrier;
  group?: GroupId;
  region?: Region;
}

/**
 * A context as a short id for callback data, shaped like a carrier id:
 * "ct-jl" (a carrier, or group + province), "cm-bj", "x-hb-shiyan" (a place
 * only), "ct" (a group only), "x" (nothing).
 */
export const CONTEXT_KEY = /^(x|cm|cu|ct|cbn|tower|ctt|cnc)(-[a-z]{2}(-[a-z]+)?)?$/;

export function contextKey(c: ComplaintContext): string {
  if (c.carrier) return c.carrier.id;
  const parts: string[] = [c.group ?? 'x'];
  if (c.region) parts.push(c.region.province.toLowerCase(), ...(c.region.city ? [c.region.city] : []));
  return parts.join('-');
}

/** Back from a key; a carrier dropped from the knowledge base since still yields its group and place. */
export function contextFromKey(key: string, kb: KnowledgeBase): ComplaintContext | undefined {
  if (!CONTEXT_KEY.test(key)) return undefined;
  const carrier = kb.carrier(key);
  if (carrier) return withCarrier(carrier);
  const [g, province, city] = key.split('-');
  let region: Region | undefined;
  if (province) {
    region = { province: province.toUpperCase(), ...(city ? { city } : {}) };
    if (!kb.regions.province(region.province) || (city && !kb.regions.city(region.province, city))) return undefined;
  }
  return { ...(g && g !== 'x' ? { group: g as GroupId } : {}), ...(region ? { region } : {}) };
}

export interface ComplaintQuery {
  context: ComplaintContext;
  /** The text left once the carrier or place is taken out: the problem. */
  rest: string;
}

const MAX_PREFIX = 16;

/**
 * Splits "/complain 吉林电信 宽带" (or "吉林电信宽带", "宽带 电信 吉林", "北京移动 乱扣费")
 * into whom the complaint is about and what it is about. Whole words are
 * tried first; a word is cut only where no problem keyword spans the cut,
 * so "电信诈骗" stays a problem rather than becoming 电信 + 诈骗.
 */
export function parseComplaintQuery(text: string, kb: KnowledgeBase): ComplaintQuery {
  let words = text.trim().split(/\s+/).filter(Boolean);
  let readings = words.map((w) => readName(w, kb));
  if (!readings.some(Boolean)) {
    const split = splitFirstName(words, kb);
    if (split) {
      words = split.words;
      readings = words.map((_, i) => (i === split.index ? split.reading : undefined));
    }
  }
  const context: ComplaintContext = {};
  const rest: string[] = [];
  words.forEach((w, i) => {
    const r = readings[i];
    if (!r) rest.push(w);
    else if (r.carrier && !context.carrier) Object.assign(context, withCarrier(r.carrier));
    else if (!context.carrier) {
      context.group ??= r.group;
      context.region ??= r.region;
    } else rest.push(w);
  });
  if (!context.carrier && context.group && context.region) {
    const carrier = coveredCarrier(context.group, context.region, kb);
    if (carrier) Object.assign(context, withCarrier(carrier));
  }
  return { context, rest: rest.join(' ') };
}

/** Placeholder values for a procedure: the carrier's name and hotline, its province's appeal centre. */
export function contextFill(c: ComplaintContext, kb: KnowledgeBase): Fill {
  const g = c.group ? group(c.group) : undefined;
  const centre = c.region ? appealCentre(kb, c.region.province) : undefined;
  return {
    carrier: contextLabel(c, kb) ?? '运营商',
    hotline: c.carrier?.hotline ?? g?.hotline ?? `(${consumerGroups().map((x) => `${x.short}${x.hotline}`).join('、')})`,
    appealCentre: centre?.label ?? '运营商所在省的电信用户申诉受理机构',
  };
}

/** "吉林电信", "北京移动", "中国移动"; undefined when only a place (or nothing) is known. */
export function contextLabel(c: ComplaintContext, kb: KnowledgeBase): string | undefined {
  if (c.carrier) return c.carrier.shortName;
  if (!c.group) return undefined;
  const g = group(c.group);
  return c.region ? `${kb.regions.label(c.region)}${g.short}` : g.name;
}

function withCarrier(carrier: Carrier): ComplaintContext {
  return { carrier, group: carrier.group, ...(carrier.region ? { region: carrier.region } : {}) };
}

interface NameReading {
  carrier?: Carrier;
  group?: GroupId;
  region?: Region;
}

/** One word as a group (电信), a place (吉林, 十堰), a covered carrier (jldx), or group + place (北京移动). */
function readName(word: string, kb: KnowledgeBase): NameReading | undefined {
  const key = nameKey(word);
  if (!key) return undefined;
  const g = groupOf(key);
  if (g) return { group: g };
  const region = regionOf(word, kb);
  if (region) return { region };
  const r = kb.resolver.resolve(word);
  if (r.kind === 'found') return { carrier: r.carrier };
  for (const [form, id] of groupForms()) {
    const place = key.startsWith(form) ? key.slice(form.length) : key.endsWith(form) ? key.slice(0, -form.length) : undefined;
    const at = place ? regionOf(place, kb) : undefined;
    if (at) return { group: id, region: at };
  }
  return undefined;
}

/** "吉林电信宽带": the longest leading name in a word, cut where no problem keyword is split. */
function splitFirstName(words: string[], kb: KnowledgeBase): { words: string[]; index: number; reading: NameReading } | undefined {
  for (let index = 0; index < words.length; index++) {
    const chars = [...words[index]!];
    const spans = problemMatcher().spans(words[index]!);
    for (let cut = Math.min(chars.length - 1, MAX_PREFIX); cut >= 2; cut--) {
      if (spans.some((s) => s.start < cut && cut < s.end)) continue;
      const reading = readName(chars.slice(0, cut).join(''), kb);
      if (!reading) continue;
      const parts = [chars.slice(0, cut).join(''), chars.slice(cut).join('')];
      return { words: [...words.slice(0, index), ...parts, ...words.slice(index + 1)], index, reading };
    }
  }
  return undefined;
}

function regionOf(word: string, kb: KnowledgeBase): Region | undefined {
  const found = kb.regions.lookup(word.trim());
  // An ambiguous city name across provinces is no help for finding an appeal centre.
  return found.length && found.every((r) => r.province === found[0]!.province) ? found[0] : undefined;
}

function coveredCarrier(g: GroupId, region: Region, kb: KnowledgeBase): Carrier | undefined {
  const r = kb.resolver.resolve(`${kb.regions.label(region)}${group(g).short}`);
  return r.kind === 'found' && r.carrier.group === g && r.carrier.region?.province === region.province ? r.carrier : undefined;
}

let forms: Array<[string, GroupId]> | undefined;

/** Every written form of every group (中国移动, 移动, 中移动, china mobile …) as name keys, longest first. */
function groupForms(): Array<[string, GroupId]> {
  forms ??= groups()
    .flatMap((g) => [g.name, g.short, ...g.aliases, ...g.misnomers, ...g.en].map((f): [string, GroupId] => [nameKey(f), g.id]))
    .filter(([k]) => k)
    .sort((a, b) => b[0].length - a[0].length);
  return forms;
}

function groupOf(key: string): GroupId | undefined {
  return groupForms().find(([form]) => form === key)?.[1];
}
