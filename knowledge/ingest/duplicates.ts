import type { Paragraph } from './paragraphs.ts';

const SHINGLE = 5;
/** Share of a paragraph's 5-character shingles already seen for it to count as a repeat. */
const NEAR_DUPLICATE = 0.9;
const MIN_NEAR = 16;
const MIN_CONTAINED = 8;

function key(text: string): string {
  return text.replace(/\s+/g, '');
}

/**
 * Finds paragraphs that repeat earlier ones. PDF extractions repeat whole
 * pages, and the repeats are cut at different places, so besides exact
 * copies this catches fragments contained in an earlier paragraph and
 * near-copies whose first or last characters differ.
 *
 * Returns duplicate paragraph number → the earlier paragraph it repeats.
 * `exempt` paragraphs (signatures, 企业声明) legitimately repeat and are kept.
 */
export function findDuplicates(paragraphs: readonly Paragraph[], exempt: (p: Paragraph) => boolean): Map<number, number> {
  const duplicates = new Map<number, number>();
  const kept: Array<{ n: number; text: string }> = [];
  const exact = new Map<string, number>();
  const shingleOwner = new Map<string, number>();

  for (const p of paragraphs) {
    const text = key(p.text);
    if (exempt(p)) continue;
    const original = exact.get(text) ?? containedIn(text, kept) ?? nearCopyOf(text, shingleOwner);
    if (original !== undefined) {
      duplicates.set(p.n, original);
      continue;
    }
    exact.set(text, p.n);
    kept.push({ n: p.n, text });
    for (const s of shingles(text)) if (!shingleOwner.has(s)) shingleOwner.set(s, p.n);
  }
  return duplicates;
}

function containedIn(text: string, kept: ReadonlyArray<{ n: number; text: string }>): number | undefined {
  if (text.length < MIN_CONTAINED) return undefined;
  return kept.find((k) => k.text.length > text.length && k.text.includes(text))?.n;
}

/** The earlier paragraph holding most of this one's shingles, when nearly all are old. */
function nearCopyOf(text: string, owner: ReadonlyMap<string, number>): number | undefined {
  if (text.length < MIN_NEAR) return undefined;
  const all = shingles(text);
  const votes = new Map<number, number>();
  let seen = 0;
  for (const s of all) {
    const n = owner.get(s);
    if (n === undefined) continue;
    seen++;
    votes.set(n, (votes.get(n) ?? 0) + 1);
  }
  if (seen < all.length * NEAR_DUPLICATE) return undefined;
  return [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

function shingles(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + SHINGLE <= text.length; i++) out.push(text.slice(i, i + SHINGLE));
  return out;
}
