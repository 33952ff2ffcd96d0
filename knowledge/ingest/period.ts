import type { Period } from '../schema.ts';

/**
 * Reading the period a text covers. Bulletins name it in many ways:
 * 2024年第二季度, 2015年四季度, 2024年上半年, 2024年1-9月, 前三季度, 2023年度;
 * news speaks of 今年一季度; and "(2023年第4号)" is a serial number, not a period.
 */

const CN_NUMBER: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };

function monthNumber(s: string): number | undefined {
  const n = /^\d+$/.test(s) ? Number(s) : CN_NUMBER[s];
  return n !== undefined && n >= 1 && n <= 12 ? n : undefined;
}

const MONTH = String.raw`(\d{1,2}|十[一二]?|[一二三四五六七八九])`;
const YEAR = String.raw`((?:19|20)\d{2})\s*年`;
/** What may follow "YYYY年" to name a part of the year. */
const PART =
  String.raw`(?:度|全年|(上|下)半年|(?:第\s*)?([一二三四1-4])\s*季度|前\s*([一二三])\s*(?:个)?季度|` +
  String.raw`${MONTH}\s*(?:月份?)?\s*[-—~～至到]\s*${MONTH}\s*月份?|${MONTH}\s*月份(?!\s*\d))`;

const WITH_YEAR = new RegExp(`${YEAR}\\s*(?:${PART})?`, 'g');
/** "第4号", "第十二号", "第3期": a serial number follows the year. */
const SERIAL_AFTER = /^\s*(?:度\s*)?第\s*[\d一二三四五六七八九十]+\s*[号期]/;

/** 1-3月 is the first quarter, 1-6月 the first half, 1-12月 the year; 1-9月 stays a span of months. */
export function periodOfMonths(year: number, from: number, to: number): Period {
  if (from === 1 && to === 12) return { year };
  if (from === 1 && to === 6) return { year, half: 1 };
  if (from === 7 && to === 12) return { year, half: 2 };
  if (to - from === 2 && (from - 1) % 3 === 0) return { year, quarter: ((from + 2) / 3) as 1 | 2 | 3 | 4 };
  return { year, months: { from, to } };
}

interface Found {
  period: Period;
  /** Whether the text named a part of the year (quarter, half, months, 年度), not just the year. */
  explicit: boolean;
  index: number;
  end: number;
}

function partOf(year: number, m: RegExpExecArray, offset: number): Omit<Found, 'index' | 'end'> | undefined {
  const [whole, , half, quarter, first, m1, m2, single] = [m[0], m[1 + offset], m[2 + offset], m[3 + offset], m[4 + offset], m[5 + offset], m[6 + offset], m[7 + offset]];
  if (half) return { period: { year, half: half === '上' ? 1 : 2 }, explicit: true };
  if (quarter) return { period: { year, quarter: (monthNumber(quarter) ?? 0) as 1 | 2 | 3 | 4 }, explicit: true };
  if (first) return { period: periodOfMonths(year, 1, 3 * monthNumber(first)!), explicit: true };
  if (m1 && m2) {
    const from = monthNumber(m1);
    const to = monthNumber(m2);
    if (from && to && from <= to) return { period: periodOfMonths(year, from, to), explicit: true };
    return undefined;
  }
  if (single) {
    const month = monthNumber(single);
    return month ? { period: periodOfMonths(year, month, month), explicit: true } : undefined;
  }
  if (/(?:度|全年)$/.test(whole ?? '')) return { period: { year }, explicit: true };
  return { period: { year }, explicit: false };
}

/** "2024年11月全省电信用户申诉情况": a month named as what a title covers, not a date (6月底, 4月28日, 3月起). */
const MONTH_AS_PERIOD = /^\s*(\d{1,2})\s*月(?!\s*\d|\s*(?:底|末|初|中|上旬|中旬|下旬|以来|起|至|到|前|后|[-—~～]))/;

/**
 * Every period named with its year, in order; serial numbers ("2023年第4号")
 * skipped. A bare "2024年11月" counts as a month only where a title names it
 * (inTitle): in running text it is a date.
 */
