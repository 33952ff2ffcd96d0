import type { Group } from '../groups.ts';
import { hasHan, latinForms, syllableKey } from './name-forms.ts';
import { SimilarNames } from './name-similarity.ts';
import { nameKey } from '../normalize.ts';
import type { RegionIndex } from '../regions.ts';
import type { Carrier, GroupId, Region } from '../schema.ts';

export type Resolution =
  | { kind: 'found'; carrier: Carrier; /** Set when a city was mapped to its province's branch. */ viaCity?: Region }
  | { kind: 'candidates'; carriers: Carrier[]; reason: 'ambiguous' | 'too_general' | 'related' | 'similar' }
  | { kind: 'not_found'; /** What the query was understood as, e.g. "北京移动". */ understood?: string; suggestions: Carrier[] }
  | { kind: 'empty' };

/** Words that legal names carry and people drop: 中国电信股份有限公司吉林分公司 → 中国电信吉林. */
const FILLER = /股份有限公司|有限责任公司|有限公司|集团公司|分公司|公司|集团|网络股份|营业厅/g;
/** 通讯 for 通信 is the commonest slip in the groups' legal names (中国移动通讯集团…); read it as meant. */
const SLIPS = /通讯/g;
/** What nameKey drops: spaces, punctuation, symbols. */
const SEPARATORS = /[\s\p{P}\p{S}]+/gu;

function strip(key: string): string {
  return key.replace(FILLER, '').replace(SLIPS, '通信') || key;
}
/** How alike a name must be to be offered for a typo: Dice over characters (Latin: trigrams). 吉林电倍 ~ 吉林电信 is 0.75. */
const SIMILAR_MIN = 0.75;
const MAX_SUGGESTIONS = 5;

/**
 * Every written form of every place and group: characters, full pinyin in
 * context ("chongqing"), pinyin read character by character ("zhongqing",
 * what a homophone query turns into), initials and English. It depends
 * only on the region and group tables, so it is built once per process and
 * shared by every resolver a reload creates.
 */
interface PlaceLexicon {
  groups: Map<string, GroupId>;
  regions: Map<string, Region[]>;
  /** The same keys, split: provinces only, and cities only (for "province + city" keys). */
  provinces: Map<string, Region[]>;
  cities: Map<string, Region[]>;
  /** Group keys by script: a query is split only where one of them ends or starts it. */
  groupKeys: { han: string[]; latin: string[]; all: string[] };
  /** Lengths of province keys: a "province + city" key is split only after one. */
  provinceLengths: ByScript;
}

/** Key lengths for Han keys, for Latin ones, and for both (mixed queries like 吉林dianxin). */
interface ByScript {
  han: number[];
  latin: number[];
  all: number[];
}

const LATIN = /[a-z0-9]/;

function byScript(keys: Iterable<string>): ByScript {
  const lengths = (list: string[]): number[] => [...new Set(list.map((k) => k.length))].sort((a, b) => b - a);
  const all = [...keys];
  return { han: lengths(all.filter((k) => hasHan(k))), latin: lengths(all.filter((k) => !hasHan(k))), all: lengths(all) };
}

function forScript<T>(key: string, lists: { han: T; latin: T; all: T }): T {
  if (!hasHan(key)) return lists.latin;
  return LATIN.test(key) ? lists.all : lists.han;
}

const lexicons = new WeakMap<RegionIndex, WeakMap<readonly Group[], PlaceLexicon>>();

function placeLexicon(regions: RegionIndex, groups: readonly Group[]): PlaceLexicon {
  let byGroups = lexicons.get(regions);
  if (!byGroups) lexicons.set(regions, (byGroups = new WeakMap()));
  let lex = byGroups.get(groups);
  if (!lex) byGroups.set(groups, (lex = buildLexicon(regions, groups)));
  return lex;
}

