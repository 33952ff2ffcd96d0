import { createRequire } from 'node:module';
import { endsOpen, type Paragraph } from './paragraphs.ts';

/**
 * Rejoins sentences cut by page breaks. In a PDF extraction the tail of a cut
 * sentence may sit right after its head, or pages later when blocks are out
 * of order. Candidates are scored by language evidence at the seam:
 *  - a word that spans the seam, by jieba's dictionary ("以人民为中|心" → 中心);
 *  - the seam's characters occurring elsewhere in the same document
 *    ("宽带占比|46.6%" ↔ "宽带占比85.9%"), digits folded together.
 * Pairs are taken best first; each head and tail joins at most once.
 */

export interface Join {
  head: number;
  tail: number;
  score: number;
}

/** Ends that leave a sentence hanging even without dictionary evidence. */
const DANGLING_END = /[,、的了和与及在为对将把被从向以并或而且其之于由所让使给比占达至约共是有“(《]$/;
const LONG_ENOUGH_TO_BE_CUT = 30;
/** Evidence a join needs when the tail is not right after its head. */
const MIN_DISTANT_SCORE = 3;
const MIN_ADJACENT_SCORE = 2;
/** Openers of a fresh paragraph: a tail that starts like this was rarely cut off. */
const FRESH_START = /^(?:\d{4}\s*年|截至|截止|目前|近年来|近期|今年|去年|同时|此外|另外|为了|为进一步|按照|根据|围绕|针对|随着|在[^,。]{1,12}方面)/;

export interface SeamRoles {
  /** Whether a paragraph may be a tail (headings, signatures and intros may not). */
  canContinue(p: Paragraph): boolean;
  /** Whether a paragraph may be a head (signatures and short headings end open by nature). */
  canBeCut(p: Paragraph): boolean;
  /** Whether a paragraph opens with its subject, e.g. a carrier's name. */
  opensWithSubject(p: Paragraph): boolean;
}
const SEAM_WINDOW = 6;

interface Segmenter {
  cut(text: string, hmm?: boolean): string[];
}

let segmenter: Segmenter | undefined;

/** jieba loads a 5 MB dictionary, so only ingestion pays for it, and only once. */
function jieba(): Segmenter {
  if (!segmenter) {
    const require = createRequire(import.meta.url);
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): Segmenter } };
    const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    segmenter = Jieba.withDict(dict);
  }
  return segmenter;
}

/** Length of the dictionary word that straddles the seam, 0 if none does. */
function wordAcrossSeam(head: string, tail: string): number {
  const left = head.slice(-SEAM_WINDOW);
  const right = tail.slice(0, SEAM_WINDOW);
  let pos = 0;
  for (const token of jieba().cut(left + right, false)) {
    const end = pos + token.length;
    if (pos < left.length && end > left.length) return /[\p{Script=Han}]/u.test(token) ? token.length : 0;
    pos = end;
  }
  return 0;
}

const foldDigits = (s: string): string => s.replace(/\d/g, '0');

/** The document's text with digits folded, and its character pairs for a quick first check. */
interface Corpus {
  text: string;
  pairs: Set<string>;
}

function corpusOf(paragraphs: readonly Paragraph[]): Corpus {
  const text = paragraphs.map((p) => foldDigits(p.text)).join('\n');
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < text.length; i++) pairs.add(text.slice(i, i + 2));
  return { text, pairs };
}

/** Longest string across the seam that also occurs in the rest of the document. */
function seenAcrossSeam(head: string, tail: string, corpus: Corpus): number {
  const h = foldDigits(head);
  const t = foldDigits(tail);
  // Every string across the seam contains its two middle characters; most seams fail right here.
  if (!h || !t || !corpus.pairs.has(h.slice(-1) + t[0])) return 0;
  for (let len = SEAM_WINDOW; len >= 2; len--) {
    for (let fromHead = len - 1; fromHead >= 1; fromHead--) {
      const fromTail = len - fromHead;
      if (fromHead > h.length || fromTail > t.length) continue;
      if (corpus.text.includes(h.slice(-fromHead) + t.slice(0, fromTail))) return len;
    }
  }
  return 0;
}

/** Both kinds of evidence add up; a head ending on a dangling word (的, 占, 和) is itself evidence. */
export function seamScore(head: string, tail: string, corpus: Corpus): number {
  return wordAcrossSeam(head, tail) + seenAcrossSeam(head, tail, corpus) + (DANGLING_END.test(head) ? 1 : 0);
}

/** Headings are short; a long paragraph without a full stop ran into the page end. */
function looksCut(text: string): boolean {
  return text.length >= LONG_ENOUGH_TO_BE_CUT;
}

/**
 * @param paragraphs the document in file order, duplicates included
 * @param duplicateOf duplicate → original; a tail after a dropped repeat continues the original
 */
export function findJoins(paragraphs: readonly Paragraph[], duplicateOf: ReadonlyMap<number, number>, roles: SeamRoles): Join[] {
  const corpus = corpusOf(paragraphs);
  const kept = paragraphs.filter((p) => !duplicateOf.has(p.n));
  const heads = kept.filter((p) => endsOpen(p.text) && roles.canBeCut(p));
  const candidates: Join[] = [];
  const adjacent = new Map<number, number>();

  for (let i = 0; i < paragraphs.length; i++) {
    const tail = paragraphs[i]!;
    if (duplicateOf.has(tail.n) || !roles.canContinue(tail)) continue;
    const prev = i > 0 ? paragraphs[i - 1]! : undefined;
    const before = prev ? (duplicateOf.get(prev.n) ?? prev.n) : undefined;
    if (before !== undefined) adjacent.set(tail.n, before);
    // A tail that reads like a paragraph opening joins only the paragraph right before it, and only on evidence.
    const fresh = FRESH_START.test(tail.text) || roles.opensWithSubject(tail);
    for (const head of heads) {
      if (head.n >= tail.n) break;
      const isAdjacent = head.n === before;
      if (fresh && !isAdjacent) continue;
      const score = seamScore(head.text, tail.text, corpus);
      const adjacentOk =
        isAdjacent && (score >= MIN_ADJACENT_SCORE || DANGLING_END.test(head.text) || (!fresh && looksCut(head.text)));
      if (score >= MIN_DISTANT_SCORE || adjacentOk) {
        candidates.push({ head: head.n, tail: tail.n, score });
      }
    }
  }

  // Best evidence first; at equal evidence the paragraph right before the tail, then the nearest.
  candidates.sort(
    (a, b) =>
      b.score - a.score ||
      Number(adjacent.get(b.tail) === b.head) - Number(adjacent.get(a.tail) === a.head) ||
      a.tail - a.head - (b.tail - b.head) ||
      a.tail - b.tail,
  );
  const usedHeads = new Set<number>();
  const usedTails = new Set<number>();
  const joins: Join[] = [];
  for (const c of candidates) {
    // A joined tail may itself end open and take the next tail, so heads and tails are separate sets.
    if (usedHeads.has(c.head) || usedTails.has(c.tail)) continue;
    usedHeads.add(c.head);
    usedTails.add(c.tail);
    joins.push(c);
  }
  return joins.sort((a, b) => a.tail - b.tail);
}
