import { CATEGORY_IDS } from './categories.ts';
import { mergeCarriers } from './carrier-registry.ts';
import { CarrierResolver } from './search/carrier-resolver.ts';
import { FactIndex } from './search/fact-search.ts';
import { groups } from './groups.ts';
import { regionIndex, type RegionIndex } from './regions.ts';
import type { Bulletin, Carrier, CategoryId, Fact } from './schema.ts';
import type { BulletinEntry, KnowledgeData } from './store/store.ts';

/**
 * The read side of the knowledge: what handlers ask questions of. Built
 * once per load or reload; every index lives here, none is built per query.
 */
export class KnowledgeBase {
  readonly bulletins: readonly BulletinEntry[];
  readonly carriers: readonly Carrier[];
  readonly resolver: CarrierResolver;
  readonly index: FactIndex;
  readonly regions: RegionIndex;
  readonly seq: number;
  private readonly bulletinById: Map<string, BulletinEntry>;
  private readonly factsByCarrier = new Map<string, Fact[]>();
  private readonly factsByBulletin = new Map<string, Fact[]>();
  private readonly factById: Map<string, Fact>;

  constructor(data: KnowledgeData, previous?: KnowledgeBase) {
    this.seq = data.seq;
    this.regions = regionIndex();
    this.bulletins = [...data.bulletins].sort((a, b) => b.period.year - a.period.year || b.seq - a.seq);
    this.bulletinById = new Map(this.bulletins.map((b) => [b.id, b]));
    this.carriers = mergeCarriers(this.bulletins.map((b) => b.carriers));
    this.resolver = new CarrierResolver(this.carriers, this.regions, groups());
    const unchanged = new Set(this.bulletins.filter((b) => previous?.bulletinById.get(b.id)?.seq === b.seq).map((b) => b.id));
    // A reload parses the whole file again. For bulletins that did not change, the objects the index
    // already holds are kept (memory holds one copy), and their per-fact bookkeeping is carried over
    // rather than redone, so a reload costs what changed plus a walk over the facts.
    const loadedByBulletin = groupByBulletin(data.facts);
    for (const [id, loaded] of loadedByBulletin) {
      const kept = unchanged.has(id) ? previous?.factsByBulletin.get(id) : undefined;
      this.factsByBulletin.set(id, kept && kept.length === loaded.length ? kept : loaded);
    }
    if (previous) {
      this.factById = new Map(previous.factById);
      for (const [id, facts] of previous.factsByBulletin) {
        if (this.factsByBulletin.get(id) !== facts) for (const f of facts) this.factById.delete(f.id);
      }
      for (const [id, facts] of this.factsByBulletin) {
        if (previous.factsByBulletin.get(id) !== facts) for (const f of facts) this.factById.set(f.id, f);
      }
    } else {
      this.factById = new Map(data.facts.map((f) => [f.id, f]));
    }
    // Per carrier, in the order of the file (the order cards list them in), using the kept objects.
    const position = new Map<string, number>();
    let run: { id: string; facts: Fact[]; at: number } | undefined;
    let carrierId: string | undefined;
    let list: Fact[] | undefined;
    for (const loaded of data.facts) {
      if (loaded.bulletinId !== run?.id) {
        if (run) position.set(run.id, run.at);
        run = { id: loaded.bulletinId, facts: this.factsByBulletin.get(loaded.bulletinId)!, at: position.get(loaded.bulletinId) ?? 0 };
      }
      const f = run.facts[run.at++]!;
      if (!f.carrierId) continue;
      if (f.carrierId !== carrierId) {
        carrierId = f.carrierId;
        list = this.factsByCarrier.get(carrierId);
        if (!list) this.factsByCarrier.set(carrierId, (list = []));
      }
      list!.push(f);
    }
    const describe = (f: Fact): string => (f.carrierId ? (this.resolver.carrier(f.carrierId)?.shortName ?? '') : this.regions.label(f.region));
    if (previous) {
      // The index outlives one base: only the bulletins that changed leave it or enter it.
      this.index = previous.index;
      for (const old of previous.bulletins) if (!unchanged.has(old.id)) this.index.removeBulletin(old.id);
      for (const b of this.bulletins) if (!unchanged.has(b.id)) this.index.add(this.factsIn(b.id), describe);
    } else {
      this.index = new FactIndex(data.facts, describe);
    }
  }

  bulletin(id: string): BulletinEntry | undefined {
    return this.bulletinById.get(id);
  }

  carrier(id: string): Carrier | undefined {
    return this.resolver.carrier(id);
  }

  fact(id: string): Fact | undefined {
    return this.factById.get(id);
  }

  factsOf(carrierId: string): readonly Fact[] {
    return this.factsByCarrier.get(carrierId) ?? [];
  }

  factsIn(bulletinId: string): readonly Fact[] {
    return this.factsByBulletin.get(bulletinId) ?? [];
  }

  /** Fact counts per category for a carrier, in the fixed category order. */
  categoryCounts(carrierId: string): Array<[CategoryId, number]> {
    const counts = new Map<CategoryId, number>();
    for (const f of this.factsOf(carrierId)) counts.set(f.category, (counts.get(f.category) ?? 0) + 1);
    return CATEGORY_IDS.filter((c) => counts.has(c)).map((c) => [c, counts.get(c)!]);
  }

  /** Bulletins a carrier appears in, newest first. */
  bulletinsOf(carrierId: string): Bulletin[] {
    return this.bulletins.filter((b) => b.carriers.some((c) => c.id === carrierId));
  }
}

/** Facts per bulletin in file order; a bulletin's facts are stored together, so this is a map lookup per bulletin, not per fact. */
function groupByBulletin(facts: readonly Fact[]): Map<string, Fact[]> {
  const groups = new Map<string, Fact[]>();
  let current: string | undefined;
  let list: Fact[] | undefined;
  for (const f of facts) {
    if (f.bulletinId !== current) {
      current = f.bulletinId;
      list = groups.get(current);
      if (!list) groups.set(current, (list = []));
    }
    list!.push(f);
  }
  return groups;
}