/** A Han name's keys: as characters, as pinyin in context and per character, as initials. */
function spellings(name: string): string[] {
  const key = nameKey(name);
  return hasHan(key) ? [key, ...latinForms(key), syllableKey(key)] : [key];
}

function buildLexicon(regions: RegionIndex, groups: readonly Group[]): PlaceLexicon {
  const groupLex = new Map<string, GroupId>();
  for (const g of groups) {
    for (const form of [g.name, g.short, ...g.aliases, ...g.misnomers]) {
      for (const k of [...spellings(form), nameKey(form).replace(FILLER, '')]) if (k) groupLex.set(k, g.id);
    }
    for (const en of g.en) {
      groupLex.set(nameKey(en), g.id);
      groupLex.set(nameKey(`China ${en}`), g.id);
    }
  }
  const regionLex = new Map<string, Region[]>();
  const provinceKeys = new Set<string>();
  const add = (keys: string[], region: Region): void => {
    for (const key of keys) {
      if (!key) continue;
      const list = regionLex.get(key) ?? [];
      if (!list.some((r) => r.province === region.province && r.city === region.city)) list.push(region);
      regionLex.set(key, list);
      if (!region.city) provinceKeys.add(key);
    }
  };
  for (const p of regions.provinces) {
    const region: Region = { province: p.code };
    for (const form of [p.name, p.short]) add(spellings(form), region);
    add([p.en, ...p.enAliases].map(nameKey), region);
    for (const c of p.cities) {
      const city: Region = { province: p.code, city: c.id };
      for (const form of [c.name, c.short, ...c.aliases]) add(spellings(form), city);
      add([nameKey(c.en), c.id], city);
    }
  }
  for (const [name, list] of regions.byName) for (const r of list) add([nameKey(name)], r);
  const groupKeys = [...groupLex.keys()];
  const only = (city: boolean): Map<string, Region[]> => {
    const out = new Map<string, Region[]>();
    for (const [k, list] of regionLex) {
      const kept = list.filter((r) => Boolean(r.city) === city);
      if (kept.length) out.set(k, kept);
    }
    return out;
  };
  return {
    groups: groupLex,
    regions: regionLex,
    provinces: only(false),
    cities: only(true),
    groupKeys: { han: groupKeys.filter((k) => hasHan(k)), latin: groupKeys.filter((k) => !hasHan(k)), all: groupKeys },
    provinceLengths: byScript(provinceKeys),
  };
}

/** A query read as groups and places: 吉林电信 → ct + JL; 长春 → the city. */
interface Reading {
  groups: GroupId[];
  regions: Region[];
}

const NONE: readonly Region[] = [];

/**
 * Resolves what staff type to a carrier. In order:
 * 1. an exact name, legal name, 简称 or alias (one map lookup);
 * 2. a parse into region + group in either order, on the characters or,
 *    for Han text, on their pinyin (which makes homophones like 连通/移东
 *    work), against every province and prefecture, English names included;
 * 3. names sharing most of the query's characters, offered as suggestions
 *    rather than guessed (吉林电倍 → 吉林电信?).
 * A city with no branch of its own maps to its province's branch.
 *
 * Every step is a handful of map lookups, so a query costs microseconds
 * whatever the size of the registry; nothing scans all names.
 */
export class CarrierResolver {
  private readonly exact = new Map<string, Set<string>>();
  private readonly byId: Map<string, Carrier>;
  private readonly byProvince = new Map<string, Carrier[]>();
  private readonly cityBranches = new Set<string>();
  private readonly lex: PlaceLexicon;
  private readonly names = new SimilarNames(SIMILAR_MIN);

