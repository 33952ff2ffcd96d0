import { normalizeText } from '../normalize.ts';

export interface Paragraph {
  /** 1-based position among the source file's non-empty paragraphs; what sources cite. */
  n: number;
  text: string;
}

/** Markers that open a list item or a numbered heading: 一、 (一) 1. 1、 (1) 第一部分 */
export const NUMBERED_HEADING =
  /^(?:第[一二三四五六七八九十百]+[章节部分条]|[一二三四五六七八九十]+、|[(][一二三四五六七八九十]+[)]|\d{1,2}[.、](?!\d)|[(]\d{1,2}[)])/;

const MARKDOWN_LINE = /^(?:#{1,6}\s+|[-*+]\s+|>\s*)/;

/**
 * Splits a document into paragraphs. Blank lines separate paragraphs when the
 * file has them; a file without any treats each line as one. Inside a block,
 * a line that opens a heading or list item starts a new paragraph, and other
 * lines are soft wraps of the one before.
 */
export function splitParagraphs(raw: string): Paragraph[] {
  const lines = normalizeText(raw).replace(/\r\n?/g, '\n').split('\n');
  const hasBlankSeparators = lines.some((l, i) => i > 0 && l.trim() === '' && lines[i - 1]!.trim() !== '');
  const texts: string[] = [];
  let current: string | undefined;
  const flush = (): void => {
    if (current !== undefined && current.trim()) texts.push(tidy(current));
    current = undefined;
  };
  for (const line of lines) {
    const t = line.trim();
    if (!t) {
      flush();
      continue;
    }
    const startsItem = MARKDOWN_LINE.test(t) || NUMBERED_HEADING.test(t.replace(MARKDOWN_LINE, ''));
    if (!hasBlankSeparators || startsItem || current === undefined) {
      flush();
      current = t;
    } else {
      current = joinWrapped(current, t);
    }
  }
  flush();
  return texts.map((text, i) => ({ n: i + 1, text }));
}

function tidy(text: string): string {
  return text
    .replace(MARKDOWN_LINE, '')
    .replace(/\*\*|__/g, '')
    .replace(/[ \t\u3000]+/g, ' ')
    .trim();
}

/** Soft-wrapped CJK joins without a space; Latin words keep one. */
export function joinWrapped(a: string, b: string): string {
  const needsSpace = /[A-Za-z0-9]$/.test(a) && /^[A-Za-z0-9]/.test(b);
  return needsSpace ? `${a} ${b}` : a + b;
}

const TERMINAL = /[。!?;:…」』”’"')》】]$/;

/** A paragraph that stops mid-sentence: its last character is not a sentence end. */
export function endsOpen(text: string): boolean {
  return !TERMINAL.test(text);
}
