/**
 * Issue 10's bar over the two sets written blind — by people who had not
 * read the parser, scored once at first contact, then used to fix general
 * rules (test/fixtures/published-blind*). They guard those fixes; the
 * first-contact scores, the honest estimate for unseen texts, are in
 * bench/README.md.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus.ts';
import { missesOf, ratio, scoreCorpus, THRESHOLDS } from './score.ts';

const SETS = ['published-blind', 'published-blind-2'] as const;

describe.each(SETS)('%s', async (set) => {
  const corpus = await loadCorpus(fileURLToPath(new URL(`../../fixtures/${set}/`, import.meta.url)));
  const score = scoreCorpus(corpus);
  const misses = score.texts.flatMap((t) => missesOf(t).map((m) => `${t.file}: ${m}`));

  it('holds at least 15 texts, and accepts every one', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    expect(score.texts.filter((t) => !t.accepted).map((t) => `${t.file}: ${t.error ?? ''}`)).toEqual([]);
  });

  it(`gets the period right for at least ${THRESHOLDS.period * 100}% of texts`, () => {
    expect(ratio(score.totals.period), misses.join('\n')).toBeGreaterThanOrEqual(THRESHOLDS.period);
  });

  it(`puts at least ${THRESHOLDS.owners * 100}% of key figures under the right owner`, () => {
    expect(ratio(score.totals.owners), misses.slice(0, 40).join('\n')).toBeGreaterThanOrEqual(THRESHOLDS.owners);
  });

  it('invents no carrier and takes no date or threshold for a figure', () => {
    expect(score.totals.invented).toBe(THRESHOLDS.invented);
    expect(score.totals.spurious).toBe(0);
  });
});
