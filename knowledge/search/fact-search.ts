import { CATEGORIES } from '../categories.ts';
import { normalizeText } from '../normalize.ts';
import type { Fact } from '../schema.ts';
import { IntIds } from './int-ids.ts';
import { scan, tokenKeys, Tokens, tokenText, type TokenKey } from './search-tokens.ts';

/**
 * Tokens for search: overlapping character bigrams inside Han runs (so
 * "爱心翼站" matches without a dictionary), single characters for one-char
 * runs, and whole words for Latin letters and digits.
 */
export function tokenize(text: string): string[] {
  return tokenKeys(normalizeText(text)).map(tokenText);
}

export interface SearchHit {
  fact: Fact;
  score: number;
}

/** Extra words a fact is found by besides its text, such as who it is about ("吉林电信"). */
export type Describe = (fact: Fact) => string;

/** Share of the query's tokens a fact must contain to count as a match; one typo in a short query passes. */
const MIN_COVERAGE = 0.6;

/**
 * An inverted index from tokens to facts, scored by how much of the query
 * a fact covers, weighted by how rare each token is (idf).
 *
 * Built for a national knowledge base (100,000 facts and more):
 * - the facts present at construction go into one packed array of
 *   postings (compressed-row layout: a start offset per token), which is
 *   about a quarter of the memory of per-token JS arrays and builds in one
 *   pass;
 * - facts added later (a reload after a new bulletin) go into small
 *   per-token lists after it, so a reload never rebuilds the index, and
 *   removed bulletins leave holes that search skips;
 * - a query reads its rarest lists to find candidates — a fact that covers
 *   enough of the query must be in one of them — and the common lists only
 *   to complete those candidates' scores; only the best `limit` are kept
 *   and sorted.
 */
export class FactIndex {
  private facts: Array<Fact | undefined> = [];
  private live = 0;
  private readonly hanTokens = new IntIds();
  private readonly wordTokens = new Map<string, number>();
  private readonly scratch = new Tokens();
  /** Token ids of the text last given to idsOf. */
  private ids = new Int32Array(256);
  private tokenCount = 0;
  /** Packed postings of the facts indexed at construction: token t's slots are base[offsets[t] .. offsets[t + 1]). */
  private offsets = new Int32Array(1);
  private base = new Int32Array(0);
  private baseTokens = 0;
  /** Postings of facts added afterwards, per token; their slots all follow the packed ones, so each list stays sorted. */
  private readonly tail: Array<number[] | undefined> = [];
  private readonly slotsByBulletin = new Map<string, number[]>();
  /** Per token, postings that point at removed facts, so idf counts live facts only. */
  private readonly dead: number[] = [];
  /** What describe said of each slot's fact, to take its tokens back out when the fact is removed. */
  private readonly described: Array<string | undefined> = [];
  private scores = new Float64Array(0);
  private hits = new Uint16Array(0);
  private readonly touched: number[] = [];

  constructor(facts: readonly Fact[] = [], describe?: Describe) {
    this.add(facts, describe);
  }

  get size(): number {
    return this.live;
  }

  add(facts: readonly Fact[], describe?: Describe): void {
    if (!facts.length) return;
    if (this.facts.length === 0) this.pack(facts, describe);
    else for (const fact of facts) this.append(fact, describe);
  }

  /** Drops a bulletin's facts. Their slots stay as holes that search skips; their tokens stop counting for idf. */
  removeBulletin(bulletinId: string): void {
    for (const slot of this.slotsByBulletin.get(bulletinId) ?? []) {
      const fact = this.facts[slot];
      if (!fact) continue;
      this.live--;
      this.facts[slot] = undefined;
      const seen = new Set<number>();
      for (const id of this.factIds(fact, this.described[slot], false)) {
        if (id < 0 || seen.has(id)) continue;
        seen.add(id);
        this.dead[id] = (this.dead[id] ?? 0) + 1;
      }
      this.described[slot] = undefined;
    }
    this.slotsByBulletin.delete(bulletinId);
  }

  private tokenId(key: TokenKey, create: boolean): number {
    if (typeof key === 'number') {
      let id = this.hanTokens.get(key);
      if (id < 0 && create) this.hanTokens.set(key, (id = this.tokenCount++));
      return id;
    }
    let id = this.wordTokens.get(key);
    if (id === undefined && create) this.wordTokens.set(key, (id = this.tokenCount++));
    return id ?? -1;
  }