  constructor(
    readonly carriers: readonly Carrier[],
    private readonly regions: RegionIndex,
    private readonly groups: readonly Group[],
  ) {
    this.byId = new Map(carriers.map((c) => [c.id, c]));
    this.lex = placeLexicon(regions, groups);
    for (const [i, c] of carriers.entries()) {
      if (c.region) {
        const list = this.byProvince.get(c.region.province) ?? [];
        list.push(c);
        this.byProvince.set(c.region.province, list);
        if (c.region.city) this.cityBranches.add(`${c.group}:${c.region.province}:${c.region.city}`);
      }
      const keys = new Set([c.legalName, c.shortName, ...c.aliases].map(nameKey));
      for (const form of latinForms(c.shortName)) keys.add(form);
      for (const key of keys) {
        if (!key) continue;
        this.addExact(key, c.id);
        // Compared without the words every legal name shares (股份有限公司 …), which would make all names look alike.
        this.names.add(strip(key), i);
      }
    }
    this.names.freeze(carriers.length);
  }

  private addExact(key: string, id: string): void {
    const set = this.exact.get(key) ?? new Set<string>();
    set.add(id);
    this.exact.set(key, set);
  }

  carrier(id: string): Carrier | undefined {
    return this.byId.get(id);
  }

  resolve(query: string): Resolution {
    // Most queries are a name as stored. Map keys are already normalised, so a query that is one of them
    // as typed needs no conversion (traditional → simplified costs more than the rest of the lookup).
    const typed = this.exact.get(query.toLowerCase().replace(SEPARATORS, ''));
    if (typed?.size === 1) return { kind: 'found', carrier: this.byId.get([...typed][0]!)! };
    const key = nameKey(query);
    if (!key) return { kind: 'empty' };
    const exact = this.exact.get(key);
    if (exact?.size === 1) return { kind: 'found', carrier: this.byId.get([...exact][0]!)! };

    const stripped = strip(key);
    const parsed = this.parse(stripped) ?? (hasHan(stripped) ? this.parse(syllableKey(stripped)) : undefined);
    if (parsed) return this.match(parsed);

    if (exact && exact.size > 1) return { kind: 'candidates', carriers: this.sorted(exact), reason: 'ambiguous' };
    const similar = this.similar(stripped);
    if (similar.length) return { kind: 'candidates', carriers: similar, reason: 'similar' };
    return { kind: 'not_found', suggestions: [] };
  }

  /** Splits a key into region and group parts, either order; every reading that fits is kept. */
  private parse(key: string): Reading | undefined {
    const group = this.lex.groups.get(key);
    if (group) return { groups: [group], regions: [] };
    const whole = this.regionParse(key);
    if (whole.length) return { groups: [], regions: [...whole] };
    const reading: Reading = { groups: [], regions: [] };
    // endsWith/startsWith allocate nothing; only a group word actually found costs a slice and a lookup.
    // (No closures here or in match: tsx keeps function names, so each closure made per query costs a call.)
    for (const word of forScript(key, this.lex.groupKeys)) {
      if (word.length >= key.length) continue;
      if (key.endsWith(word)) this.addReading(reading, this.lex.groups.get(word)!, key.slice(0, key.length - word.length));
      if (key.startsWith(word)) this.addReading(reading, this.lex.groups.get(word)!, key.slice(word.length));
    }
    return reading.groups.length ? reading : undefined;
  }

  private addReading(reading: Reading, group: GroupId, rest: string): void {
    const hits = this.regionParse(rest);
    if (!hits.length) return;
    if (!reading.groups.includes(group)) reading.groups.push(group);
    reading.regions.push(...hits);
  }

  /** A region name, or a province followed by one of its cities (湖北十堰, hubeishiyan). */
  private regionParse(key: string): readonly Region[] {
    const direct = this.lex.regions.get(key);
    if (direct) return direct;
    for (const len of forScript(key, this.lex.provinceLengths)) {
      if (len >= key.length) continue;
      const provinces = this.lex.provinces.get(key.slice(0, len));
      if (!provinces) continue;
      const cities = this.lex.cities.get(key.slice(len));
      if (!cities) continue;
      let inside: Region[] | undefined;
      for (const c of cities) {
        for (const p of provinces) {
          if (p.province !== c.province) continue;
          (inside ??= []).push(c);
          break;
        }
      }
      if (inside) return inside;
    }
    return NONE;
  }

