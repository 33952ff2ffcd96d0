import type { Change, Figure } from '../schema.ts';
import { cleanLabel, rateUnitFor } from './figures.ts';

/**
 * Tables as bulletins print them, after a PDF or web page became text: one
 * row per line, cells separated by pipes, tabs or runs of spaces
 * (html-to-text pads cells with spaces), a header row naming the columns,
 * and often a caption above naming the measure and its unit
 * ("表1 各企业用户申诉率(件/百万用户)").
 */

export interface Table {
  /** The caption line, when the block or the paragraph before it has one. */
  caption?: string;
  /** What every number in the table measures, when the caption or the corner cell says so. */
  measure?: string;
  /** The unit of bare numbers, from the caption or the header ("件/百万用户"). */
  unit?: string;
  header: string[];
  rows: string[][];
}

/** What a column holds. */
export type ColumnKind = 'period' | 'total' | 'current' | 'previous' | 'change' | 'measure';

export interface Column {
  header: string;
  kind: ColumnKind;
  /** For a measure column ("申诉率(件/百万用户)"): its name and unit. */
  measure?: string;
  unit?: string;
  /** For a change column: what it compares with. */
  basis?: Change['basis'];
}

export interface TableLine {
  /** The row's (or, in a table with carriers as columns, the column's) label: 中国移动, 合计. */
  label: string;
  /** The line rendered as readable text for the fact: "中国移动 用户申诉率(件/百万用户):4月 0.52、…". */
  text: string;
  figures: Figure[];
}

const SEPARATOR_ROW = /^[\s|:：\-—=+]+$/;
const NUMERIC_CELL = /^(?:[↑↓▲▼+\-−]\s*)?\d+(?:,\d{3})*(?:\.\d+)?\s*(?:%|‰|[^\d\s]{0,12})$/;
const EMPTY_CELL = /^(?:[-—–/]|--|——|\/|无|—)$/;
const FLAT_CELL = /^(?:持平|0(?:\.0+)?%?|—?持平—?)$/;

/** The cells of one line, or undefined when it does not look like a table row. */
export function splitRow(line: string): string[] | undefined {
  const t = line.trim();
  if (!t || SEPARATOR_ROW.test(t)) return undefined;
  let cells: string[];
  if (t.includes('|')) cells = t.replace(/^\||\|$/g, '').split('|');
  else if (t.includes('\t')) cells = t.split('\t');
  else cells = t.split(/ {2,}|\u3000+/);
  cells = cells.map((c) => c.trim());
  return cells.filter(Boolean).length >= 2 ? cells : undefined;
}

/** Rows split on single spaces, for PDF text that keeps only one space between cells; only when every row agrees. */
function splitOnSpaces(lines: readonly string[]): string[][] | undefined {
  const rows = lines.map((l) => l.trim().split(/\s+/));
  const n = rows[0]?.length ?? 0;
  if (n < 3 || rows.some((r) => r.length !== n)) return undefined;
  const numeric = rows.slice(1).flatMap((r) => r.slice(1)).filter((c) => NUMERIC_CELL.test(c) || FLAT_CELL.test(c)).length;
  return numeric >= (rows.length - 1) * (n - 1) * 0.6 ? rows : undefined;
}

/**
 * PDF extractions that print one cell per line ("| 申诉量", "| 96") and end
 * each row with a lone "|": lines joined back into rows. Other blocks are
 * returned as they are.
 */