  /** The token ids of already-normalised text, into this.ids; returns how many (-1 for unknown tokens when not creating). */
  private idsOf(text: string, create: boolean): number {
    const t = scan(text, this.scratch);
    const total = t.hanCount + t.words.length;
    if (this.ids.length < total) this.ids = new Int32Array(total * 2);
    let n = 0;
    for (let i = 0; i < t.hanCount; i++) this.ids[n++] = this.tokenId(t.han[i]!, create);
    for (const w of t.words) this.ids[n++] = this.tokenId(w, create);
    return n;
  }

  private readonly phrases = new Map<string, number[]>();

  /** Ids of a phrase that many facts share (a category's name, who a fact is about), worked out once. */
  private phraseIds(phrase: string): number[] {
    let ids = this.phrases.get(phrase);
    if (!ids) {
      const n = this.idsOf(normalizeText(phrase), true);
      this.phrases.set(phrase, (ids = Array.from(this.ids.subarray(0, n))));
    }
    return ids;
  }

  /**
   * Every token id of a fact, duplicates included: its text, its category's
   * name and what describe said of it. Stored text is normalised at
   * ingestion (knowledge/ingest/paragraphs.ts), so it is scanned as is.
   */
  private factIds(fact: Fact, description: string | undefined, create: boolean): number[] {
    const n = this.idsOf(fact.text, create);
    const out = Array.from(this.ids.subarray(0, n));
    out.push(...this.phraseIds(CATEGORIES[fact.category].label));
    if (description) out.push(...this.phraseIds(description));
    return out;
  }

  private pack(facts: readonly Fact[], describe: Describe | undefined): void {
    let postings = new Int32Array(facts.length * 40);
    let used = 0;
    const ends = new Int32Array(facts.length);
    let counts = new Int32Array(1 << 14);
    let seenAt = new Int32Array(1 << 14);
    // One fact's ids go here in three runs (text, category, description); seenAt[id] === slot + 1 drops repeats.
    const add = (ids: ArrayLike<number>, n: number, stamp: number): void => {
      for (let k = 0; k < n; k++) {
        const id = ids[k]!;
        if (id >= counts.length) {
          counts = grow(counts, id);
          seenAt = grow(seenAt, id);
        }
        if (seenAt[id] === stamp) continue;
        seenAt[id] = stamp;
        counts[id]!++;
        if (used === postings.length) postings = grow(postings, used);
        postings[used++] = id;
      }
    };
    for (let slot = 0; slot < facts.length; slot++) {
      const fact = facts[slot]!;
      this.place(fact, slot, describe);
      add(this.ids, this.idsOf(fact.text, true), slot + 1);
      const category = this.phraseIds(CATEGORIES[fact.category].label);
      add(category, category.length, slot + 1);
      const description = this.described[slot];
      if (description) {
        const ids = this.phraseIds(description);
        add(ids, ids.length, slot + 1);
      }
      ends[slot] = used;
    }
    this.baseTokens = this.tokenCount;
    this.offsets = new Int32Array(this.tokenCount + 1);
    for (let t = 0; t < this.tokenCount; t++) this.offsets[t + 1] = this.offsets[t]! + (counts[t] ?? 0);
    this.base = new Int32Array(used);
    const cursor = this.offsets.slice(0, this.tokenCount);
    let from = 0;
    for (let slot = 0; slot < facts.length; slot++) {
      const to = ends[slot]!;
      for (let k = from; k < to; k++) this.base[cursor[postings[k]!]!++] = slot;
      from = to;
    }
  }

  private append(fact: Fact, describe: Describe | undefined): void {
    const slot = this.facts.length;
    this.place(fact, slot, describe);
    const seen = new Set<number>();
    for (const id of this.factIds(fact, this.described[slot], true)) {
      if (seen.has(id)) continue;
      seen.add(id);
      const list = this.tail[id];
      if (list) list.push(slot);
      else this.tail[id] = [slot];
    }
  }

  private place(fact: Fact, slot: number, describe: Describe | undefined): void {
    this.facts[slot] = fact;
    this.described[slot] = describe?.(fact);
    this.live++;
    const slots = this.slotsByBulletin.get(fact.bulletinId);
    if (slots) slots.push(slot);
    else this.slotsByBulletin.set(fact.bulletinId, [slot]);
  }

  /** How many live facts a token is in. */
  private frequency(id: number): number {
    const packed = id < this.baseTokens ? this.offsets[id + 1]! - this.offsets[id]! : 0;
    return packed + (this.tail[id]?.length ?? 0) - (this.dead[id] ?? 0);
  }