export function periodsIn(text: string, inTitle = false): Found[] {
  const t = withArabicYears(text);
  const found: Found[] = [];
  for (const m of t.matchAll(WITH_YEAR)) {
    const year = Number(m[1]);
    const after = t.slice(m.index + m[0].length);
    if (SERIAL_AFTER.test(t.slice(m.index + 4).replace(/^\s*年/, ''))) continue;
    const span = m[0].replace(/^\d{4}\s*年\s*/, '') ? undefined : wholeMonthsOfDates(year, after);
    if (span) {
      found.push({ period: span.period, explicit: true, index: m.index, end: m.index + m[0].length + span.length });
      continue;
    }
    if (!m[0].replace(/^\d{4}\s*年\s*/, '') && /^\s*\d{1,2}\s*月/.test(after)) {
      const month = inTitle ? MONTH_AS_PERIOD.exec(after) : null;
      const n = month ? Number(month[1]) : 0;
      if (n >= 1 && n <= 12) found.push({ period: periodOfMonths(year, n, n), explicit: true, index: m.index, end: m.index + m[0].length + month![0].length });
      // Otherwise "2024年6月底", "2024年4月28日": a date, not a period.
      continue;
    }
    const part = partOf(year, m as RegExpExecArray, 0);
    if (part) found.push({ ...part, index: m.index, end: m.index + m[0].length });
  }
  return found;
}

/** 1, 31, 一, 三十一: a day of the month as dates write it. */
const DAY = String.raw`(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])`;
const DATE_SPAN = new RegExp(
  String.raw`^\s*${MONTH}\s*月\s*${DAY}\s*日\s*(?:[-—~～]|至|到|起至)\s*(?:((?:19|20)\d{2})\s*年\s*)?${MONTH}\s*月\s*${DAY}\s*日`,
);

function dayNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const [tens, ones] = s.includes('十') ? s.split('十') : ['', s];
  return (s.includes('十') ? (tens ? (CN_NUMBER[tens] ?? 0) : 1) * 10 : 0) + (ones ? (CN_NUMBER[ones] ?? 0) : 0);
}

/**
 * "2013年10月1日至12月31日": dates that run from the first day of a month to
 * the last day of a later one in the same year cover whole months, the span
 * the text reports on (here the fourth quarter). Any other pair of dates is
 * no period. `after` is the text right after "YYYY年".
 */
function wholeMonthsOfDates(year: number, after: string): { period: Period; length: number } | undefined {
  const m = DATE_SPAN.exec(after);
  if (!m) return undefined;
  const [whole, m1, d1, year2, m2, d2] = m;
  const from = monthNumber(m1!);
  const to = monthNumber(m2!);
  if (!from || !to || from > to || (year2 && Number(year2) !== year)) return undefined;
  const lastDay = new Date(Date.UTC(year, to, 0)).getUTCDate();
  if (dayNumber(d1!) !== 1 || dayNumber(d2!) !== lastDay) return undefined;
  return { period: periodOfMonths(year, from, to), length: whole.length };
}

/** The period a title names, when it names a part of the year or a year that is not a serial number. */
export function parsePeriod(text: string): Period | undefined {
  const all = periodsIn(text, true);
  return (all.find((f) => f.explicit) ?? all[0])?.period;
}

/** Only an explicit period (quarter, half, months, 年度/全年) with its year, as a title names it. */
export function explicitPeriod(text: string): Period | undefined {
  return periodsIn(text, true).find((f) => f.explicit)?.period;
}

/** What a period statement is about: the words right after a period in 现将…通告如下 and news leads. */
const ABOUT = /电信服务|服务质量|通告|通报|公告|报告|申诉|投诉|情况|盘点|用户|举报/;

/**
 * The period the body says it reports on: "现将2023年第三季度全省电信服务有关情况通告如下",
 * "工信部发布2025年第一季度电信服务质量通告". The first explicit period followed
 * closely by what is reported.
 */
export function statedPeriod(paragraphs: readonly string[]): Period | undefined {
  for (const text of paragraphs) {
    for (const f of periodsIn(text)) {
      if (!f.explicit) continue;
      const after = withArabicYears(text).slice(f.end, f.end + 30);
      if (ABOUT.test(after)) return f.period;
    }
  }
  return undefined;
}

/** A period named without its year: 今年一季度, 去年四季度, 上半年, 1-9月. */
export interface RelativePeriod {
  /** 0 for 今年 or no year word, -1 for 去年. */
  yearOffset: 0 | -1;
  /** Whether a year word (今年/去年/本年度) fixed it, rather than the publication date. */
  anchored: boolean;
  part: (year: number) => Period;
  /** The words as written, for messages. */
  words: string;
}

