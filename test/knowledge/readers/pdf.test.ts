/**
 * The PDF reader against generated fixtures (test/fixtures/pdf/make-fixtures.ts):
 * a four-page bulletin laid out by pdfkit with running heads, page-number
 * footers, ruled tables (one with a wrapped header cell) and a paragraph cut by a page break; a CID-font PDF
 * that reads as nothing without CMaps; and every way a PDF can be unreadable.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPdf } from '../../../knowledge/ingest/readers/pdf.ts';
import { ATTACHMENT_MAX_BYTES, decodeSource, UnreadableSourceError } from '../../../knowledge/ingest/read-source.ts';
import { CID_LINES } from '../../fixtures/pdf/bulletins.ts';
import { rawPdf } from '../../fixtures/pdf/pdf-writers.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/pdf/${name}`, import.meta.url));

describe('a text PDF bulletin', async () => {
  const bytes = fixture('bulletin.pdf');
  const { text, pages } = await readPdf(bytes);
  const blocks = text.split('\n\n');

  it('reads every page', () => {
    expect(pages).toBe(4);
  });

  it('starts with the title, rejoined from its two centred lines', () => {
    expect(blocks[0]).toBe('湖南省通信管理局关于2025年第一季度全省电信服务质量情况的通告');
    expect(blocks[1]).toBe('各市州通信发展管理办公室,各基础电信企业,各相关单位:');
  });

  it('rebuilds wrapped lines into whole paragraphs', () => {
    expect(blocks).toContain(
      '为持续提升全省电信服务水平,切实维护电信用户合法权益,根据《中华人民共和国电信条例》和《电信服务质量通告制度》有关要求,现将2025年第一季度全省电信服务质量情况通告如下:',
    );
    expect(blocks).toContain('2025年第一季度,我局共受理电信用户申诉4826件,环比下降6.3%,同比下降11.2%。申诉主要集中在移动电话业务和固定宽带业务,分别占申诉总量的58.4%和27.9%。');
  });

  it('keeps the pages in reading order although heads and footers were drawn last', () => {
    const order = ['一、用户申诉情况', '二、骚扰电话治理情况', '三、适老化服务情况', '四、下一步工作', '湖南省通信管理局\n\n2025年4月18日'].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text.endsWith('湖南省通信管理局\n\n2025年4月18日')).toBe(true);
  });

  it('drops the running head and the page-number footers', () => {
    expect(text).not.toContain('湖南省通信管理局  电信服务质量通告');
    expect(text).not.toMatch(/第\s*\d\s*页|共\s*4\s*页/);
  });

  it('keeps the table as one block, one row per line, cells two spaces apart', () => {
    expect(blocks).toContain(
      ['企业  申诉件数(件)  申诉率(人次/百万用户)  环比', '湖南移动  2135  3.05  ↓5.8%', '湖南联通  1208  6.42  ↓8.1%', '湖南电信  1483  7.16  ↑2.4%', '合计  4826  4.37  ↓6.3%'].join('\n'),
    );
    expect(blocks).toContain('表1 2025年第一季度各基础电信企业用户申诉情况');
  });

  it('puts a header cell that wrapped inside its cell back together', () => {
    expect(blocks).toContain(
      ['企业  老年用户人工客服直连服务(万次)  上门服务(万次)  老年用户满意率', '湖南移动  78.6  2.3  98.2%', '湖南联通  52.1  1.4  97.5%', '湖南电信  55.7  1.9  97.9%'].join('\n'),
    );
  });

  it('ends a page with its block, leaving the cut sentence for page-joins to rejoin', () => {
    const head = blocks.findIndex((b) => b.startsWith('湖南电信持续完善骚扰电话防范体系'));
    expect(head).toBeGreaterThan(0);
    expect(blocks[head]!.endsWith('对外呼频次异')).toBe(true);
    expect(blocks[head + 1]).toBe('常的号码采取限制措施2.7万个,用户对骚扰电话治理工作的满意率达到96.8%。');
  });

  it('leaves the caller’s bytes alone (pdf.js takes ownership of what it is given)', () => {
    expect(bytes.length).toBe(fixture('bulletin.pdf').length);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('arrives the same way through decodeSource, with the format and page count', async () => {
    const source = await decodeSource(bytes, '通告.PDF', ATTACHMENT_MAX_BYTES);
    expect(source).toEqual({ text, encoding: 'PDF', format: 'pdf', pages: 4 });
  });
});

describe('a PDF that restricts copying and printing (a permissions password only)', () => {
  it('reads like the unrestricted one: no password is needed to open it', async () => {
    const restricted = await readPdf(fixture('restricted.pdf'));
    expect(restricted.text.split('\n\n')).toEqual([
      '湖南省通信管理局关于2025年第一季度全省电信服务质量情况的通告',
      '各市州通信发展管理办公室,各基础电信企业,各相关单位:',
      '为持续提升全省电信服务水平,切实维护电信用户合法权益,根据《中华人民共和国电信条例》和《电信服务质量通告制度》有关要求,现将2025年第一季度全省电信服务质量情况通告如下:',
      '一、用户申诉情况',
      '2025年第一季度,我局共受理电信用户申诉4826件,环比下降6.3%,同比下降11.2%。申诉主要集中在移动电话业务和固定宽带业务,分别占申诉总量的58.4%和27.9%。',
    ]);
  });
});

describe('a PDF in a CID font that is not embedded (STSong-Light)', () => {
  it('reads as Chinese text, because the CMaps are configured', async () => {
    const { text } = await readPdf(fixture('cid-stsong.pdf'));
    expect(text).toBe(CID_LINES.join('\n\n'));
  });
});

describe('PDFs that cannot be read change nothing and say why', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['an image-only scan', fixture('scanned.pdf'), '这是扫描件(只有图片),没有可读取的文字;请提供文字版 PDF、Word 或网页。'],
    ['text whose font cannot be decoded', fixture('undecodable.pdf'), 'PDF 里有文字,但字体编码无法解码成汉字;请在原软件里另存为 Word 或重新导出 PDF,或提供网页版。'],
    ['a password-protected file', fixture('encrypted.pdf'), 'PDF 设有打开密码(已加密),无法读取;请提供未加密的版本。'],
    ['a half-downloaded file', fixture('truncated.pdf'), 'PDF 文件不完整(结尾缺失,可能没有下载完),无法读取;请重新下载后再试。'],
    ['a file that is no PDF at all', Buffer.from('<html>这是网页</html>'), '这不是有效的 PDF 文件(开头没有 PDF 标记),可能已损坏或扩展名不对。'],
    [
      'a blank page',
      rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>']),
      'PDF 里没有文字内容。',
    ],
    ['a PDF whose body is garbage', Buffer.from('%PDF-1.7\n\x00\x01 not an object at all \xff\xfe\n%%EOF\n', 'latin1'), 'PDF 文件已损坏,无法读取;请重新下载或重新导出后再试。'],
  ];

  it.each(cases)('%s', async (_what, bytes, message) => {
    const attempt = decodeSource(bytes, 'bulletin.pdf');
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toBeInstanceOf(UnreadableSourceError);
  });

  it('refuses a PDF over the caller’s limit before reading it', async () => {
    await expect(decodeSource(fixture('bulletin.pdf'), 'bulletin.pdf', 64 * 1024)).rejects.toThrow(/文件太大\(0\.1 MB\),上限是 0\.1 MB/);
  });
});
