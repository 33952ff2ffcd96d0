/**
 * Positioned text runs of PDF pages to plain paragraphs, without any PDF
 * library: lines rebuilt from positions, running heads, footers and page
 * numbers dropped, paragraphs rebuilt from indents and line ends, table rows
 * kept one per line with cells that wrapped inside them put back together.
 *
 * Lines are read top to bottom, whatever order the producer drew them in
 * (heads and footers often come last). That assumes one column of text, as
 * bulletins are set (GB/T 9704); a two-column page would interleave.
 *
 * Output shape, the same as the HTML reader's: paragraphs separated by a
 * blank line; a table is one block with one row per line and its cells
 * separated by two spaces (never a single space, so a cell boundary is not
 * confused with a space inside a cell). A page boundary always ends a block;
 * a sentence cut by it is rejoined by page-joins.ts, which weighs language
 * evidence on both sides of the seam.
 */

/** A piece of text as drawn: position of its baseline start, in points from the page's top-left corner. */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  width: number;
  /** Font height in points. */
  size: number;
}

export interface Line {
  cells: string[];
  /** Where each cell sits across the page, for a line with several. */
  spans?: Array<{ x0: number; x1: number }>;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

export const CELL_SEPARATOR = '  ';

/** Horizontal gap, in font heights, that separates table cells rather than words. */
const CELL_GAP = 1.5;
/** Lines repeated on at least this share of pages (heads, footers) are page furniture, not text. */
const RUNNING_SHARE = 0.5;
/** How many lines at the top and at the bottom of a page may be furniture. */
const BAND = 3;
const MAX_FURNITURE_LENGTH = 40;

const PAGE_NUMBER = [
  /^[-—–_~·\s]*\d{1,4}[-—–_~·\s]*$/, // 3, - 3 -, — 3 —
  /^第\s*\d+\s*页\s*(?:[,,/|]?\s*共\s*\d+\s*页)?$/, // 第 1 页 共 2 页
  /^共\s*\d+\s*页\s*[,,/|]?\s*第\s*\d+\s*页$/,
  /^\d+\s*\/\s*\d+(?:\s*页)?$/, // 1/12
  /^page\s*\d+(?:\s*(?:of|\/)\s*\d+)?$/i,
];

const TERMINAL = /[。!?;:!?;:…」』”’)》】]$/;
const LATIN_END = /[A-Za-z,.;:!?)]$/;
const LATIN_START = /^[A-Za-z(]/;

/**
 * Baselines closer than this many font heights belong to one table row whose
 * longer cells wrap onto two lines while the others sit centred between
 * them; lines of running text are never set this tight.
 */
const ROW_BAND = 0.9;

/** Runs of one page to lines, top to bottom, each line's runs left to right. */
export function linesOf(runs: readonly TextRun[]): Line[] {
  const sorted = runs.filter((r) => r.text.trim()).sort((a, b) => a.y - b.y || a.x - b.x);
  const groups: TextRun[][] = [];
  for (const run of sorted) {
    const group = groups.at(-1);
    // Runs on one baseline differ by a fraction of their height (mixed fonts, superscripts); the next line is a whole height down.
    if (group && Math.abs(run.y - group[0]!.y) <= 0.45 * Math.min(run.size, group[0]!.size)) group.push(run);
    else groups.push([run]);
  }
  const bands: TextRun[][][] = [];
  for (const group of groups) {
    const band = bands.at(-1);
    const above = band?.at(-1)?.[0];
    if (band && above && group[0]!.y - above.y < ROW_BAND * Math.min(group[0]!.size, above.size)) band.push(group);
    else bands.push([group]);
  }
  return continueCells(bands.flatMap(bandLines));
}

/** How far below a table row, in font heights, the second line of a top-aligned cell sits: one line of CJK text (which sets loose). */
const CELL_LINE = 1.6;

/**
 * Cells aligned to the top of their row wrap onto a line of their own just
 * below it. Such a line has fewer pieces than the row, each under one of
 * its cells but never under the first, which holds the row's name: a line
 * with a name there is the next row, however close. Its text goes on at the
 * end of the cell above. A caption or a note spans several columns.
 */
function continueCells(lines: Line[]): Line[] {
  const out: Line[] = [];
  for (const line of lines) {
    const row = out.at(-1);
    const spans = row?.spans;
    const below = row ? line.y - row.y : Infinity;
    if (row && spans && spans.length > 1 && line.spans && line.spans.length < spans.length && below > 0 && below <= CELL_LINE * row.size) {
      const targets = line.spans.map((piece) => spans.map((col, i) => (piece.x0 < col.x1 && piece.x1 > col.x0 ? i : -1)).filter((i) => i >= 0));
      const distinct = new Set(targets.map((t) => t[0])).size === targets.length;
      if (targets.every((t) => t.length === 1 && t[0] !== 0) && distinct) {
        const cells = [...row.cells];
        targets.forEach(([col], i) => (cells[col!] = joinLines(cells[col!]!, line.cells[i]!)));
        // The merged row keeps the baseline of its last line, so a third wrapped line finds it too.
        out[out.length - 1] = { ...row, cells, y: line.y, x1: Math.max(row.x1, line.x1) };
        continue;
      }
    }
    out.push(line);
  }
  return out;
}

/** A stretch of one baseline without a cell-sized gap: one cell of a table, or a whole line of text. */
interface Segment {
  text: string;
  x0: number;
  x1: number;
}

function segmentsOf(runs: TextRun[]): Segment[] {
  const ordered = [...runs].sort((a, b) => a.x - b.x);
  const segments: Segment[] = [];
  let last: TextRun | undefined;
  for (const r of ordered) {
    // Fake bold draws the same text twice, a hair apart.
    if (last && last.text === r.text && Math.abs(last.x - r.x) < 0.2 * r.size) continue;
    const text = spacing(r.text);
    const seg = segments.at(-1);
    const gap = seg ? r.x - seg.x1 : Infinity;
    if (!seg || gap > CELL_GAP * r.size) segments.push({ text, x0: visibleStart(r), x1: r.x + r.width });
    else {
      const spaced = gap > 0.2 * r.size && LATIN_END.test(seg.text) && LATIN_START.test(text.trimStart());
      seg.text += spaced ? ` ${text}` : text;
      seg.x1 = Math.max(seg.x1, r.x + r.width);
    }
    last = r;
  }
  return segments.map((s) => ({ ...s, text: s.text.trim() })).filter((s) => s.text);
}

/**
 * Spaces drawn inside a run: letter-spaced Chinese ("通 知", "湖 南 移 动")
 * closes up, since a space between two Han characters carries nothing; two
 * or more spaces stay a cell gap, as producers that align columns with
 * spaces draw them; anything else becomes one space.
 */
function spacing(text: string): string {
  return text.replace(/\s+/g, (w) => (w.length > 1 ? CELL_SEPARATOR : ' ')).replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '');
}

