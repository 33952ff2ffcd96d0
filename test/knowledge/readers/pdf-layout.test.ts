/**
 * Layout rules on hand-placed text runs, without a PDF: the shapes real
 * bulletins show that the pdfkit fixture does not (other page-number forms,
 * a page printed twice, left-aligned lines, Latin words cut by a wrap).
 */
import { describe, expect, it } from 'vitest';
import { blocksOf, dropFurniture, isPageNumber, layoutPages, linesOf, type Line, type TextRun } from '../../../knowledge/ingest/readers/pdf-layout.ts';

const SIZE = 16;
const LEFT = 80;
const RIGHT = 80 + 28 * SIZE;
const PITCH = 28;

/** A body line: text set at the given indent (in characters), one CJK character per em. */
function run(text: string, row: number, indent = 0, size = SIZE): TextRun {
  return { text, x: LEFT + indent * size, y: 100 + row * PITCH, width: [...text].length * size, size };
}

const line = (text: string, y: number): Line => ({ cells: [text], x0: LEFT, x1: LEFT + text.length * SIZE, y, size: SIZE });

describe('page furniture', () => {
  it.each(['3', '- 3 -', '— 12 —', '第 1 页 共 2 页', '第3页', '共 4 页 第 2 页', '2/5', 'Page 3 of 9'])('“%s” is a page number', (s) => {
    expect(isPageNumber(s)).toBe(true);
  });
  it.each(['2025年', '第一季度', '3.05', '表1'])('“%s” is not', (s) => {
    expect(isPageNumber(s)).toBe(false);
  });

  it('drops heads and footers recurring across pages once digits are folded, and nothing else', () => {
    const body = ['申诉情况', '骚扰电话', '适老化', '下一步'];
    const page = (n: number): Line[] => [
      line(`湖南省通信管理局通告 2025-0${n}`, 40),
      line(`${body[n - 1]}的第一行`, 100),
      line(`${body[n - 1]}的第二行`, 130),
      line(`${body[n - 1]}的末行`, 160),
      line(`- ${n} -`, 800),
    ];
    const kept = dropFurniture([page(1), page(2), page(3), page(4)]);
    expect(kept.map((p) => p.map((l) => l.cells[0]))).toEqual(body.map((b) => [`${b}的第一行`, `${b}的第二行`, `${b}的末行`]));
  });

  it('drops a long footer whose only change is its page number', () => {
    const pages = [1, 2, 3, 4].map((n) => [line(`正文第${'一二三四'[n - 1]}页`, 100), line(`湖南省通信管理局2025年第一季度电信服务质量通告 第 ${n} 页`, 800)]);
    expect(dropFurniture(pages).map((p) => p.map((l) => l.cells[0]))).toEqual([['正文第一页'], ['正文第二页'], ['正文第三页'], ['正文第四页']]);
  });

  it('keeps a table header row repeated atop every page of a long table', () => {
    const header: Line = { cells: ['企业', '申诉率'], x0: LEFT, x1: 300, y: 90, size: 12 };
    const pages = [1, 2, 3].map((n) => [header, { ...header, cells: [`企业${n}`, '3.05'], y: 110 }, line(`- ${n} -`, 800)]);
    expect(dropFurniture(pages).map((p) => p.map((l) => l.cells.join('|')))).toEqual([1, 2, 3].map((n) => ['企业|申诉率', `企业${n}|3.05`]));
  });

  it('keeps a line that recurs on only two pages of many, such as a page printed twice', () => {
    const pages = Array.from({ length: 10 }, (_, i) => [line(i === 3 || i === 7 ? '中国移动通信集团陕西有限公司服务质量报告' : `第${i}页独有的开头`, 60), line('正文', 100)]);
    const kept = dropFurniture(pages);
    expect(kept[3]![0]!.cells[0]).toBe('中国移动通信集团陕西有限公司服务质量报告');
    expect(kept[7]![0]!.cells[0]).toBe('中国移动通信集团陕西有限公司服务质量报告');
  });
});

