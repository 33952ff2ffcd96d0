/**
 * Issue 10's "Done when" over texts in the shapes bulletins are really
 * published in (test/fixtures/published/, all written by the project):
 * every text accepted, the period right for ≥ 95%, ≥ 90% of key figures
 * under the right owner, no carrier invented. Per-text cases say which
 * text fails on what; `npx tsx bench/forms-score.ts -v` lists every miss.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus.ts';
import {
  Expectations,
  missesOf,
  occurrences,
  periodLabel,
  ratio,
  regionLabel,
  scoreCorpus,
  THRESHOLDS,
  type CorpusScore,
  type CorpusText,
  type TextScore,
} from './score.ts';

const corpus: CorpusText[] = await loadCorpus();
let score: CorpusScore;

beforeAll(() => {
  score = scoreCorpus(corpus);
});

function scoreOf(file: string): TextScore {
  const t = score.texts.find((x) => x.file === file);
  if (!t) throw new Error(`no score for ${file}`);
  return t;
}

describe('the corpus itself', () => {
  it('holds at least 20 texts, each with expectations that validate', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(Expectations.safeParse(corpus.map((c) => c.expected)).success).toBe(true);
  });

  it('has every expected figure value written in its text', () => {
    // A figure the text does not contain is a typo in expected.json, not a parser miss.
    const absent = corpus.flatMap(({ expected, text }) =>
      expected.figures.filter((f) => occurrences(text, f.value) === 0).map((f) => `${expected.file}: ${f.value} (${f.what})`),
    );
    expect(absent).toEqual([]);
  });
});

describe.each(corpus.map((c) => c.expected))('$file', (expected) => {
  it('is accepted', () => {
    const t = scoreOf(expected.file);
    expect(t.error ?? null, 'refusal').toBeNull();
    expect(t.accepted).toBe(true);
  });

  const kinds = Array.isArray(expected.kind) ? expected.kind : [expected.kind];
  it(`is read as ${kinds.join(' or ')} for ${regionLabel(expected.region)}, ${periodLabel(expected.period)}`, () => {
    const { got, error } = scoreOf(expected.file);
    if (!got) throw new Error(`refused: ${error}`);
    expect(kinds).toContain(got.kind);
    expect({ region: got.region, period: got.period }).toEqual({
      region: regionLabel(expected.region),
      period: periodLabel(expected.period),
    });
  });

  if (expected.issuer) {
    it(`names ${expected.issuer} as its issuer`, () => {
      expect(scoreOf(expected.file).got?.issuer).toBe(expected.issuer);
    });
  }

  it('invents no carrier', () => {
    expect(scoreOf(expected.file).invented).toEqual([]);
  });

  if (expected.notFigures.length > 0) {
    it('takes no figure from numbers that are not statistics', () => {
      expect(scoreOf(expected.file).spurious).toEqual([]);
    });
  }
});

describe('issue 10 thresholds over the whole corpus', () => {
  it('accepts every text', () => {
    const refused = score.texts.filter((t) => !t.accepted).map((t) => `${t.file}: ${t.error}`);
    expect(refused).toEqual([]);
  });

  it(`gets the period right for at least ${THRESHOLDS.period * 100}% of texts`, () => {
    const wrong = score.texts.filter((t) => !t.periodRight).map((t) => `${t.file}: ${t.got?.period ?? 'refused'}`);
    expect(ratio(score.totals.period), wrong.join('\n')).toBeGreaterThanOrEqual(THRESHOLDS.period);
  });

  it(`puts at least ${THRESHOLDS.owners * 100}% of key figures under the right owner`, () => {
    const misses = score.texts.flatMap((t) => missesOf(t).filter((m) => /^(?:owner|missing|unit|refused)/.test(m)).map((m) => `${t.file}: ${m}`));
    expect(ratio(score.totals.owners), misses.slice(0, 40).join('\n')).toBeGreaterThanOrEqual(THRESHOLDS.owners);
  });

  it('invents no carrier anywhere', () => {
    expect(score.totals.invented).toBe(THRESHOLDS.invented);
  });
});