function lineOf(runs: TextRun[], segments = segmentsOf(runs)): Line {
  return {
    cells: segments.map((s) => s.text),
    spans: segments.map((s) => ({ x0: s.x0, x1: s.x1 })),
    x0: Math.min(...segments.map((s) => s.x0)),
    x1: Math.max(...segments.map((s) => s.x1)),
    y: Math.min(...runs.map((r) => r.y)),
    size: Math.max(...runs.map((r) => r.size)),
  };
}

/**
 * Baselines set closer than text lines are: stacked pieces that overlap
 * across the baselines are one wrapped cell, read top to bottom. When that
 * leaves fewer than two cells it was no table row, and each baseline stays
 * a line of its own.
 */
function bandLines(band: TextRun[][]): Line[] {
  if (band.length === 1) return [lineOf(band[0]!)];
  const pieces = band.flatMap((group, row) => segmentsOf(group).map((s) => ({ ...s, row })));
  pieces.sort((a, b) => a.x0 - b.x0);
  const columns: Array<{ x0: number; x1: number; pieces: typeof pieces }> = [];
  for (const p of pieces) {
    const col = columns.at(-1);
    // Pieces of one baseline never overlap (a cell gap parts them), so an overlap is a cell wrapping onto the next baseline.
    if (col && p.x0 < col.x1) {
      col.pieces.push(p);
      col.x1 = Math.max(col.x1, p.x1);
    } else columns.push({ x0: p.x0, x1: p.x1, pieces: [p] });
  }
  if (columns.length < 2) return band.map((g) => lineOf(g));
  const cells = columns.map((c) => ({
    text: [...c.pieces].sort((a, b) => a.row - b.row || a.x0 - b.x0).reduce((t, p) => (t ? joinLines(t, p.text) : p.text), ''),
    x0: c.x0,
    x1: c.x1,
  }));
  return [lineOf(band.flat(), cells)];
}

/** Where a run's first visible character starts: some producers indent with full-width spaces (　　) instead of a margin. */
function visibleStart(run: TextRun): number {
  const chars = [...run.text];
  const lead = chars.findIndex((c) => c.trim() !== '');
  return lead > 0 ? run.x + (lead * run.width) / chars.length : run.x;
}

export function lineText(line: Line): string {
  return line.cells.join(CELL_SEPARATOR);
}

/** Lines short enough for their digits to be a page number or date, which change from page to page. */
const SHORT_LINE = 16;

/** A page number inside a longer head or footer: "…通告 第3页", "…共12页", "3/12", "— 3 —", or a bare number at either end. */
const PAGE_NUMBER_PART = /第\d+页|共\d+页|\d+\/\d+|[-—–]\d+[-—–]|^\d+|\d+$/g;

/**
 * What a head or footer has in common from page to page: its page number
 * taken out; short lines also fold their other digits ("通告 2025-03"),
 * while longer ones must otherwise repeat exactly, as body text never does.
 */