const RELATIVE = new RegExp(
  String.raw`(今年|本年度?|去年|上年度?)?\s*(?:(上|下)半年|(?:第\s*)?([一二三四1-4])\s*季度|前\s*([一二三])\s*(?:个)?季度|${MONTH}\s*(?:月份?)?\s*[-—~～至到]\s*${MONTH}\s*月份?)`,
);

export function relativePeriod(text: string): RelativePeriod | undefined {
  const m = RELATIVE.exec(text);
  if (!m) return undefined;
  // A year right before it makes it absolute: periodsIn reads those.
  if (/\d{4}\s*年\s*$/.test(text.slice(0, m.index)) && !m[1]) return undefined;
  const [, word, half, quarter, first, m1, m2] = m;
  const yearOffset = word && /去|上/.test(word) ? -1 : 0;
  let part: ((year: number) => Period) | undefined;
  if (half) part = (year) => ({ year, half: half === '上' ? 1 : 2 });
  else if (quarter) part = (year) => ({ year, quarter: monthNumber(quarter) as 1 | 2 | 3 | 4 });
  else if (first) part = (year) => periodOfMonths(year, 1, 3 * monthNumber(first)!);
  else if (m1 && m2) {
    const from = monthNumber(m1);
    const to = monthNumber(m2);
    if (from && to && from <= to) part = (year) => periodOfMonths(year, from, to);
  }
  if (!part) return undefined;
  return { yearOffset, anchored: Boolean(word), part, words: m[0].trim() };
}

/** A serial number and the year it is numbered in: "(2023年第3号)", "2008年第3期", "2016年度第1号". */
export interface Serial {
  year: number;
  number: number;
}

export function serialOf(text: string): Serial | undefined {
  const m = /((?:19|20)\d{2})\s*年\s*(?:度\s*)?第\s*([\d一二三四五六七八九十]+)\s*[号期]/.exec(withArabicYears(text));
  if (!m) return undefined;
  const number = /^\d+$/.test(m[2]!) ? Number(m[2]) : (CN_NUMBER[m[2]!] ?? 0);
  return number > 0 ? { year: Number(m[1]), number } : undefined;
}

/**
 * The period a serial dates, when the text names it without its year: the
 * serial's year. Only the first serial of a year may report on the year
 * before, and only when what it names ends in December (第四季度, 下半年): a
 * 第1号 bulletin cannot come out before the quarter it covers has ended.
 * A later serial is numbered in the year it covers.
 */
export function periodOfSerial(rel: RelativePeriod, serial: Serial): Period {
  const year = serial.year + rel.yearOffset;
  const candidate = rel.part(year);
  return !rel.anchored && serial.number === 1 && lastMonth(candidate) === 12 ? rel.part(year - 1) : candidate;
}

/**
 * A period with its year that opens a paragraph ("2023年上半年,本公司…", "一、2023年1-9月,…"):
 * what a text with no period in its title reports on, however long the clause that follows.
 */
export function openingExplicitPeriod(paragraphs: readonly string[]): Period | undefined {
  for (const text of paragraphs) {
    const first = periodsIn(text).find((f) => f.explicit);
    if (first && withArabicYears(text).slice(0, first.index).replace(OPENING_MARK, '') === '') return first.period;
  }
  return undefined;
}

/** Where a body says what it reports on: 现将…通报如下, …情况如下. */
const REPORTS_ON = /现将|如下|情况通报|情况通告/;
const OPENING_MARK = /^(?:[一二三四五六七八九十]+、|[(][一二三四五六七八九十]+[)]|\d{1,2}[.、])?\s*(?:今年|本年度?)?\s*/;

/**
 * A part of the year the body's opening names as what it reports on, without
 * the year: a paragraph that starts with it ("7月至9月,全省受理…", "三季度,…")
 * or a 现将…通报如下 sentence ("现将7-9月全省申诉情况通报如下"). A title that
 * gives only the year (关于2023年电信用户申诉情况的通报) is refined by it. A text
 * that speaks of the whole year first (全年, 年度) is about the year, and so is
 * one whose paragraphs open with different parts (一季度…, 二季度…): a breakdown.
 */
export function openingPeriod(opening: readonly string[], body: readonly string[] = opening): RelativePeriod | undefined {
  const found = firstOpening(opening);
  if (!found) return undefined;
  const code = (r: RelativePeriod): string => JSON.stringify(r.part(2000));
  const others = body.map((text) => leadingPart(text.split(/[。;]/)[0] ?? '')).filter((r): r is RelativePeriod => r !== undefined);
  return others.every((r) => code(r) === code(found)) ? found : undefined;
}

