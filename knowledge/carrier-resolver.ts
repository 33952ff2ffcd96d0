import type { Group } from './groups.ts';
import { hasHan, latinForms, syllableKey } from './name-forms.ts';
import { nameKey } from './normalize.ts';
import type { RegionIndex } from './regions.ts';
import type { Carrier, GroupId, Region } from './schema.ts';

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
  return {
    groups: groupLex,
    regions: regionLex,
    groupKeys: { han: groupKeys.filter((k) => hasHan(k)), latin: groupKeys.filter((k) => !hasHan(k)), all: groupKeys },
    provinceLengths: byScript(provinceKeys),
  };
}

/** A name a carrier goes by, as a set of characters (Latin: trigrams) for typo matching. */
interface NameUnits {
  carrierId: string;
  units: ReadonlySet<string>;
}

function units(key: string): string[] {
  if (hasHan(key)) return [...new Set(key)];
  if (key.length < 3) return [key];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= key.length; i++) grams.add(key.slice(i, i + 3));
  return [...grams];
}

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
  private readonly order = new Map<string, number>();
  private readonly byProvince = new Map<string, Carrier[]>();
  private readonly cityBranches = new Set<string>();
  private readonly lex: PlaceLexicon;
  private readonly names: NameUnits[] = [];
  private readonly nameIndex = new Map<string, number[]>();

  constructor(
    readonly carriers: readonly Carrier[],
    private readonly regions: RegionIndex,
    private readonly groups: readonly Group[],
  ) {
    this.byId = new Map(carriers.map((c) => [c.id, c]));
    carriers.forEach((c, i) => this.order.set(c.id, i));
    this.lex = placeLexicon(regions, groups);
    for (const c of carriers) {
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
        this.addName(strip(key), c.id);
      }
    }
  }

  private addExact(key: string, id: string): void {
    const set = this.exact.get(key) ?? new Set<string>();
    set.add(id);
    this.exact.set(key, set);
  }

  private addName(key: string, carrierId: string): void {
    const parts = units(key);
    const index = this.names.push({ carrierId, units: new Set(parts) }) - 1;
    for (const u of parts) {
      const list = this.nameIndex.get(u);
      if (list) list.push(index);
      else this.nameIndex.set(u, [index]);
    }
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
  private parse(key: string): { groups: GroupId[]; regions: Region[] } | undefined {
    const group = this.lex.groups.get(key);
    if (group) return { groups: [group], regions: [] };
    const whole = this.regionParse(key);
    if (whole.length) return { groups: [], regions: whole };
    const groups = new Set<GroupId>();
    const regions: Region[] = [];
    const tryReading = (g: GroupId | undefined, rest: string): void => {
      if (!g) return;
      const hits = this.regionParse(rest);
      if (!hits.length) return;
      groups.add(g);
      regions.push(...hits);
    };
    // endsWith/startsWith allocate nothing; only a group word actually found costs a slice and a lookup.
    for (const word of forScript(key, this.lex.groupKeys)) {
      if (word.length >= key.length) continue;
      if (key.endsWith(word)) tryReading(this.lex.groups.get(word), key.slice(0, key.length - word.length));
      if (key.startsWith(word)) tryReading(this.lex.groups.get(word), key.slice(word.length));
    }
    return groups.size ? { groups: [...groups], regions } : undefined;
  }

  /** A region name, or a province followed by one of its cities (湖北十堰, hubeishiyan). */
  private regionParse(key: string): Region[] {
    const direct = this.lex.regions.get(key);
    if (direct) return direct;
    for (const len of forScript(key, this.lex.provinceLengths)) {
      if (len >= key.length) continue;
      const provinces = (this.lex.regions.get(key.slice(0, len)) ?? []).filter((r) => !r.city);
      if (!provinces.length) continue;
      const cities = (this.lex.regions.get(key.slice(len)) ?? []).filter((r) => r.city && provinces.some((p) => p.province === r.province));
      if (cities.length) return cities;
    }
    return [];
  }

  private match({ groups, regions }: { groups: GroupId[]; regions: Region[] }): Resolution {
    const inGroup = (c: Carrier): boolean => !groups.length || groups.includes(c.group);
    const understood = this.describe(groups, regions);
    if (!regions.length) {
      const all = this.carriers.filter(inGroup);
      if (all.length === 1) return { kind: 'found', carrier: all[0]! };
      if (all.length) return { kind: 'candidates', carriers: all, reason: 'too_general' };
      return { kind: 'not_found', understood, suggestions: [] };
    }
    // Direct: the branch of exactly that place. Via a city: its province's branch. Related: branches below a province.
    const direct = new Set<string>();
    const viaCity = new Map<string, Region>();
    const related = new Set<string>();
    for (const region of regions) {
      for (const c of this.byProvince.get(region.province) ?? []) {
        if (!inGroup(c) || !c.region) continue;
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
    const sameGroup = this.carriers.filter(inGroup).slice(0, MAX_SUGGESTIONS);
    return { kind: 'not_found', understood, suggestions: sameGroup };
  }

  private found(id: string, viaCity?: ReadonlyMap<string, Region>): Resolution {
    const via = viaCity?.get(id);
    return { kind: 'found', carrier: this.byId.get(id)!, ...(via ? { viaCity: via } : {}) };
  }

  private describe(groups: GroupId[], regions: Region[]): string | undefined {
    const place = [...new Set(regions.filter((r) => !r.city || regions.length === 1).map((r) => this.regions.label(r)))].join('/') || (regions[0] ? this.regions.label(regions[0]) : '');
    const g = groups.length === 1 ? this.groups.find((x) => x.id === groups[0]) : undefined;
    const text = `${place}${g ? (place ? g.short : g.name) : ''}`;
    return text || undefined;
  }

  /**
   * Names that share most of the query's characters (Latin: trigrams),
   * scored by Dice. Only names sharing at least one unit are touched, via
   * an inverted index, so this stays cheap however many names there are.
   */
  private similar(key: string): Carrier[] {
    const query = units(key);
    const byRarity = query.map((u) => ({ u, names: this.nameIndex.get(u) ?? [] })).sort((a, b) => a.names.length - b.names.length);
    // Dice ≥ D needs at least D·q/(2−D) shared units, so a name that qualifies is in one of the rarest
    // lists; for the common units (电, 信 …) only those few candidates are checked, never the whole list.
    const needed = Math.ceil((SIMILAR_MIN * query.length) / (2 - SIMILAR_MIN));
    const rare = byRarity.slice(0, query.length - needed + 1);
    const common = byRarity.slice(rare.length).map((x) => x.u);
    const candidates = new Set<number>();
    for (const { names } of rare) for (const i of names) candidates.add(i);
    const best = new Map<string, number>();
    for (const i of candidates) {
      const name = this.names[i]!;
      let shared = 0;
      for (const r of rare) if (name.units.has(r.u)) shared++;
      for (const u of common) if (name.units.has(u)) shared++;
      const dice = (2 * shared) / (query.length + name.units.size);
      if (dice >= SIMILAR_MIN && dice > (best.get(name.carrierId) ?? 0)) best.set(name.carrierId, dice);
    }
    return [...best]
      .sort((a, b) => b[1] - a[1] || this.order.get(a[0])! - this.order.get(b[0])!)
      .slice(0, MAX_SUGGESTIONS)
      .map(([id]) => this.byId.get(id)!);
  }

  private sorted(ids: Iterable<string>): Carrier[] {
    const set = new Set(ids);
    return this.carriers.filter((c) => set.has(c.id));
  }
}