function furnitureKey(line: Line): string {
  const text = lineText(line).replace(/\s+/g, '').replace(PAGE_NUMBER_PART, '#');
  const folded = text.replace(/\d+/g, '0');
  return folded.length <= SHORT_LINE ? folded : text;
}

export function isPageNumber(text: string): boolean {
  const t = text.trim();
  return PAGE_NUMBER.some((re) => re.test(t));
}

/**
 * Drops page furniture from the top and bottom lines of every page: page
 * numbers in any of the usual forms, and lines that recur at the same
 * height on many pages (running heads; short ones once their digits are
 * folded, such as "第 1 页 共 2 页" footers or a dated header).
 * A line recurring on only a few pages of many, such as the title of a page
 * printed twice, is text and stays.
 */
export function dropFurniture(pages: readonly Line[][]): Line[][] {
  // Table rows are never furniture: a header row repeated atop every page of a long table is still the table's.
  const bands = pages.map((lines) => new Set(lines.filter((l, i) => l.cells.length === 1 && (i < BAND || i >= lines.length - BAND))));
  // Furniture sits at the same height on every page; the key carries the height, rounded.
  const keyOf = (line: Line): string => `${Math.round(line.y / 4)}|${furnitureKey(line)}`;
  const pagesWith = new Map<string, Set<number>>();
  bands.forEach((band, p) => {
    for (const line of band) {
      if (furnitureKey(line).length > MAX_FURNITURE_LENGTH) continue;
      const key = keyOf(line);
      if (!pagesWith.has(key)) pagesWith.set(key, new Set());
      pagesWith.get(key)!.add(p);
    }
  });
  // A running head usually skips the first page, so a three-page document shows it twice.
  const needed = Math.max(2, Math.ceil((pages.length - 1) * RUNNING_SHARE));
  return pages.map((lines, p) =>
    lines.filter((line) => {
      if (!bands[p]!.has(line)) return true;
      if (isPageNumber(lineText(line))) return false;
      return (pagesWith.get(keyOf(line))?.size ?? 0) < needed;
    }),
  );
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Soft-wrapped lines join without a space, except between Latin words. */
function joinLines(a: string, b: string): string {
  return LATIN_END.test(a) && LATIN_START.test(b) ? `${a} ${b}` : a + b;
}

/**
 * One page's lines to blocks. A new paragraph starts at an indented (or
 * centred) line, after a line that stops short of the right margin, after a
 * gap taller than the usual line pitch, and where the font size changes.
 */
export function blocksOf(lines: readonly Line[]): string[] {
  const prose = lines.filter((l) => l.cells.length === 1);
  const left = Math.min(...prose.map((l) => l.x0));
  const right = Math.max(...prose.map((l) => l.x1));
  const pitch = median(prose.slice(1).map((l, i) => l.y - prose[i]!.y).filter((d) => d > 0)) ?? Infinity;
  const bodySize = median(prose.map((l) => l.size)) ?? 0;
  const centred = (l: Line): boolean => Math.abs(l.x0 - left - (right - l.x1)) < l.size;
  // A long title, set larger than the body and centred, wraps over several lines of one paragraph.
  const titleGoesOn = (prev: Line, line: Line): boolean =>
    line.size > bodySize * 1.1 && Math.abs(line.size - prev.size) < 0.05 * prev.size && centred(prev) && centred(line) && line.y - prev.y < 2 * line.size;

  const blocks: string[] = [];
  let para: string | undefined;
  let table: string[] = [];
  const flush = (): void => {
    if (para !== undefined) blocks.push(para);
    if (table.length) blocks.push(table.join('\n'));
    para = undefined;
    table = [];
  };
  let prev: Line | undefined;
  for (const line of lines) {
    const text = lineText(line);
    if (line.cells.length > 1) {
      if (para !== undefined) flush();
      table.push(text);
    } else {
      const opens =
        prev === undefined ||
        prev.cells.length > 1 ||
        (!titleGoesOn(prev, line) &&
          (line.x0 > left + line.size ||
            // A line set far to the right (a signature, a date, a centred caption) stands alone.
            prev.x0 > left + 3 * prev.size ||
            prev.x1 < right - 2 * prev.size ||
            (prev.x1 < right - 0.8 * prev.size && TERMINAL.test(lineText(prev))) ||
            line.y - prev.y > 1.4 * pitch ||
            Math.abs(line.size - prev.size) > 0.15 * prev.size));
      if (opens || para === undefined) {
        flush();
        para = text;
      } else {
        para = joinLines(para, text);
      }
    }
    prev = line;
  }
  flush();
  return blocks;
}

/** Pages of positioned runs to the text ingestion parses. */
export function layoutPages(pages: readonly (readonly TextRun[])[]): string {
  return dropFurniture(pages.map(linesOf))
    .map(blocksOf)
    .flat()
    .join('\n\n');
}
