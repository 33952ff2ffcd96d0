/**
 * The tokens search works on, read straight off the characters of text that
 * is already normalised (NFKC, simplified, as ingestion stores it):
 * - inside a run of Han characters, every overlapping pair, so "爱心翼站"
 *   matches without a dictionary; a lone Han character is a token itself;
 * - runs of ASCII letters and digits, lower-cased, a decimal point kept
 *   inside a number ("54.84"); a run that mixes both also gives its letter
 *   part ("485kwp" → "kwp"), so a unit finds the figures written with it.
 *
 * Han tokens are numbers, not strings: indexing 100,000 facts makes some
 * four million of them, and slicing a string for each is most of the cost.
 * A pair (a, b) is (a - 0x3400) * 0x10000 + b, which stays a small integer;
 * a lone character is -a. Other text is a string token.
 */
export type TokenKey = number | string;

const HAN_FIRST = 0x3400;
const HAN_LAST = 0x9fff;

function isHan(c: number): boolean {
  return c >= HAN_FIRST && c <= HAN_LAST;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The tokens of one text, in buffers reused from call to call: Han keys as
 * numbers in han[0 .. hanCount), other tokens in words. Indexing calls
 * this four million times for a national knowledge base; filling a typed
 * array costs no allocation and no callback per token.
 */
export class Tokens {
  han = new Int32Array(256);
  hanCount = 0;
  readonly words: string[] = [];

  pushHan(key: number): void {
    if (this.hanCount === this.han.length) {
      const grown = new Int32Array(this.han.length * 2);
      grown.set(this.han);
      this.han = grown;
    }
    this.han[this.hanCount++] = key;
  }
}

export function scan(text: string, out: Tokens = new Tokens()): Tokens {
  out.hanCount = 0;
  out.words.length = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isHan(c)) {
      let j = i + 1;
      while (j < n && isHan(text.charCodeAt(j))) {
        out.pushHan((text.charCodeAt(j - 1) - HAN_FIRST) * 0x10000 + text.charCodeAt(j));
        j++;
      }
      if (j === i + 1) out.pushHan(-c);
      i = j;
    } else if (isAsciiAlnum(c)) {
      let j = i + 1;
      let letters = !isDigit(c);
      let digits = isDigit(c);
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isAsciiAlnum(d)) {
          if (isDigit(d)) digits = true;
          else letters = true;
          j++;
        } else if (d === 0x2e && isDigit(text.charCodeAt(j - 1)) && j + 1 < n && isDigit(text.charCodeAt(j + 1))) j++;
        else break;
      }
      const word = text.slice(i, j).toLowerCase();
      out.words.push(word);
      if (letters && digits) for (const part of word.match(/[a-z]{2,}/g) ?? []) out.words.push(part);
      i = j;
    } else i++;
  }
  return out;
}

/** Every token key of a text, Han ones first. */
export function tokenKeys(text: string): TokenKey[] {
  const t = scan(text);
  return [...t.han.subarray(0, t.hanCount), ...t.words];
}

/** A token as text, for tests and debugging: the pair or character it stands for, or the word. */
export function tokenText(key: TokenKey): string {
  if (typeof key === 'string') return key;
  if (key < 0) return String.fromCharCode(-key);
  return String.fromCharCode(Math.floor(key / 0x10000) + HAN_FIRST, key % 0x10000);
}