describe('lines and paragraphs', () => {
  it('orders runs top to bottom whatever order they were drawn in', () => {
    const lines = linesOf([run('第二行', 1), run('页脚', 20), run('第一行', 0)]);
    expect(lines.map((l) => l.cells.join())).toEqual(['第一行', '第二行', '页脚']);
  });

  it('starts paragraphs at indents and after short lines, and joins soft wraps without a space', () => {
    const full = '一'.repeat(28);
    const blocks = blocksOf(
      linesOf([
        run(`${'甲'.repeat(26)}`, 0, 2),
        run(full, 1),
        run('末行较短。', 2),
        // Block style: no indent, but the line above stopped short.
        run(`${'乙'.repeat(28)}`, 3),
        run('乙段结束', 4),
      ]),
    );
    expect(blocks).toEqual([`${'甲'.repeat(26)}${full}末行较短。`, `${'乙'.repeat(28)}乙段结束`]);
  });

  it('takes full-width spaces at a line start for an indent', () => {
    const full = '二'.repeat(28);
    const spaced = (text: string, row: number): TextRun => ({ ...run(text, row), width: [...text].length * SIZE });
    // The first paragraph's last line runs to the margin: only the second paragraph's indent tells them apart.
    const lastOfFirst = `${'一'.repeat(27)}。`;
    const blocks = blocksOf(linesOf([spaced(`　　${'一'.repeat(26)}`, 0), spaced(lastOfFirst, 1), spaced(`　　${'二'.repeat(26)}`, 2), spaced(full, 3), spaced('二段结束。', 4)]));
    expect(blocks).toEqual([`${'一'.repeat(26)}${lastOfFirst}`, `${'二'.repeat(26)}${full}二段结束。`]);
  });

  it('puts a space back between Latin words cut by a wrap', () => {
    const blocks = blocksOf(linesOf([run('申诉渠道包括工信部网站和 WeChat', 0, 2), run('mini programs等。', 1)]).map((l) => ({ ...l, x1: RIGHT })));
    expect(blocks).toEqual(['申诉渠道包括工信部网站和 WeChat mini programs等。']);
  });

  it('separates table cells by two spaces and keeps rows as lines of one block', () => {
    const cells = (texts: string[], row: number): TextRun[] => texts.map((t, i) => ({ text: t, x: LEFT + i * 110, y: 100 + row * 24, width: t.length * 12, size: 12 }));
    const text = layoutPages([[run('上文。', -2), ...cells(['企业', '申诉率'], 0), ...cells(['湖南移动', '3.05'], 1), run('下文。', 3)]]);
    expect(text).toBe('上文。\n\n企业  申诉率\n湖南移动  3.05\n\n下文。');
  });

  describe('table cells that wrap', () => {
    const cell = (text: string, column: number, y: number): TextRun => ({ text, x: LEFT + column * 120 + (120 - text.length * 12) / 2, y, width: text.length * 12, size: 12 });

    it('joins a cell wrapped onto two lines around its row’s centre line', () => {
      const lines = linesOf([cell('企业', 0, 107), cell('申诉率(人次/', 1, 100), cell('百万用户)', 1, 114), cell('环比', 2, 107), cell('湖南移动', 0, 140), cell('3.05', 1, 140), cell('↓5.8%', 2, 140)]);
      expect(lines.map((l) => l.cells.join('|'))).toEqual(['企业|申诉率(人次/百万用户)|环比', '湖南移动|3.05|↓5.8%']);
    });

    it('joins a top-aligned cell’s second line to it', () => {
      const lines = linesOf([cell('企业', 0, 100), cell('申诉率(人次/', 1, 100), cell('环比', 2, 100), cell('百万用户)', 1, 117), cell('湖南移动', 0, 140), cell('3.05', 1, 140), cell('↓5.8%', 2, 140)]);
      expect(lines.map((l) => l.cells.join('|'))).toEqual(['企业|申诉率(人次/百万用户)|环比', '湖南移动|3.05|↓5.8%']);
    });

    it('keeps a close next row with empty cells as a row of its own', () => {
      const lines = linesOf([cell('湖南移动', 0, 100), cell('3.05', 1, 100), cell('↓5.8%', 2, 100), cell('湖南广电', 0, 116), cell('—', 2, 116)]);
      expect(lines.map((l) => l.cells.join('|'))).toEqual(['湖南移动|3.05|↓5.8%', '湖南广电|—']);
    });

    it('keeps a note under the table, which spans its columns, apart', () => {
      const note: TextRun = { text: '注:申诉率为每百万用户申诉人次。', x: LEFT, y: 117, width: 16 * 12, size: 12 };
      const lines = linesOf([cell('湖南移动', 0, 100), cell('3.05', 1, 100), cell('↓5.8%', 2, 100), note]);
      expect(lines.map((l) => l.cells.join('|'))).toEqual(['湖南移动|3.05|↓5.8%', '注:申诉率为每百万用户申诉人次。']);
    });
  });

  it('closes up letter-spaced Chinese but keeps wider gaps drawn as spaces as cell gaps', () => {
    const lines = linesOf([run('通 知', 0), run('湖南移动   2135   3.05', 1), run('WeChat mini programs 小程序', 2)]);
    expect(lines.map((l) => l.cells.join('|'))).toEqual(['通知', '湖南移动  2135  3.05', 'WeChat mini programs 小程序']);
  });

  it('skips text drawn twice for fake bold', () => {
    const bold = run('一、用户申诉情况', 0);
    expect(linesOf([bold, { ...bold, x: bold.x + 0.5 }]).map((l) => l.cells.join())).toEqual(['一、用户申诉情况']);
  });
});