  private inGroups(c: Carrier, groups: readonly GroupId[]): boolean {
    return !groups.length || groups.includes(c.group);
  }

  private ofGroups(groups: readonly GroupId[]): Carrier[] {
    const out: Carrier[] = [];
    for (const c of this.carriers) if (this.inGroups(c, groups)) out.push(c);
    return out;
  }

  private match({ groups, regions }: Reading): Resolution {
    if (!regions.length) {
      const all = this.ofGroups(groups);
      if (all.length === 1) return { kind: 'found', carrier: all[0]! };
      if (all.length) return { kind: 'candidates', carriers: all, reason: 'too_general' };
      return { kind: 'not_found', understood: this.describe(groups, regions), suggestions: [] };
    }
    // Direct: the branch of exactly that place. Via a city: its province's branch. Related: branches below a province.
    const direct = new Set<string>();
    const viaCity = new Map<string, Region>();
    const related = new Set<string>();
    for (const region of regions) {
      for (const c of this.byProvince.get(region.province) ?? []) {
        if (!this.inGroups(c, groups) || !c.region) continue;
        if (region.city) {
          if (c.region.city === region.city) direct.add(c.id);
          else if (!c.region.city && !this.cityBranches.has(`${c.group}:${region.province}:${region.city}`)) viaCity.set(c.id, region);
        } else if (!c.region.city) direct.add(c.id);
        else related.add(c.id);
      }
    }
    const generalQuery = !groups.length;
    if (generalQuery) {
      const all = new Set([...direct, ...viaCity.keys(), ...related]);
      if (all.size === 1) return this.found([...all][0]!, direct.size ? undefined : viaCity);
      if (all.size) return { kind: 'candidates', carriers: this.sorted(all), reason: 'too_general' };
    } else {
      if (direct.size === 1) return this.found([...direct][0]!);
      if (direct.size > 1) return { kind: 'candidates', carriers: this.sorted(direct), reason: 'ambiguous' };
      if (viaCity.size === 1) return this.found([...viaCity.keys()][0]!, viaCity);
      if (viaCity.size > 1) return { kind: 'candidates', carriers: this.sorted(viaCity.keys()), reason: 'ambiguous' };
      if (related.size) return { kind: 'candidates', carriers: this.sorted(related), reason: 'related' };
    }
    const sameGroup = this.ofGroups(groups).slice(0, MAX_SUGGESTIONS);
    return { kind: 'not_found', understood: this.describe(groups, regions), suggestions: sameGroup };
  }

  private found(id: string, viaCity?: ReadonlyMap<string, Region>): Resolution {
    const via = viaCity?.get(id);
    return { kind: 'found', carrier: this.byId.get(id)!, ...(via ? { viaCity: via } : {}) };
  }

  private describe(groups: readonly GroupId[], regions: readonly Region[]): string | undefined {
    const place = [...new Set(regions.filter((r) => !r.city || regions.length === 1).map((r) => this.regions.label(r)))].join('/') || (regions[0] ? this.regions.label(regions[0]) : '');
    const g = groups.length === 1 ? this.groups.find((x) => x.id === groups[0]) : undefined;
    const text = `${place}${g ? (place ? g.short : g.name) : ''}`;
    return text || undefined;
  }

  /** Carriers with a name sharing most of the query's characters (Latin: trigrams); see SimilarNames. */
  private similar(key: string): Carrier[] {
    return this.names.similar(key, MAX_SUGGESTIONS).map((i) => this.carriers[i]!);
  }

  private sorted(ids: Iterable<string>): Carrier[] {
    const set = new Set(ids);
    return this.carriers.filter((c) => set.has(c.id));
  }
}