  /** Adds a token's weight to the facts in list[from, to); only a collecting (rare) token brings in new candidates. */
  private accumulate(list: ArrayLike<number>, from: number, to: number, weight: number, collect: boolean): void {
    const { scores, hits, touched } = this;
    for (let p = from; p < to; p++) {
      const slot = list[p]!;
      if (hits[slot] === 0) {
        if (!collect) continue;
        touched.push(slot);
      }
      hits[slot]!++;
      scores[slot]! += weight;
    }
  }

  search(query: string, options: { limit?: number; carrierId?: string } = {}): SearchHit[] {
    const keys = new Set<TokenKey>(tokenKeys(normalizeText(query)));
    if (!keys.size) return [];
    const needed = Math.max(1, Math.ceil(keys.size * MIN_COVERAGE));
    const known: Array<{ id: number; df: number }> = [];
    for (const k of keys) {
      const id = this.tokenId(k, false);
      if (id >= 0) known.push({ id, df: this.frequency(id) });
    }
    // Tokens no fact has can never be matched: when too few are left, nothing covers enough of the query.
    if (known.length < needed) return [];
    const n = Math.max(this.live, 1);
    const idf = (df: number): number => Math.log(1 + n / (1 + df));
    const totalWeight = known.reduce((sum, t) => sum + idf(t.df), 0) + (keys.size - known.length) * idf(0);
    known.sort((a, b) => a.df - b.df);

    if (this.scores.length < this.facts.length) {
      this.scores = new Float64Array(this.facts.length * 2);
      this.hits = new Uint16Array(this.facts.length * 2);
    }
    this.touched.length = 0;
    const { scores, hits, touched } = this;
    // A fact with `needed` of the query's tokens has at least one of the (known - needed + 1) rarest.
    const rare = known.length - needed + 1;
    known.forEach((t, i) => {
      const w = idf(t.df);
      if (t.id < this.baseTokens) this.accumulate(this.base, this.offsets[t.id]!, this.offsets[t.id + 1]!, w, i < rare);
      const tail = this.tail[t.id];
      if (tail) this.accumulate(tail, 0, tail.length, w, i < rare);
    });

    const ranked = new TopHits(options.limit);
    for (const slot of touched) {
      const fact = this.facts[slot];
      const matched = hits[slot]!;
      const score = scores[slot]! / totalWeight;
      hits[slot] = 0;
      scores[slot] = 0;
      if (!fact || matched < needed) continue;
      if (options.carrierId && fact.carrierId !== options.carrierId) continue;
      ranked.offer(fact, score);
    }
    return ranked.sorted();
  }
}

/** A copy of a at least twice as long as needed to hold index `at`. */
function grow(a: Int32Array<ArrayBuffer>, at: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(Math.max(a.length * 2, at * 2 + 1));
  grown.set(a);
  return grown;
}

/** Best coverage first; among equals, shorter facts (more to the point), then a stable order by id. */
function better(a: SearchHit, b: SearchHit): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.fact.text.length !== b.fact.text.length) return a.fact.text.length < b.fact.text.length;
  return a.fact.id < b.fact.id;
}

/**
 * Keeps the best `limit` hits in a heap whose root is the worst kept, so
 * a query matching 20,000 facts sorts 120 of them rather than all.
 */
class TopHits {
  private readonly heap: SearchHit[] = [];

  constructor(private readonly limit?: number) {}

  offer(fact: Fact, score: number): void {
    const heap = this.heap;
    if (this.limit === undefined) {
      heap.push({ fact, score });
      return;
    }
    if (heap.length < this.limit) {
      heap.push({ fact, score });
      this.up(heap.length - 1);
      return;
    }
    const worst = heap[0];
    // Most candidates of a broad query lose to the worst kept (on score, else length); they cost no allocation.
    if (!worst || score < worst.score) return;
    if (score === worst.score && fact.text.length > worst.fact.text.length) return;
    const hit = { fact, score };
    if (better(hit, worst)) {
      heap[0] = hit;
      this.down(0);
    }
  }

  sorted(): SearchHit[] {
    return this.heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(heap[parent]!, heap[i]!)) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && better(heap[worst]!, heap[l]!)) worst = l;
      if (r < heap.length && better(heap[worst]!, heap[r]!)) worst = r;
      if (worst === i) return;
      [heap[worst], heap[i]] = [heap[i]!, heap[worst]!];
      i = worst;
    }
  }
}
