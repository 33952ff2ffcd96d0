import { carrierIdOf, type Mention } from './carrier-mentions.ts';
import { endsOpen, NUMBERED_HEADING, type Paragraph } from './paragraphs.ts';

/**
 * What a paragraph does in the document's structure.
 * - signature: a line that is only a carrier's name, closing its report;
 * - statement: the "企业声明" line printed above a signature;
 * - anchor: opens a carrier's part (an intro declaring 简称, or a report heading);
 * - heading: a numbered or short title line;
 * - body: running text.
 */
export type Role = 'title' | 'signature' | 'statement' | 'anchor' | 'heading' | 'body';

export interface RoledParagraph extends Paragraph {
  role: Role;
  mentions: Mention[];
  /** Carrier ids named in the paragraph, in order of first mention, national ones excluded unless kept. */
  carriers: string[];
  /** Set for signature and anchor paragraphs. */
  carrier?: string;
}

const STATEMENT = /^(?:企业声明|声明)[:]/;
const ENUMERATION = /^(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]|首先|其次|最后)/;
const TRAILING_DATE = /\s*\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$/;
const REPORT_WORDS = /报告|状况|公告|通报|情况/;
const HEADING_MAX = 40;

export function assignRole(p: Paragraph, mentions: Mention[], keep: (carrierId: string) => boolean, isTitle: boolean): RoledParagraph {
  const carriers = [...new Set(mentions.map((m) => carrierIdOf(m.ref)).filter(keep))];
  const base = { ...p, mentions, carriers };
  if (isTitle) return { ...base, role: 'title' };
  if (STATEMENT.test(p.text)) return { ...base, role: 'statement' };

  const bare = p.text.replace(TRAILING_DATE, '').trim();
  const only = mentions.find((m) => m.text === bare && keep(carrierIdOf(m.ref)));
  if (only) return { ...base, role: 'signature', carrier: carrierIdOf(only.ref) };

  const declaring = mentions.find((m) => m.declares && keep(carrierIdOf(m.ref)));
  if (declaring) return { ...base, role: 'anchor', carrier: carrierIdOf(declaring.ref) };

  const first = mentions.find((m) => keep(carrierIdOf(m.ref)));
  const isShortLine = p.text.length <= 60 && !p.text.includes('。');
  if (first && first.start <= 1 && isShortLine && REPORT_WORDS.test(p.text)) {
    return { ...base, role: 'anchor', carrier: carrierIdOf(first.ref) };
  }
  if (NUMBERED_HEADING.test(p.text) && (p.text.length <= HEADING_MAX || !/。./.test(p.text))) return { ...base, role: 'heading' };
  return { ...base, role: 'body' };
}

/** Whether a paragraph may be the head of a sentence cut by a page break. */
export function canBeCut(p: RoledParagraph): boolean {
  // A table (rows on their own lines) is never half of a sentence cut by a page break.
  if (p.text.includes('\n')) return false;
  if (p.role === 'body') return true;
  // A long numbered item can run past the page end too; short headings just have no full stop.
  return p.role === 'heading' && p.text.length > HEADING_MAX;
}

/** Short lines without a sentence end are subheads and photo captions, not the rest of a cut sentence. */
const CAPTION_MAX = 20;

/** Whether a paragraph may be the tail of a sentence cut by a page break. */
export function canContinue(p: RoledParagraph): boolean {
  // A table (rows on their own lines) is never half of a sentence cut by a page break.
  if (p.text.includes('\n')) return false;
  if (p.role !== 'body' || NUMBERED_HEADING.test(p.text) || ENUMERATION.test(p.text)) return false;
  return !(p.text.length <= CAPTION_MAX && endsOpen(p.text));
}

/** Whether a paragraph opens with a carrier's name, as a new paragraph about it does. */
export function opensWithSubject(p: RoledParagraph): boolean {
  return p.mentions.some((m) => m.start <= 1 && p.carriers.includes(carrierIdOf(m.ref)));
}
