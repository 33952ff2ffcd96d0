import * as OpenCC from 'opencc-js/t2cn';

const traditionalToSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

export function toSimplified(text: string): string {
  return traditionalToSimplified(text);
}

/**
 * Canonical form of any text we read: NFKC folds full-width ASCII and
 * punctuation (，：（ → , : (), which PDF extractions mix freely, then
 * traditional characters become simplified.
 */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize('NFKC'));
}

/** A lookup key for names: normalised, lower case, without spaces or punctuation. */
export function nameKey(text: string): string {
  return normalizeText(text)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}
