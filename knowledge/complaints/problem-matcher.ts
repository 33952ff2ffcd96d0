import { normalizeText } from '../normalize.ts';
import { PROBLEM_TYPE_IDS, procedureBook, type Problem, type ProblemTypeId } from './procedures.ts';

export interface ProblemScore {
  problem: ProblemTypeId;
  score: number;
}

/** A keyword found in the text, by position in the normalised text. */
export interface KeywordSpan {
  keyword: string;
  start: number;
  end: number;
}

export type ProblemGuess =
  | { kind: 'sure'; problem: ProblemTypeId; scores: ProblemScore[] }
  /** Several types fit about equally, or only weakly: offer them as buttons. */
  | { kind: 'unsure'; candidates: ProblemTypeId[]; scores: ProblemScore[] }
  | { kind: 'none' };

/** Below this, one weak word ("短信") is a hint, not an answer. */
const SURE_SCORE = 6;
/** The runner-up must score under this share of the best for the best to be sure. */
const SURE_MARGIN = 0.7;
/** Runners-up offered as buttons score at least this share of the best. */
const CANDIDATE_SHARE = 0.5;
const MAX_CANDIDATES = 3;

/**
 * Maps free text ("宽带老断", "被骗了") to problem types with a scored keyword
 * model: the curated keywords and weights in procedures.json, matched in one
 * pass where the longest keyword wins at each position, so "营销电话" counts
 * for spam and not also as "营销" for plans.
 */
export class ProblemMatcher {
  private readonly weights = new Map<string, Array<{ problem: ProblemTypeId; weight: number }>>();
  private readonly pattern: RegExp | undefined;

  constructor(problems: readonly Problem[]) {
    for (const p of problems) {
      for (const [keyword, weight] of Object.entries(p.keywords)) {
        const list = this.weights.get(keyword) ?? [];
        list.push({ problem: p.id, weight });
        this.weights.set(keyword, list);
      }
    }
    const alternatives = [...this.weights.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = alternatives.length ? new RegExp(alternatives.join('|'), 'g') : undefined;
  }

  /** Keywords found in the text; positions refer to normalise(text). */
  spans(text: string): KeywordSpan[] {
    if (!this.pattern) return [];
    return [...normalise(text).matchAll(this.pattern)].map((m) => ({ keyword: m[0], start: m.index, end: m.index + m[0].length }));
  }

  /** Every type with a positive score, best first; ties in menu order. */
  scores(text: string): ProblemScore[] {
    const totals = new Map<ProblemTypeId, number>();
    for (const { keyword } of this.spans(text)) {
      for (const w of this.weights.get(keyword) ?? []) totals.set(w.problem, (totals.get(w.problem) ?? 0) + w.weight);
    }
    return [...totals]
      .map(([problem, score]) => ({ problem, score }))
      .sort((a, b) => b.score - a.score || PROBLEM_TYPE_IDS.indexOf(a.problem) - PROBLEM_TYPE_IDS.indexOf(b.problem));
  }

  guess(text: string): ProblemGuess {
    const scores = this.scores(text);
    const [best, second] = scores;
    if (!best) return { kind: 'none' };
    if (best.score >= SURE_SCORE && (!second || second.score < best.score * SURE_MARGIN)) return { kind: 'sure', problem: best.problem, scores };
    const candidates = scores.filter((s) => s.score >= best.score * CANDIDATE_SHARE).slice(0, MAX_CANDIDATES);
    return { kind: 'unsure', candidates: candidates.map((s) => s.problem), scores };
  }
}

/** What the matcher compares: full-width folded, simplified, lower case, without spaces. */
export function normalise(text: string): string {
  return normalizeText(text).toLowerCase().replace(/\s+/g, '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let shared: ProblemMatcher | undefined;

/** Built once from the shipped procedures. */
export function problemMatcher(): ProblemMatcher {
  shared ??= new ProblemMatcher(procedureBook().problems);
  return shared;
}
