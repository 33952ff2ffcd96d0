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

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A lookup key for names: normalised, lower case, without spaces or punctuation. */
export function nameKey(text: string): string {
  // Plain ASCII (pinyin, English) is already NFKC and has no traditional characters: skip the converter.
  const normal = PRINTABLE_ASCII.test(text) ? text : normalizeText(text);
  return normal.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}
