import Fuse from 'fuse.js';
import type { Group } from './groups.ts';
import { hasHan, latinForms, pinyinKey } from './name-forms.ts';
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
const FUZZY_THRESHOLD = 0.4;
const MAX_SUGGESTIONS = 5;

interface RegionHit {
  region: Region;
}

/**
 * Resolves what staff type to a carrier. In order:
 * 1. an exact name, legal name, 简称 or alias;
 * 2. a parse into region + group in either order, on the characters or on
 *    their pinyin (which makes homophones like 连通/移东 and pinyin input work),
 *    against every province and prefecture, English names included;
 * 3. fuzzy similarity, offered as suggestions rather than guessed.
 * A city with no branch of its own maps to its province's branch.
 */
export class CarrierResolver {
  private readonly exact = new Map<string, Set<string>>();
  private readonly groupLex = new Map<string, GroupId>();
  private readonly regionLex = new Map<string, RegionHit[]>();
  private readonly byId: Map<string, Carrier>;
  private readonly fuse: Fuse<{ key: string; id: string }>;

  constructor(
    readonly carriers: readonly Carrier[],
    private readonly regions: RegionIndex,
    private readonly groups: readonly Group[],
  ) {
    this.byId = new Map(carriers.map((c) => [c.id, c]));
    for (const g of groups) {
      for (const form of [g.name, g.short, ...g.aliases, ...g.misnomers]) {
        for (const k of [nameKey(form), nameKey(form).replace(FILLER, ''), ...latinForms(form)]) if (k) this.groupLex.set(k, g.id);
      }
      for (const en of g.en) {
        this.groupLex.set(nameKey(en), g.id);
        this.groupLex.set(nameKey(`China ${en}`), g.id);
      }
    }
    for (const p of regions.provinces) {
      const region: Region = { province: p.code };
      for (const form of [p.name, p.short]) this.addRegion([nameKey(form), ...latinForms(form)], region);
      this.addRegion([p.en, ...p.enAliases].map(nameKey), region);
      for (const c of p.cities) {
        const city: Region = { province: p.code, city: c.id };
        for (const form of [c.name, c.short, ...c.aliases]) this.addRegion([nameKey(form), ...latinForms(form)], city);
        this.addRegion([nameKey(c.en), c.id], city);
      }
    }
    for (const [name, list] of regions.byName) for (const r of list) this.addRegion([nameKey(name)], r);

    const fuzzyKeys: Array<{ key: string; id: string }> = [];
    for (const c of carriers) {
      const names = [c.legalName, c.shortName, ...c.aliases];
      for (const n of names) {
        this.addExact(nameKey(n), c.id);
        fuzzyKeys.push({ key: nameKey(n), id: c.id });
      }
      for (const form of latinForms(c.shortName)) {
        this.addExact(form, c.id);
        fuzzyKeys.push({ key: form, id: c.id });
      }
    }
    this.fuse = new Fuse(fuzzyKeys, { keys: ['key'], includeScore: true, ignoreLocation: true, threshold: FUZZY_THRESHOLD });
  }

  private addExact(key: string, id: string): void {
    if (!key) return;
    const set = this.exact.get(key) ?? new Set<string>();
    set.add(id);
    this.exact.set(key, set);
  }

  private addRegion(keys: string[], region: Region): void {
    for (const key of keys) {
      if (!key) continue;
      const list = this.regionLex.get(key) ?? [];
      if (!list.some((h) => h.region.province === region.province && h.region.city === region.city)) list.push({ region });
      this.regionLex.set(key, list);
    }
  }

  carrier(id: string): Carrier | undefined {
    return this.byId.get(id);
  }

  resolve(query: string): Resolution {
    const key = nameKey(query);
    if (!key) return { kind: 'empty' };
    const exact = this.exact.get(key);
    if (exact?.size === 1) return { kind: 'found', carrier: this.byId.get([...exact][0]!)! };

    const stripped = key.replace(FILLER, '') || key;
    const parsed = this.parse(stripped) ?? (hasHan(stripped) ? this.parse(pinyinKey(stripped)) : undefined);
    if (parsed) return this.match(parsed);

    if (exact && exact.size > 1) return { kind: 'candidates', carriers: this.sorted(exact), reason: 'ambiguous' };
    const similar = this.similar(key);
    if (similar.length) return { kind: 'candidates', carriers: similar, reason: 'similar' };
    return { kind: 'not_found', suggestions: [] };
  }

  /** Splits a key into region and group parts, either order; every reading that fits is kept. */
  private parse(key: string): { groups: GroupId[]; regions: Region[] } | undefined {
    const group = this.groupLex.get(key);
    if (group) return { groups: [group], regions: [] };
    const whole = this.regionParse(key);
    if (whole.length) return { groups: [], regions: whole };
    const groups = new Set<GroupId>();
    const regions: Region[] = [];
    for (let i = 1; i < key.length; i++) {
      const a = key.slice(0, i);
      const b = key.slice(i);
      for (const [g, r] of [
        [this.groupLex.get(b), a],
        [this.groupLex.get(a), b],
      ] as const) {
        if (!g) continue;
        const hits = this.regionParse(r);
        if (!hits.length) continue;
        groups.add(g);
        regions.push(...hits);
      }
    }
    return groups.size ? { groups: [...groups], regions } : undefined;
  }

  /** A region name, or a province followed by one of its cities (湖北十堰, hubeishiyan). */
  private regionParse(key: string): Region[] {
    const direct = this.regionLex.get(key);
    if (direct) return direct.map((h) => h.region);
    for (let i = 1; i < key.length; i++) {
      const provinces = (this.regionLex.get(key.slice(0, i)) ?? []).filter((h) => !h.region.city);
      if (!provinces.length) continue;
      const cities = (this.regionLex.get(key.slice(i)) ?? []).filter((h) =>
        provinces.some((p) => p.region.province === h.region.province && h.region.city),
      );
      if (cities.length) return cities.map((h) => h.region);
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
      for (const c of this.carriers) {
        if (!inGroup(c) || !c.region || c.region.province !== region.province) continue;
        if (region.city) {
          if (c.region.city === region.city) direct.add(c.id);
          else if (!c.region.city && !this.hasCityBranch(region, c.group)) viaCity.set(c.id, region);
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

  private hasCityBranch(region: Region, group: GroupId): boolean {
    return this.carriers.some((c) => c.group === group && c.region?.province === region.province && c.region.city === region.city);
  }

  private describe(groups: GroupId[], regions: Region[]): string | undefined {
    const place = [...new Set(regions.filter((r) => !r.city || regions.length === 1).map((r) => this.regions.label(r)))].join('/') || (regions[0] ? this.regions.label(regions[0]) : '');
    const g = groups.length === 1 ? this.groups.find((x) => x.id === groups[0]) : undefined;
    const text = `${place}${g ? (place ? g.short : g.name) : ''}`;
    return text || undefined;
  }

  private similar(key: string): Carrier[] {
    const queries = hasHan(key) ? [key, pinyinKey(key)] : [key];
    const scores = new Map<string, number>();
    for (const q of queries) {
      for (const r of this.fuse.search(q, { limit: 20 })) {
        const s = r.score ?? 1;
        if (s < (scores.get(r.item.id) ?? Infinity)) scores.set(r.item.id, s);
      }
    }
    return [...scores]
      .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_SUGGESTIONS)
      .map(([id]) => this.byId.get(id)!);
  }

  private sorted(ids: Iterable<string>): Carrier[] {
    const set = new Set(ids);
    return this.carriers.filter((c) => set.has(c.id));
  }
}
