import { describe, expect, it } from 'vitest';
import { carrierCorrect, loadQuerySet, topicCorrect } from '../../bench/query-set.ts';
import { syntheticKnowledge, type SyntheticKnowledge } from '../../bench/synthetic-kb.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import type { KnowledgeData } from '../../knowledge/store/store.ts';

/**
 * The labelled query set the benchmark uses (test/fixtures/search-queries.json),
 * run against a small knowledge base from the same generator: every carrier
 * of the national registry, two years of bulletins, the planted needles.
 */
const queries = loadQuerySet();
const small: SyntheticKnowledge = syntheticKnowledge({ years: 2, factsPerCarrier: 4, needles: queries.needles });
const kb = new KnowledgeBase(small.data);

function answer(q: string): string[] {
  const r = kb.resolver.resolve(q);
  if (r.kind === 'found') return [r.carrier.id];
  if (r.kind === 'candidates') return r.carriers.map((c) => c.id);
  return [];
}

function top(q: string): { id: string; carrierId: string | null; category: string } | undefined {
  return kb.index.search(q, { limit: 120 })[0]?.fact;
}

describe('the labelled query set', () => {
  it('has at least 150 queries covering every class the issue names', () => {
    expect(queries.carrier.length + queries.topic.length).toBeGreaterThanOrEqual(150);
    const classes = new Set(queries.carrier.map((q) => q.class));
    for (const c of ['alias', 'legal name', 'traditional', 'pinyin', 'initials', 'english', 'typo or homophone', 'city', 'ambiguous', 'unknown']) {
      expect(classes).toContain(c);
    }
    const provincesWithCities = new Set(kb.regions.provinces.filter((p) => p.cities.length).map((p) => p.code));
    const cityQueries = queries.carrier.filter((q) => q.class === 'city' && typeof q.expect === 'string');
    const covered = new Set(cityQueries.map((q) => (q.expect as string).split('-')[1]!.toUpperCase()));
    for (const p of provincesWithCities) expect(covered, `a city query in ${p}`).toContain(p);
  });

  it('resolves at least 95% of /carrier queries right at top-1', () => {
    const misses = queries.carrier.filter((q) => !carrierCorrect(q.expect, answer(q.q))).map((q) => `${q.class}: ${q.q} → ${answer(q.q).slice(0, 3).join(',') || '∅'}`);
    expect(1 - misses.length / queries.carrier.length, misses.join('\n')).toBeGreaterThanOrEqual(0.95);
  });

  it('finds the expected fact first for at least 95% of /search queries', () => {
    const misses = queries.topic.filter((q) => !topicCorrect(q.expect, top(q.q), small.needleIds)).map((q) => `${q.class}: ${q.q} → ${top(q.q)?.id ?? '∅'}`);
    expect(1 - misses.length / queries.topic.length, misses.join('\n')).toBeGreaterThanOrEqual(0.95);
  });
});

describe('the synthetic knowledge base', () => {
  it('is the same on every run, and validates like stored knowledge', () => {
    const again = syntheticKnowledge({ years: 2, factsPerCarrier: 4, needles: queries.needles });
    expect(again.data.facts.map((f) => f.text)).toEqual(small.data.facts.map((f) => f.text));
    expect(small.data.facts.length).toBeGreaterThan(2000);
    expect(new Set(small.data.facts.map((f) => f.id)).size).toBe(small.data.facts.length);
  });
});

describe('reloading reuses the fact index', () => {
  /** The small base with one bulletin corrected (new content, new seq), one removed and one added. */
  function changed(data: KnowledgeData): KnowledgeData {
    const [corrected, removed, donor] = [data.bulletins[3]!, data.bulletins[4]!, data.bulletins[5]!];
    const seq = data.seq + 1;
    const added = { ...donor, id: 'zz-2025h1-official', seq: seq + 1, contentHash: 'f'.repeat(64) };
    return {
      ...data,
      seq: seq + 1,
      bulletins: [...data.bulletins.filter((b) => b.id !== corrected.id && b.id !== removed.id), { ...corrected, seq }, added],
      facts: [
        ...data.facts.filter((f) => f.bulletinId !== corrected.id && f.bulletinId !== removed.id),
        ...data.facts.filter((f) => f.bulletinId === corrected.id).map((f) => ({ ...f, text: `${f.text}(更正:银发课堂)` })),
        ...data.facts.filter((f) => f.bulletinId === donor.id).map((f) => ({ ...f, id: f.id.replace(donor.id, added.id), bulletinId: added.id })),
      ],
    };
  }

  it('answers exactly like an index built from scratch', () => {
    const first = new KnowledgeBase(small.data);
    const next = changed(small.data);
    const reloaded = new KnowledgeBase(structuredClone(next), first);
    const fresh = new KnowledgeBase(next);
    expect(reloaded.index.size).toBe(fresh.index.size);
    for (const q of [...queries.topic.map((t) => t.q), '银发课堂', '更正']) {
      const ids = (kb: KnowledgeBase): string[] => kb.index.search(q, { limit: 20 }).map((h) => `${h.fact.id} ${h.score.toFixed(6)}`);
      expect(ids(reloaded), q).toEqual(ids(fresh));
    }
    expect(reloaded.factsIn(small.data.bulletins[4]!.id)).toEqual([]);
    for (const c of reloaded.carriers) expect(reloaded.factsOf(c.id).map((f) => f.id)).toEqual(fresh.factsOf(c.id).map((f) => f.id));
  });

  it('keeps the fact objects of unchanged bulletins, so memory holds one copy', () => {
    const first = new KnowledgeBase(small.data);
    const reloaded = new KnowledgeBase(structuredClone(small.data), first);
    const id = small.data.facts[100]!.id;
    expect(reloaded.fact(id)).toBe(first.fact(id));
    expect(reloaded.index.search(small.data.facts[100]!.text, { limit: 1 })[0]?.fact).toBe(first.fact(id));
  });
});
