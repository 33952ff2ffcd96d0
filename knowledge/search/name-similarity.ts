import { hasHan } from './name-forms.ts';

/** A name's units for typo matching: its distinct characters, or for Latin text its trigrams. */
export function units(key: string): string[] {
  if (hasHan(key)) return [...new Set(key)];
  if (key.length < 3) return [key];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= key.length; i++) grams.add(key.slice(i, i + 3));
  return [...grams];
}

/**
 * Names that share most of a query's units, scored by Dice (2·shared ÷
 * (query units + name units)): 吉林电倍 ~ 吉林电信 is 0.75.
 *
 * Built for the tail of the latency distribution. A typo query arrives
 * between many other queries, so its data is never in the CPU cache: all
 * names' units live in one packed Int32Array, walked in order, and only
 * names holding one of the query's rarest units are looked at — a name
 * that qualifies must hold one (see similar()).
 */
export class SimilarNames {
  private readonly unitIds = new Map<string, number>();
  private readonly pending: Array<{ owner: number; units: number[] }> = [];
  private offsets = new Int32Array(1);
  private packed = new Int32Array(0);
  private owners = new Int32Array(0);
  /** Per unit id, the names that have it. */
  private postings: Int32Array[] = [];
  private inQuery = new Uint8Array(0);
  private seenAt = new Int32Array(0);
  private best = new Float64Array(0);
  private stamp = 0;

  constructor(private readonly minDice: number) {}

  /** Adds a name for an owner (an index the caller understands, e.g. a carrier's position). */
  add(key: string, owner: number): void {
    const ids = units(key).map((u) => {
      let id = this.unitIds.get(u);
      if (id === undefined) this.unitIds.set(u, (id = this.unitIds.size));
      return id;
    });
    this.pending.push({ owner, units: ids });
  }

  /** Packs the names added so far; call once after the last add. */
  freeze(owners: number): void {
    const names = this.pending.length;
    this.offsets = new Int32Array(names + 1);
    this.owners = new Int32Array(names);
    const lists: number[][] = Array.from({ length: this.unitIds.size }, () => []);
    this.pending.forEach((n, i) => {
      this.offsets[i + 1] = this.offsets[i]! + n.units.length;
      this.owners[i] = n.owner;
      for (const u of n.units) lists[u]!.push(i);
    });
    this.packed = Int32Array.from(this.pending.flatMap((n) => n.units));
    this.postings = lists.map((l) => Int32Array.from(l));
    this.inQuery = new Uint8Array(this.unitIds.size);
    this.seenAt = new Int32Array(names);
    this.best = new Float64Array(owners);
    this.pending.length = 0;
  }

  /** Owners with a name at least minDice alike, best first (ties: lower owner first), at most `limit`. */
  similar(key: string, limit: number): number[] {
    const query = units(key);
    const stamp = ++this.stamp;
    const known: number[] = [];
    for (const u of query) {
      const id = this.unitIds.get(u);
      if (id === undefined) continue;
      known.push(id);
      this.inQuery[id] = 1;
    }
    // Dice ≥ D needs at least D·q/(2−D) shared units, so a name that qualifies holds one of the
    // (known − needed + 1) rarest known units; common units (电, 信 …) are only counted, never walked.
    const needed = Math.ceil((this.minDice * query.length) / (2 - this.minDice));
    known.sort((a, b) => this.postings[a]!.length - this.postings[b]!.length);
    const found: number[] = [];
    for (let k = 0; k < known.length - needed + 1; k++) {
      for (const name of this.postings[known[k]!]!) {
        if (this.seenAt[name] === stamp) continue;
        this.seenAt[name] = stamp;
        let shared = 0;
        for (let p = this.offsets[name]!, end = this.offsets[name + 1]!; p < end; p++) shared += this.inQuery[this.packed[p]!]!;
        const dice = (2 * shared) / (query.length + this.offsets[name + 1]! - this.offsets[name]!);
        const owner = this.owners[name]!;
        if (dice < this.minDice || dice <= this.best[owner]!) continue;
        if (this.best[owner] === 0) found.push(owner);
        this.best[owner] = dice;
      }
    }
    for (const id of known) this.inQuery[id] = 0;
    found.sort((a, b) => this.best[b]! - this.best[a]! || a - b);
    for (const owner of found) this.best[owner] = 0;
    return found.slice(0, limit);
  }
}
