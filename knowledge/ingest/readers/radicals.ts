/**
 * Some fonts' ToUnicode maps (WPS and Word exports with common Chinese
 * fonts) name a radical's code point for a whole character: "增⻓" reads as
 * 增长 but does not match it. NFKC, which the parser applies, folds the
 * Kangxi radicals (U+2F00–U+2FD5) but not the CJK Radicals Supplement, so
 * the supplement's radicals that are whole simplified characters are mapped
 * here. Radical-only forms (讠, 钅, 纟) never stand alone in text and stay.
 */
const WHOLE_CHARACTERS: Readonly<Record<string, string>> = {
  '\u2EA0': '民',
  '\u2EC1': '虎',
  '\u2EC4': '西',
  '\u2EC5': '见',
  '\u2EC6': '角',
  '\u2EC9': '贝',
  '\u2ECB': '车',
  '\u2ED3': '长',
  '\u2ED4': '门',
  '\u2ED8': '青',
  '\u2ED9': '韦',
  '\u2EDA': '页',
  '\u2EDB': '风',
  '\u2EDC': '飞',
  '\u2EDD': '食',
  '\u2EE2': '马',
  '\u2EE4': '鬼',
  '\u2EE5': '鱼',
  '\u2EE6': '鸟',
  '\u2EE7': '卤',
  '\u2EE8': '麦',
  '\u2EE9': '黄',
  '\u2EEA': '黾',
  '\u2EEC': '齐',
  '\u2EEE': '齿',
  '\u2EF0': '龙',
  '\u2EF3': '龟',
};

const RADICAL = new RegExp(`[${Object.keys(WHOLE_CHARACTERS).join('')}]`, 'gu');

export function foldRadicals(text: string): string {
  return text.replace(RADICAL, (r) => WHOLE_CHARACTERS[r] ?? r);
}
