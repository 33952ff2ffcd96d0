import { pinyin } from 'pinyin-pro';
import { nameKey } from '../normalize.ts';

const HAN = /\p{Script=Han}/u;

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/**
 * Latin spellings of a Chinese name as people type them: full pinyin
 * ("jilin"), ü written as v or u ("lvliang", "luliang"), and initials
 * ("jl"). Non-Han characters pass through unchanged.
 */
export function latinForms(text: string): string[] {
  const key = nameKey(text);
  if (!hasHan(key)) return key ? [key] : [];
  // One conversion gives both: initials are the syllables' first letters (zh, ch, sh → z, c, s, as people type them).
  const syllables = pinyin(key, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).map(nameKey);
  const full = syllables.join('');
  const initials = syllables.map((s) => (/^[a-z]+$/.test(s) ? s[0] : s)).join('');
  return [...new Set([full, full.replace(/v/g, 'u'), initials])].filter(Boolean);
}

/** The full-pinyin key of a query, to catch homophones: 连通 → liantong = 联通. */
export function pinyinKey(text: string): string {
  return latinForms(text)[0] ?? '';
}

const syllableCache = new Map<string, string>();

/**
 * The query side of homophone matching: each Han character's most common
 * reading, looked up once per character and remembered. Whole-phrase pinyin
 * (latinForms) reads polyphones in context but costs ~50 µs a call; per
 * character it is a map lookup. Names are indexed under both spellings
 * (see syllableKey's callers), so the two meet.
 */
export function syllableKey(key: string): string {
  let out = '';
  for (const ch of key) {
    let syllable = syllableCache.get(ch);
    if (syllable === undefined) {
      syllable = HAN.test(ch) ? pinyin(ch, { toneType: 'none', v: true }) : ch;
      syllableCache.set(ch, syllable);
    }
    out += syllable;
  }
  return out;
}
