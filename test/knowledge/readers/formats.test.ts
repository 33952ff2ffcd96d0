/** Which files ingestion takes, decided from the name before a byte is read; and names for uploads that came without one. */
import { describe, expect, it } from 'vitest';
import { formatOf, formatRefusal, uploadName } from '../../../knowledge/ingest/read-source.ts';

describe('file types', () => {
  it.each([
    ['通告.pdf', 'pdf'],
    ['通告.PDF', 'pdf'],
    ['通告.docx', 'docx'],
    ['page.htm', 'html'],
    ['notes.md', 'markdown'],
    ['bulletin.txt', 'text'],
  ])('%s is read as %s', (name, format) => {
    expect(formatOf(name)).toBe(format);
    expect(formatRefusal(name)).toBeUndefined();
  });

  it('sends old Word files to “save as .docx”', () => {
    expect(formatRefusal('通告.doc')).toBe('这是旧版 Word 文件(.doc),暂不支持;请在 Word 或 WPS 里另存为 .docx 后再发送。');
    expect(formatRefusal('通告.WPS')).toBe('这是旧版 Word 文件(.doc),暂不支持;请在 Word 或 WPS 里另存为 .docx 后再发送。');
  });

  it('names every supported type when refusing another', () => {
    expect(formatRefusal('表格.xlsx')).toBe('不支持的文件类型“.xlsx”:请用 .txt、.md、.html、.htm、.pdf 或 .docx。');
    expect(formatRefusal('noext')).toBe('不支持的文件类型“noext”:请用 .txt、.md、.html、.htm、.pdf 或 .docx。');
  });
});

describe('uploads without a file name', () => {
  it.each([
    ['application/pdf', 'upload.pdf'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'upload.docx'],
    ['application/msword', 'upload.doc'],
    ['text/html', 'upload.html'],
    ['text/plain', 'upload.txt'],
    [undefined, 'upload.txt'],
  ])('%s → %s', (mime, name) => {
    expect(uploadName(mime)).toBe(name);
  });
});
