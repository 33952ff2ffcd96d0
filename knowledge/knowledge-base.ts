import { CATEGORY_IDS } from './categories.ts';
import { mergeCarriers } from './carrier-registry.ts';
import { CarrierResolver } from './carrier-resolver.ts';
import { FactIndex } from './fact-search.ts';
import { groups } from './groups.ts';
import { regionIndex, type RegionIndex } from './regions.ts';
import type { Bulletin, Carrier, CategoryId, Fact } from './schema.ts';
import type { BulletinEntry, KnowledgeData } from './store.ts';

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
  private readonly factById = new Map<string, Fact>();

  constructor(data: KnowledgeData, previous?: KnowledgeBase) {
    this.seq = data.seq;
    this.regions = regionIndex();
    this.bulletins = [...data.bulletins].sort((a, b) => b.period.year - a.period.year || b.seq - a.seq);
    this.bulletinById = new Map(this.bulletins.map((b) => [b.id, b]));
    this.carriers = mergeCarriers(this.bulletins.map((b) => b.carriers));
    for (const f of data.facts) {
      this.factById.set(f.id, f);
      push(this.factsByBulletin, f.bulletinId, f);
      if (f.carrierId) push(this.factsByCarrier, f.carrierId, f);
    }
    this.resolver = new CarrierResolver(this.carriers, this.regions, groups());
    this.index = previous ? previous.reindexed(data, this.bulletins) : new FactIndex(data.facts);
  }

  /** Reuses this base's fact index for the next one, touching only the bulletins that changed. */
  private reindexed(next: KnowledgeData, bulletins: readonly BulletinEntry[]): FactIndex {
    const nextById = new Map(bulletins.map((b) => [b.id, b]));
    for (const old of this.bulletins) {
      const now = nextById.get(old.id);
      if (!now || now.seq !== old.seq) this.index.removeBulletin(old.id);
    }
    const changed = new Set(bulletins.filter((b) => this.bulletinById.get(b.id)?.seq !== b.seq).map((b) => b.id));
    if (changed.size) this.index.add(next.facts.filter((f) => changed.has(f.bulletinId)));
    return this.index;
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
