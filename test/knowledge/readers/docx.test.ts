/**
 * The Word reader against generated .docx fixtures
 * (test/fixtures/docx/make-fixtures.ts): a bulletin with heading styles, a
 * table, a running head and a page-number footer; and every way a Word file
 * can be unreadable.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSource, UnreadableSourceError } from '../../../knowledge/ingest/read-source.ts';
import { docx } from '../../fixtures/docx/make-fixtures.ts';
import { zip } from '../../fixtures/docx/zip.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/docx/${name}`, import.meta.url));

describe('a Word bulletin', async () => {
  const source = await decodeSource(fixture('bulletin.docx'), '江西通告.docx');
  const blocks = source.text.split(/\n{2,}/);

  it('is read as Word, title first, paragraphs as blocks', () => {
    expect(source.format).toBe('docx');
    expect(source.encoding).toBe('Word');
    expect(blocks[0]).toBe('江西省通信管理局关于2025年第二季度全省电信服务质量情况的通告');
    expect(blocks).toContain('2025年第二季度,我局共受理电信用户申诉3157件,环比上升4.6%,同比下降9.8%。');
    expect(blocks.slice(-2)).toEqual(['江西省通信管理局', '2025年7月16日']);
  });

  it('keeps headings in order', () => {
    const at = ['一、用户申诉情况', '二、骚扰电话治理情况', '三、适老化服务情况'].map((h) => blocks.indexOf(h));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('keeps the table as one block, a row per line, cells apart', () => {
    const table = blocks.find((b) => b.startsWith('企业'))!;
    const rows = table.split('\n').map((r) => r.split(/\s{2,}/));
    expect(rows).toEqual([
      ['企业', '申诉件数(件)', '申诉率(人次/百万用户)', '较上季度'],
      ['江西移动', '1422', '2.87', '↑3.2%'],
      ['江西联通', '731', '5.96', '↓2.1%'],
      ['江西电信', '1004', '6.35', '↑9.7%'],
    ]);
  });

  it('leaves out the running head and the page-number footer', () => {
    expect(source.text).not.toContain('江西省通信管理局  电信服务质量通告');
    expect(source.text).not.toMatch(/—\s*1\s*—/);
  });
});

describe('Word files that cannot be read change nothing and say why', () => {
  const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array<number>(504).fill(0)]);
  const cases: Array<[string, string, Uint8Array, string]> = [
    ['a half-downloaded .docx', 'a.docx', fixture('damaged.docx'), 'Word 文件已损坏或不完整,无法打开;请在 Word 或 WPS 里重新另存为 .docx 后再试。'],
    ['a .docx that is no ZIP', 'a.docx', Buffer.from('只是一段文字'), 'Word 文件已损坏或不完整,无法打开;请在 Word 或 WPS 里重新另存为 .docx 后再试。'],
    ['an old .doc renamed, or a password-protected .docx', 'a.docx', ole, '这个文件不是 .docx 格式:可能是旧版 Word(.doc)改了扩展名,或设有打开密码;请取消密码并在 Word 或 WPS 里另存为 .docx 后再发送。'],
    ['a ZIP without a Word document', 'a.docx', zip([['content.xml', '<x/>']]), '这个 .docx 文件里没有 Word 正文(可能是别的格式改了扩展名);请在 Word 或 WPS 里另存为 .docx 后再试。'],
    ['a Word document with no text', 'a.docx', docx([{ kind: 'para', text: '' }], ''), 'Word 文件里没有文字内容。'],
    ['a legacy .doc', '通告.doc', ole, '这是旧版 Word 文件(.doc),暂不支持;请在 Word 或 WPS 里另存为 .docx 后再发送。'],
  ];

  it.each(cases)('%s', async (_what, name, bytes, message) => {
    const attempt = decodeSource(bytes, name);
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toBeInstanceOf(UnreadableSourceError);
  });
});