function firstOpening(paragraphs: readonly string[]): RelativePeriod | undefined {
  for (const text of paragraphs) {
    for (const sentence of text.split(/[。;]/)) {
      const rel = relativePeriod(sentence);
      if (!rel || rel.yearOffset !== 0) continue;
      const before = sentence.slice(0, sentence.indexOf(rel.words));
      if (/全年|年度|全\s*年/.test(before)) return undefined;
      if (before.replace(OPENING_MARK, '') === '' || REPORTS_ON.test(sentence)) return rel;
    }
  }
  return undefined;
}

/** The part of the year a sentence opens with: "三季度,…", "二、4月至6月,…". */
function leadingPart(sentence: string): RelativePeriod | undefined {
  const rel = relativePeriod(sentence);
  if (!rel) return undefined;
  return sentence.slice(0, sentence.indexOf(rel.words)).replace(OPENING_MARK, '') === '' ? rel : undefined;
}

/** The last month a period covers. */
export function lastMonth(p: Period): number {
  if (p.quarter) return p.quarter * 3;
  if (p.half) return p.half * 6;
  if (p.months) return p.months.to;
  return 12;
}

/**
 * The year of a period named without one, from the publication date: 今年 is
 * the publication year, 去年 the one before; with no year word, the latest
 * year in which the period has ended by the publication month (a 四季度
 * bulletin published in January is about the year before).
 */
export function resolveRelative(rel: RelativePeriod, published: { year: number; month?: number }): Period {
  const year = published.year + rel.yearOffset;
  if (rel.anchored || published.month === undefined) return rel.part(year);
  const candidate = rel.part(year);
  return lastMonth(candidate) > published.month ? rel.part(year - 1) : candidate;
}

/** 二〇二四年, 二00八年 → 2024年, 2008年: the year in a Chinese-numeral date line. */
export function withArabicYears(text: string): string {
  const digit: Record<string, string> = { 〇: '0', 零: '0', O: '0', '○': '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
  return text.replace(/([〇零○O0一二三四五六七八九]{4})(?=\s*年)/g, (run) => {
    if (/^\d{4}$/.test(run)) return run;
    const digits = [...run].map((c) => digit[c] ?? c).join('');
    return /^(?:19|20)\d{2}$/.test(digits) ? digits : run;
  });
}

/**
 * A dateline: "2025-04-18", "2025年4月18日", "二〇二五年四月十八日" (year and month read).
 * Returns year and month of the first one found.
 */
export function datelineOf(text: string): { year: number; month: number } | undefined {
  const t = withArabicYears(text);
  const m =
    /((?:19|20)\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*\d{1,2}/.exec(t) ??
    new RegExp(`((?:19|20)\\d{2})\\s*年\\s*${MONTH}\\s*月\\s*(?:\\d{1,2}|[一二三十]{0,2}[一二三四五六七八九十])\\s*日`).exec(t);
  if (!m) return undefined;
  const month = monthNumber(m[2]!);
  return month ? { year: Number(m[1]), month } : undefined;
}

/** Parses an ISO-ish publication date (2025-04-18, 2025-04, 2025) from hints or page meta. */
export function publicationOf(iso: string | undefined): { year: number; month?: number } | undefined {
  const m = /^((?:19|20)\d{2})(?:-(\d{1,2}))?/.exec(iso ?? '');
  if (!m) return undefined;
  return m[2] ? { year: Number(m[1]), month: Number(m[2]) } : { year: Number(m[1]) };
}

export function periodLabel(p: Period): string {
  if (p.quarter) return `${p.year}年第${'一二三四'[p.quarter - 1]}季度`;
  if (p.half) return `${p.year}年${p.half === 1 ? '上' : '下'}半年`;
  if (p.months) return p.months.from === p.months.to ? `${p.year}年${p.months.from}月` : `${p.year}年${p.months.from}-${p.months.to}月`;
  return `${p.year}年`;
}

/** Stable short form for ids: 2023h2, 2024q3, 2024m1-9, 2020. */
export function periodCode(p: Period): string {
  if (p.quarter) return `${p.year}q${p.quarter}`;
  if (p.half) return `${p.year}h${p.half}`;
  if (p.months) return `${p.year}m${p.months.from}-${p.months.to}`;
  return `${p.year}`;
}