function rowsOfCellLines(lines: readonly string[]): string[] {
  const ends = lines.filter((l) => l === '|').length;
  if (ends < 2) return [...lines];
  const rows: string[] = [];
  let row = '';
  for (const line of lines) {
    if (line === '|') {
      if (row) rows.push(row);
      row = '';
    } else if (row && /^[((]/.test(line) && !row.endsWith('|')) {
      // "用户服务" / "(人次)": a unit wrapped onto its own line is the same cell.
      row += line;
    } else row += row && !line.startsWith('|') ? ` | ${line}` : line;
  }
  if (row) rows.push(row);
  return rows;
}

/** "表1  各企业用户申诉量(单位:件)": a numbered caption, whatever the spaces after the number (which would split it into cells). */
const NUMBERED_CAPTION = /^(?:附表|表)\s*[\d一二三四五六七八九十]+(?:[.、::]|\s)(?![\d\s.%|]*$)/;

/** Box-drawing characters: the frame and rules of a table drawn in text (┌─┬─┐ │ ├─┼─┤). */
const BOX_RULE = /^[\s\u2500-\u257f]+$/;
const BOX_BAR = /[\u2502\u2503\u2551\u2506\u2507\u250a\u250b]/g;

/**
 * A table drawn with box-drawing characters, as text: its bars become pipes,
 * its rules (and frame) separators. A cell's text wrapped onto a second line
 * ("合计" over "(人次)") is a line whose first cell is empty and that no rule
 * parts from the line above: its cells are joined to that row's, column by column.
 */
function boxRows(lines: readonly string[]): string[] {
  if (!lines.some((l) => /[\u2500-\u257f]/.test(l))) return [...lines];
  const out: string[] = [];
  let afterRule = true;
  for (const line of lines) {
    if (BOX_RULE.test(line)) {
      if (line.trim()) out.push('|---|');
      afterRule = true;
      continue;
    }
    const piped = line.replace(BOX_BAR, '|');
    const cells = piped.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    const previous = out.at(-1);
    if (!afterRule && previous && previous !== '|---|' && cells[0] === '' && cells.some(Boolean)) {
      const above = previous.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
      if (above.length === cells.length) {
        out[out.length - 1] = `|${above.map((c, i) => c + cells[i]).join('|')}|`;
        continue;
      }
    }
    out.push(piped.includes('|') ? piped : line);
    afterRule = false;
  }
  return out;
}

/** A line that introduces a table: 表1 …, (单位:…), 附件:…统计表, or a sentence ending 如下表: / 见下表 (not 通告如下:, which introduces the text). */
export function isCaption(line: string): boolean {
  const t = line.trim();
  // "各企业申诉情况如下:" introduces a table; "现将…情况通告如下:" introduces the bulletin's text.
  if (t.length <= 40 && /(?<!通告|通报|报告|公告)如下[::。]?$/.test(t) && !/^现将/.test(t)) return true;
  return /^(?:表|附表)\s*[\d一二三四五六七八九十]*|单位[::]|[((](?:单位[::])?[^()()]*(?:\/|%|件|户|人次)[^()()]*[))]\s*$|(?:如下表|见下表|下表)[::。]?$|^附件\s*\d*\s*[::].*(?:表|统计)$|(?:统计表|一览表|情况表|明细表)$/.test(line.trim());
}

/**
 * Reads a block of lines as a table: a header row, then data rows with the
 * same number of cells (or one more, when the corner cell was left empty).
 * A caption line may come first, in the block or given separately.
 */
export function readTable(lines: readonly string[], captionBefore?: string): Table | undefined {
  const kept = rowsOfCellLines(boxRows(lines.map((l) => l.trim()))).filter((l) => l && !SEPARATOR_ROW.test(l));
  let caption = captionBefore && isCaption(captionBefore) ? captionBefore.trim() : undefined;
  let start = 0;
  // Up to two lines before the header that are not rows (a caption, a 单位 line) while the next line is one.
  while (start < 2 && start + 1 < kept.length && (!splitRow(kept[start]!) || NUMBERED_CAPTION.test(kept[start]!)) && (isCaption(kept[start]!) || splitRow(kept[start + 1]!))) {
    if (isCaption(kept[start]!)) caption = kept[start];
    start++;
  }
  const body = kept.slice(start);
  if (body.length < 2) return undefined;
  let rows: string[][] | undefined = body.map((l) => splitRow(l) ?? []);
  if (rows.some((r) => r.length < 2)) rows = splitOnSpaces(body);
  if (!rows) return undefined;
  rows = rows.map(withoutTrailingEmpty);
  const twoHeaderRows = rows.length >= 3 && rows[2]!.some((c) => PLAIN_NUMBER.test(c));
  const merged = twoHeaderRows ? mergedHeader(rows[0]!, rows[1]!, Math.max(...rows.slice(2).map((r) => r.length))) : undefined;
  if (merged) rows = [merged.header, ...rows.slice(2)];
  else rows = withFlatHeader(rows);
  let header = rows[0]!;
  const data = rows.slice(1);
  const width = Math.max(...data.map((r) => r.length));
  if (data.some((r) => r.length !== width)) return undefined;
  if (header.length === width - 1) header = ['', ...header];
  if (header.length !== width) return undefined;
  // A header names columns: it is mostly words, the data mostly numbers.
  const numericHeader = header.slice(1).filter((c) => NUMERIC_CELL.test(c) && !/月|季度|年/.test(c)).length;
  if (numericHeader > header.length / 2) return undefined;
  const numericData = data.flatMap((r) => r.slice(1)).filter((c) => NUMERIC_CELL.test(c) || FLAT_CELL.test(c) || EMPTY_CELL.test(c)).length;
  if (numericData < data.length * (width - 1) * 0.6) return undefined;

  const fromCaption = { ...(merged ? measureOf(merged.parent) : {}), ...(caption ? measureOf(caption) : {}) };
  const corner = header[0] ? measureOf(header[0]) : {};
  const table: Table = { header, rows: data };
  // The spanning header cell is dropped from the header: keep what it said in the caption, so the block reads the same again.
  if (merged && !caption) caption = merged.parent;
  else if (merged && caption && !measureOf(caption).unit && measureOf(merged.parent).unit) caption = `${caption}(单位:${measureOf(merged.parent).unit})`;
  if (caption) table.caption = caption;
  // The corner cell usually names the rows (企业, 问题类型); it names the measure only when it reads like one.
  const measure = fromCaption.measure ?? (corner.measure && (corner.unit || /(?:率|量|数|占比|额)$/.test(corner.measure)) ? corner.measure : undefined);
  if (measure) table.measure = measure;
  // "各企业申诉情况如下" counts appeals: a count of 申诉 or 投诉 is in 件 when nothing says otherwise.
  const unit = fromCaption.unit ?? corner.unit ?? (measure && /(?:申诉|投诉|申告|举报)(?:量|数|件数)?$/.test(measure) ? '件' : undefined);
  if (unit) table.unit = unit;
  return table;
}

function withoutTrailingEmpty(row: string[]): string[] {
  let end = row.length;
  while (end > 0 && !row[end - 1]) end--;
  return row.slice(0, end);
}

const PLAIN_NUMBER = /^[↑↓+\-−]?\d+(?:\.\d+)?%?$/;
/** The corner cell names what the rows are; it never spans other columns. */
const ROW_DIMENSION = /^(?:企业|运营商|单位|公司|名称|项目|地区|月份|时间|类型|类别|问题类型|申诉类型)$/;

/**
 * A header printed on two rows, one cell of the first spanning the second
 * ("上季度 | 2015年第一季度(件) | 增减比例" over "1月 | 2月 | 3月 | 小计"):
 * the second row takes the spanning cell's place. The spanning cell is a
 * period or a measure, never the corner; its words name the measure.
 */
function mergedHeader(first: readonly string[], second: readonly string[], width: number): { header: string[]; parent: string } | undefined {
  const headerLike = (r: readonly string[]): boolean => r.filter((c) => PLAIN_NUMBER.test(c)).length === 0 && r.filter(Boolean).length >= 2;
  if (!headerLike(first) || !headerLike(second)) return undefined;
  const a = first.filter(Boolean);
  const b = second.filter(Boolean);
  if (a.length + b.length - 1 !== width && a.length + b.length - 1 !== width - 1) return undefined;
  const candidates = a
    .map((cell, i) => ({ cell, i, kind: columnOf(cell).kind }))
    .filter((c) => (c.kind === 'measure' || c.kind === 'period') && !ROW_DIMENSION.test(c.cell))
    .sort((x, y) => Number(/[((]/.test(y.cell)) - Number(/[((]/.test(x.cell)) || x.i - y.i);
  const parent = candidates[0];
  if (!parent) return undefined;
  const header = [...a.slice(0, parent.i), ...b, ...a.slice(parent.i + 1)];
  return { header: header.length === width ? header : ['', ...header], parent: parent.cell };
}

/**
 * A header on three or more rows (groups over measures over 本季度/较上季度):
 * the columns are read from the bottom row up, right to left, each row
 * above supplying the columns left of the ones below it. The names are the
 * lowest cells; the groups above them are lost, the rows and figures are not.
 */
function withFlatHeader(rows: string[][]): string[][] {
  const isHeader = (r: readonly string[]): boolean => r.filter((c) => PLAIN_NUMBER.test(c)).length === 0;
  let k = 0;
  while (k < rows.length && isHeader(rows[k]!)) k++;
  if (k < 3 || k >= rows.length) return rows;
  const width = Math.max(...rows.slice(k).map((r) => r.length));
  let leaves = rows[k - 1]!.filter(Boolean);
  for (let r = k - 2; r >= 0 && leaves.length < width - 1; r--) {
    const cells = rows[r]!.filter(Boolean);
    // The row's last cell is the group over the columns already taken; its unit ("(人次/百万用户)") is theirs.
    const unit = measureOf(cells.at(-1) ?? '').unit;
    if (unit) leaves = leaves.map((l) => (UNIT_IN_PARENS.test(l) ? l : `${l}(${unit})`));
    leaves = [...cells.slice(0, Math.max(0, Math.min(cells.length - 1, width - 1 - leaves.length))), ...leaves];
  }
  return leaves.length === width - 1 ? [['', ...leaves], ...rows.slice(k)] : rows;
}

/** Text a table block is kept as in a paragraph: rows on their own lines, cells between pipes. */
export function tableText(table: Table): string {
  return [table.caption, table.header.join(' | '), ...table.rows.map((r) => r.join(' | '))].filter(Boolean).join('\n');
}

/** Whether a block of lines is a table, for readers that keep such blocks apart. */
export function isTableBlock(lines: readonly string[]): boolean {
  return readTable(lines) !== undefined;
}

const UNIT_IN_PARENS = /[((]\s*(?:单位\s*[::]\s*)?([^()()]{1,16}?)\s*[))]/;
const UNIT_AFTER = /单位\s*[::]\s*([^\s,;。()()]{1,16})/;

/** "表1 2024年第二季度各企业用户申诉率(单位:件/百万用户)" → 用户申诉率, 件/百万用户. */
export function measureOf(text: string): { measure?: string; unit?: string } {
  const written = (UNIT_IN_PARENS.exec(text)?.[1] ?? UNIT_AFTER.exec(text)?.[1])?.replace(/^单位\s*[::]\s*/, '');
  // "申诉率(万分之)": the sign figures.ts gives 万分之0.31.
  const unit = written === '万分之' ? '‱' : written === '千分之' ? '‰' : written;
  const isUnit = unit !== undefined && /\/|%|‰|‱|^(?:万|亿)?(?:件|户|人次|个|条|部|元|次|台|家|人)$|百分点/.test(unit);
  const measure = text
    .replace(UNIT_IN_PARENS, '')
    .replace(UNIT_AFTER, '')
    .replace(/^(?:附件\s*\d*\s*[::]\s*)?(?:(?:附表|表)\s*[\d一二三四五六七八九十]*[.、:: ]*)?/, '')
    .replace(/\d{4}年(?:第?[一二三四1-4]季度|上半年|下半年|\d{1,2}(?:-\d{1,2})?月(?:份)?|度)?/g, '')
    .replace(/^(?:第?[一二三四]季度|上半年|下半年|全年)/, '')
    .replace(/^(?:全国|全省|全市|全区|我省|我市)?(?:各|主要|分)?(?:基础)?(?:电信)?(?:运营企业|企业|运营商|公司)(?:的)?/, '')
    .replace(/[::。]$/, '')
    .replace(/(?:(?:如|见)?下表|如下)$/, '')
    .replace(/(?:情况|统计|对比|比较|一览|汇总|明细|数据|分类|分布|表)+$/, '')
    .replace(/[::\s]+/g, '')
    .trim();
  const out: { measure?: string; unit?: string } = {};
  const clean = /[\p{Script=Han}A-Za-z]{2,}/u.test(measure) ? (cleanLabel(measure) ?? measure) : undefined;
  if (clean) out.measure = clean;
  // "百万用户申诉率(人次)": the rate's unit, as in running text (rateUnitFor).
  if (isUnit) out.unit = (clean ? rateUnitFor(clean, unit)?.unit : undefined) ?? unit;
  return out;
}

/** What a column header means. */
export function columnOf(header: string): Column {
  // "上季度(件)": the unit does not change what the column is.
  const h = header.replace(/\s+/g, '').replace(UNIT_IN_PARENS, '');
  const unit = measureOf(header).unit;
  const kind = columnKind(h);
  if (kind === 'measure') {
    const m = measureOf(header);
    return { header, kind, ...(m.measure ? { measure: m.measure } : {}), ...(unit ? { unit } : {}) };
  }
  if (kind === 'change') {
    const basis: Change['basis'] = /同比|上年同期|去年同期/.test(h) ? '同比' : /环比|[上前](?:一)?(?:个)?(?:季|月|期)/.test(h) ? '环比' : '较';
    return { header, kind, basis, ...(unit ? { unit } : {}) };
  }
  return { header, kind, ...(unit ? { unit } : {}) };
}

function columnKind(h: string): ColumnKind {
  // "较一季度", "比上年": a column against another period is a change too.
  if (/环比|同比|增减|增幅|增长率|变化|涨跌|升降|比较|较上|较前|^(?:较|比)(?:\d{4}年)?第?[一二三四1-4上去前]|(?:增长|下降)$/.test(h)) return 'change';
  if (/^(?:\d{4}年)?(?:第?[一二三四1-4]季度)?\d{1,2}月份?$|^(?:\d{4}年)?第?[一二三四1-4]季度$|^Q[1-4]$|^(?:\d{4}年)?[上下]半年$|^\d{4}年$/.test(h)) return 'period';
  if (/^(?:合计|总计|累计|全年|小计|总数)$/.test(h)) return 'total';
  if (/^(?:本|当)(?:季度?|月|期|年)(?:数值|值)?$/.test(h)) return 'current';
  if (/^(?:上|前)(?:一)?(?:个)?(?:季度?|月|期|年)(?:同期)?(?:数值|值)?$|^去年同期$|^上年同期$/.test(h)) return 'previous';
  return 'measure';
}

/** A cell's figure: a level, or in a change column (or with an arrow) a change. */
export function cellFigure(cell: string, column: Column, table: Table, columns: readonly Column[]): Figure | undefined {
  const raw = cell.trim();
  if (!raw || EMPTY_CELL.test(raw)) return undefined;
  const label = column.kind === 'measure' && column.measure ? column.measure : (table.measure ?? changedMeasure(column, columns));
  const changeColumn = column.kind === 'change';
  if (/^持平$/.test(raw) || (changeColumn && FLAT_CELL.test(raw))) {
    return withLabel({ value: 0, unit: /%/.test(raw) ? '%' : '', raw, change: changeOf(column, columns, 'flat'), column: column.header }, label);
  }
  const m = /^([↑↓▲▼+\-−])?\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(%|‰|个百分点|百分点)?\s*([↑↓▲▼])?$/.exec(raw);
  if (!m) return undefined;
  const [, sign, number, pct, arrowAfter] = m;
  const value = Number(number!.replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  const arrow = sign ?? arrowAfter;
  const unit = pct ?? column.unit ?? (changeColumn ? '%' : (table.unit ?? ''));
  const figure: Figure = { value, unit, raw, column: column.header };
  if (changeColumn || (arrow && /[↑↓▲▼]/.test(arrow))) {
    const direction = arrow && /[↓▼\-−]/.test(arrow) ? 'down' : arrow || value !== 0 ? 'up' : 'flat';
    figure.change = changeOf(column, columns, direction);
  }
  return withLabel(figure, label);
}

/**
 * A change column in a table of measure columns ("申诉量(件) | 申诉率 | 环比")
 * changes the first count among them: bulletins put the count first and
 * state its change in the text too.
 */
function changedMeasure(column: Column, columns: readonly Column[]): string | undefined {
  if (column.kind !== 'change') return undefined;
  // After 本季度 / 上季度 the change is of the measure those columns share, which their headers do not name.
  const before = columns[columns.indexOf(column) - 1];
  if (before && before.kind !== 'measure') return undefined;
  const measures = columns.filter((c) => c.kind === 'measure' && c.measure);
  return (measures.find((c) => c.unit && !/\/|%/.test(c.unit)) ?? measures[0])?.measure;
}

function withLabel(f: Figure, label: string | undefined): Figure {
  if (label) f.label = label;
  return f;
}

function changeOf(column: Column, columns: readonly Column[], direction: Change['direction']): Change {
  // "增减比例" between 本季度 and 上季度 columns compares with the quarter before.
  const previous = columns.find((c) => c.kind === 'previous');
  let basis = column.basis ?? '较';
  if (basis === '较' && previous) basis = /同期/.test(previous.header) ? '同比' : '环比';
  const change: Change = { basis, direction };
  const since = /上(?:一)?(?:个)?(?:季度|月|期)/.exec(previous?.header ?? column.header)?.[0];
  if (since && basis === '环比') change.since = since;
  return change;
}

/**
 * The table line by line, one entry per owner: normally a row per carrier;
 * when the carriers are the columns (rows are months), a column per carrier.
 * `isOwner` says whether a label names a carrier or a total, to tell the two
 * layouts apart.
 */
export function tableLines(table: Table, isOwner: (label: string) => boolean): TableLine[] {
  const columns = table.header.map(columnOf);
  const rowOwners = table.rows.filter((r) => isOwner(r[0]!)).length;
  const colOwners = table.header.slice(1).filter((h) => isOwner(h)).length;
  if (colOwners > rowOwners && colOwners >= (table.header.length - 1) / 2 && rowOwners < table.rows.length / 2) return transposedLines(table);
  const title = table.measure ? `${table.measure}${table.unit ? `(${table.unit})` : ''}` : '';
  return table.rows.map((row) => {
    const label = row[0]!;
    const figures: Figure[] = [];
    const parts: string[] = [];
    row.slice(1).forEach((cell, i) => {
      const column = columns[i + 1]!;
      const f = cellFigure(cell, column, table, columns);
      if (!f) return;
      figures.push(f);
      parts.push(`${column.header} ${cell}`);
    });
    return { label, text: `${label} ${title}${title ? ':' : ''}${parts.join('、')}`, figures };
  });
}

/** Carriers as columns: each column is one owner's series, rows are its periods. */
function transposedLines(table: Table): TableLine[] {
  const title = table.measure ? `${table.measure}${table.unit ? `(${table.unit})` : ''}` : '';
  return table.header.slice(1).map((owner, i) => {
    const figures: Figure[] = [];
    const parts: string[] = [];
    for (const row of table.rows) {
      const column = columnOf(row[0]!);
      const f = cellFigure(row[i + 1] ?? '', column, table, []);
      if (!f) continue;
      figures.push(f);
      parts.push(`${row[0]} ${row[i + 1]}`);
    }
    return { label: owner, text: `${owner} ${title}${title ? ':' : ''}${parts.join('、')}`, figures };
  });
}

/**
 * For paragraph splitting: a blank-line block that is a table, kept as one
 * paragraph with its rows on their own lines and cells between pipes (the
 * usual soft-wrap joining would run the rows together). Undefined otherwise.
 */
export function tableBlockText(lines: readonly string[]): string | undefined {
  if (lines.length < 2) return undefined;
  const table = readTable(lines);
  if (table) return tableText(table);
  // Rows without their header: the rest of a table a page break cut off; kept as rows for the table before.
  return headerlessRows(lines)?.map((r) => r.join(' | ')).join('\n');
}

/**
 * Lines that are all data rows of one width (a label, then mostly numbers),
 * with no header: a table's rows after a page break. Undefined otherwise.
 */
export function headerlessRows(lines: readonly string[]): string[][] | undefined {
  const kept = boxRows(lines.map((l) => l.trim())).filter((l) => l && !SEPARATOR_ROW.test(l));
  if (!kept.length) return undefined;
  let rows: string[][] | undefined = kept.map((l) => splitRow(l) ?? []);
  if (rows.some((r) => r.length < 2)) rows = splitOnSpaces([kept[0]!, ...kept])?.slice(1);
  if (!rows) return undefined;
  rows = rows.map(withoutTrailingEmpty);
  const width = rows[0]!.length;
  if (width < 3 || rows.some((r) => r.length !== width)) return undefined;
  if (rows.some((r) => !r[0] || NUMERIC_CELL.test(r[0]) || /[。!?]/.test(r.join('')))) return undefined;
  const cells = rows.flatMap((r) => r.slice(1));
  const numeric = cells.filter((c) => NUMERIC_CELL.test(c) || FLAT_CELL.test(c) || EMPTY_CELL.test(c)).length;
  return numeric === cells.length ? rows : undefined;
}

/**
 * The rows of a block that continues `table` across a page break: the same
 * number of cells as its header, read under its header, caption and unit.
 */
export function continuedTable(table: Table, lines: readonly string[]): Table | undefined {
  const rows = headerlessRows(lines);
  if (!rows || rows[0]!.length !== table.header.length) return undefined;
  return { ...table, rows };
}
