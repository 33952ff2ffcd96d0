import type { BulletinKind, Period, Region } from '../schema.ts';
import type { RegionIndex } from '../regions.ts';
import type { Paragraph } from './paragraphs.ts';

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 1: 1, 2: 2, 3: 3, 4: 4 };

/** "2023年下半年", "2024年第三季度", "2024年1-9月", "2022年度". */
const PERIOD_IN_TITLE =
  /(\d{4})\s*年\s*(?:(上|下)半年|第?([一二三四1-4])季度|1\s*[-—~至]\s*(3|6|9|12)\s*月|(全年|年度))?/;

export function periodLabel(p: Period): string {
  if (p.quarter) return `${p.year}年第${'一二三四'[p.quarter - 1]}季度`;
  if (p.half) return `${p.year}年${p.half === 1 ? '上' : '下'}半年`;
  return `${p.year}年`;
}

/** Stable short form for ids: 2023h2, 2024q3, 2020. */
export function periodCode(p: Period): string {
  if (p.quarter) return `${p.year}q${p.quarter}`;
  if (p.half) return `${p.year}h${p.half}`;
  return `${p.year}`;
}

export function parsePeriod(text: string): Period | undefined {
  const m = PERIOD_IN_TITLE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (m[2]) return { year, half: m[2] === '上' ? 1 : 2 };
  if (m[3]) return { year, quarter: CN_DIGITS[m[3]] as 1 | 2 | 3 | 4 };
  if (m[4]) {
    const months = Number(m[4]);
    if (months === 6) return { year, half: 1 };
    if (months === 3) return { year, quarter: 1 };
    // 1-9月 is cumulative to the third quarter; that is how quarterly bulletins label themselves.
    if (months === 9) return { year, quarter: 3 };
  }
  return { year };
}

/**
 * Without a period in the title, the latest "截至YYYY年M月" date tells what a
 * report covers; failing that, the year the text mentions most.
 */
export function periodFromBody(text: string): Period | undefined {
  const asOf = [...text.matchAll(/截至\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月)?/g)].map((m) => ({
    year: Number(m[1]),
    month: m[2] ? Number(m[2]) : 12,
  }));
  if (asOf.length) {
    const latest = asOf.sort((a, b) => b.year - a.year || b.month - a.month)[0]!;
    return latest.month <= 6 ? { year: latest.year, half: 1 } : { year: latest.year };
  }
  const years = new Map<number, number>();
  for (const m of text.matchAll(/(?<!\d)((?:19|20)\d{2})\s*年/g)) years.set(Number(m[1]), (years.get(Number(m[1])) ?? 0) + 1);
  const top = [...years].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
  return top ? { year: top[0] } : undefined;
}

const OFFICIAL_TITLE = /(?:通告|通报|公告)$|服务质量(?:通告|通报)|(?:通告|通报)(?:\(|$)/;
const REPORT_TITLE = /(?:服务质量|服务)(?:状况)?报告/;
const NEWS_MARKERS = /记者|通讯员|本报讯|新华社|纪实|专访|报道|编辑[:]|来源[:]/;
const REGULATOR = /(工业和信息化部|工信部|[\p{Script=Han}]{2,8}?通信管理局)/u;

export interface DocumentHead {
  title: string;
  /** Paragraph numbers that make up the title block. */
  titleParagraphs: number[];
  kind: BulletinKind;
}

/**
 * The title is the first short paragraph; a following "——subtitle" line
 * belongs to it (news features put the subject there).
 */
export function readHead(paragraphs: readonly Paragraph[]): DocumentHead | undefined {
  const first = paragraphs.findIndex((p) => p.text.length <= 60 && !/[。]$/.test(p.text));
  if (first < 0 || first > 3) return undefined;
  const titleParts = [paragraphs[first]!];
  const next = paragraphs[first + 1];
  if (next && /^[—-]{1,2}/.test(next.text)) titleParts.push(next);
  const title = titleParts.map((p) => p.text).join('');
  const opening = paragraphs.slice(0, 8).map((p) => p.text).join('\n');
  let kind: BulletinKind;
  if (OFFICIAL_TITLE.test(paragraphs[first]!.text)) kind = 'official';
  else if (REPORT_TITLE.test(title) && !NEWS_MARKERS.test(opening)) kind = 'carrier_report';
  else if (NEWS_MARKERS.test(opening) || /[—-]{2}/.test(title)) kind = 'news';
  else return undefined;
  return { title, titleParagraphs: titleParts.map((p) => p.n), kind };
}

/** The province a title or heading names, or national scope for MIIT's own bulletins. */
export function regionOfTitle(title: string, regions: RegionIndex): Region | undefined {
  if (/全国|工业和信息化部|工信部/.test(title)) return { province: 'CN' };
  for (const name of regions.names()) {
    if (!title.includes(name)) continue;
    const found = regions.lookup(name);
    if (found.length === 1) return found[0];
  }
  return undefined;
}

/** A regulator named in the text ("吉林省通信管理局"), preferring the closing lines where issuers sign. */
export function regulatorNamed(paragraphs: readonly Paragraph[]): string | undefined {
  for (const p of [...paragraphs].reverse()) {
    if (p.text.length <= 30) {
      const m = REGULATOR.exec(p.text);
      if (m && m[0] === p.text.replace(/\s*\d{4}年.*$/, '')) return m[0];
    }
  }
  return undefined;
}

export function newsByline(paragraphs: readonly Paragraph[]): string | undefined {
  return paragraphs.slice(0, 8).find((p) => p.text.length <= 30 && /^(?:本报)?(?:记者|通讯员)/.test(p.text))?.text;
}
