import { CATEGORIES } from './categories.ts';
import { normalizeText } from './normalize.ts';
import type { Fact } from './schema.ts';

/**
 * Tokens for search: overlapping character bigrams inside Han runs (so
 * "爱心翼站" matches without a dictionary), single characters for one-char
 * runs, and whole words for Latin letters and digits.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const run of normalizeText(text).toLowerCase().match(/\p{Script=Han}+|[a-z0-9]+(?:\.[0-9]+)?/gu) ?? []) {
    if (!/\p{Script=Han}/u.test(run)) {
      tokens.push(run);
      continue;
    }
    if (run.length === 1) tokens.push(run);
    for (let i = 0; i + 1 < run.length; i++) tokens.push(run.slice(i, i + 2));
  }
  return tokens;
}

export interface SearchHit {
  fact: Fact;
  score: number;
}

/** Share of the query's tokens a fact must contain to count as a match; one typo in a short query passes. */
const MIN_COVERAGE = 0.6;

/**
 * An inverted index from tokens to facts, scored by how much of the query
 * a fact covers, weighted by how rare each token is (idf). Facts can be
 * added and removed per bulletin, so a reload after one new bulletin does
 * not rebuild the index.
 */
export class FactIndex {
  private facts: Array<Fact | undefined> = [];
  private readonly postings = new Map<string, number[]>();
  private readonly slotsByBulletin = new Map<string, number[]>();
  private live = 0;
  private scores = new Float64Array(0);
  private hits = new Uint16Array(0);

  constructor(facts: readonly Fact[] = []) {
    this.add(facts);
  }

  get size(): number {
    return this.live;
  }

  add(facts: readonly Fact[]): void {
    for (const fact of facts) {
      const slot = this.facts.length;
      this.facts.push(fact);
      this.live++;
      const slots = this.slotsByBulletin.get(fact.bulletinId) ?? [];
      slots.push(slot);
      this.slotsByBulletin.set(fact.bulletinId, slots);
      for (const token of new Set(tokenize(`${fact.text} ${CATEGORIES[fact.category].label}`))) {
        const list = this.postings.get(token);
        if (list) list.push(slot);
        else this.postings.set(token, [slot]);
      }
    }
  }

  /** Drops a bulletin's facts. Their slots stay as holes; search skips them. */
  removeBulletin(bulletinId: string): void {
    for (const slot of this.slotsByBulletin.get(bulletinId) ?? []) {
      if (this.facts[slot]) this.live--;
      this.facts[slot] = undefined;
    }
    this.slotsByBulletin.delete(bulletinId);
  }

  search(query: string, options: { limit?: number; carrierId?: string } = {}): SearchHit[] {
    const tokens = [...new Set(tokenize(query))];
    if (!tokens.length) return [];
    if (this.scores.length < this.facts.length) {
      this.scores = new Float64Array(this.facts.length * 2);
      this.hits = new Uint16Array(this.facts.length * 2);
    }
    const n = Math.max(this.live, 1);
    const weights = tokens.map((t) => Math.log(1 + n / (1 + (this.postings.get(t)?.length ?? 0))));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const touched: number[] = [];
    tokens.forEach((token, i) => {
      for (const slot of this.postings.get(token) ?? []) {
        if (this.hits[slot] === 0) touched.push(slot);
        this.hits[slot]!++;
        this.scores[slot]! += weights[i]!;
      }
    });
    const needed = Math.max(1, Math.ceil(tokens.length * MIN_COVERAGE));
    const results: SearchHit[] = [];
    for (const slot of touched) {
      const fact = this.facts[slot];
      const matched = this.hits[slot]!;
      const score = this.scores[slot]! / totalWeight;
      this.hits[slot] = 0;
      this.scores[slot] = 0;
      if (!fact || matched < needed) continue;
      if (options.carrierId && fact.carrierId !== options.carrierId) continue;
      results.push({ fact, score });
    }
    // Best coverage first; among equals, shorter facts (more to the point), then a stable order.
    results.sort((a, b) => b.score - a.score || a.fact.text.length - b.fact.text.length || a.fact.id.localeCompare(b.fact.id));
    return options.limit ? results.slice(0, options.limit) : results;
  }
}
