import { normalizeText } from '../normalize.ts';
import { tableBlockText } from './tables.ts';
import { isStandaloneLine } from './noise.ts';

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
  const lines = readableText(raw).replace(/\r\n?/g, '\n').split('\n');
  // A blank line separates only between text: the newline that ends the file is no separator.
  const lastText = lines.findLastIndex((l) => l.trim() !== '');
  const hasBlankSeparators = lines.some((l, i) => i > 0 && i < lastText && l.trim() === '' && lines[i - 1]!.trim() !== '');
  const texts: string[] = [];
  let current: string | undefined;
  let block: string[] = [];
  const flush = (): void => {
    if (current !== undefined && current.trim()) {
      // A table keeps its rows and cells; prose lines are soft-wrapped into one.
      const table = block.length > 1 ? tableBlockText(block) : undefined;
      texts.push(table ?? tidy(current));
    }
    current = undefined;
    block = [];
  };
  for (const line of lines) {
    const t = line.trim();
    if (!t) {
      flush();
      continue;
    }
    const startsItem = MARKDOWN_LINE.test(t) || NUMBERED_HEADING.test(t.replace(MARKDOWN_LINE, ''));
    if (hasBlankSeparators && isStandaloneLine(t)) {
      // Page chrome printed in one block with the title or the text: never glued to either.
      flush();
      texts.push(tidy(t));
    } else if (!hasBlankSeparators || startsItem || current === undefined) {
      flush();
      current = t;
      block = [t];
    } else {
      current = joinWrapped(current, t);
      block.push(t);
    }
  }
  flush();
  return texts.map((text, i) => ({ n: i + 1, text }));
}

/** A pinyin syllable with a tone mark, as converters insert after characters: 質(zhì)量. */
const INSERTED_PINYIN = /(?<=\p{Script=Han})\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ][a-zü]*\s?)+\)/gu;

/**
 * The text as the parser reads it: full-width forms folded, traditional
 * characters simplified, and pinyin that converters insert after characters
 * (質(zhì)量 → 质量) removed. Each line stays a line, so paragraph numbers match the file.
 */
export function readableText(raw: string): string {
  return normalizeText(raw).replace(INSERTED_PINYIN, '').replace(/^.+$/gm, unspaced);
}

/**
 * "浙 江 省 通 信 管 理 局": PDF extractions of titles set with letter spacing put a space
 * between every character. A line made only of single characters and single spaces is read
 * without them; ordinary text with spaces between words is left alone.
 */
function unspaced(line: string): string {
  const tokens = line.trim().split(' ');
  if (tokens.length < 6 || tokens.some((t) => [...t].length !== 1)) return line;
  return tokens.filter((t) => /\p{Script=Han}/u.test(t)).length >= tokens.length / 2 ? tokens.join('') : line;
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
