import { pinyin } from 'pinyin-pro';
import { nameKey } from './normalize.ts';

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
  const options = { toneType: 'none', type: 'array', nonZh: 'consecutive' } as const;
  const full = nameKey(pinyin(key, { ...options, v: true }).join(''));
  const initials = nameKey(pinyin(key, { ...options, pattern: 'first' }).join(''));
  return [...new Set([full, full.replace(/v/g, 'u'), initials])].filter(Boolean);
}

/** The full-pinyin key of a query, to catch homophones: 连通 → liantong = 联通. */
export function pinyinKey(text: string): string {
  return latinForms(text)[0] ?? '';
}
