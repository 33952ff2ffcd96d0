import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { DOCX_MESSAGES, readDocx } from './readers/docx.ts';
import { htmlToText } from './readers/html.ts';
import { readPdf } from './readers/pdf.ts';
import { UnreadableSourceError } from './readers/unreadable.ts';

export { htmlToText, UnreadableSourceError };

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** What callers pass for e-mail and web attachments: published PDFs with embedded fonts and images run to several MB. */
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

export type SourceFormat = 'text' | 'markdown' | 'html' | 'pdf' | 'docx';
/** How the bytes became text: a character encoding for text files, the container for PDF and Word. */
export type SourceEncoding = 'utf-8' | 'utf-8 (BOM)' | 'gb18030' | 'utf-16le' | 'utf-16be' | 'PDF' | 'Word';

export interface SourceText {
  text: string;
  encoding: SourceEncoding;
  format: SourceFormat;
  /** Page count, for PDFs. */
  pages?: number;
}

const FORMATS: Record<string, SourceFormat> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
};

export const SUPPORTED_EXTENSIONS = '.txt、.md、.html、.htm、.pdf 或 .docx';

export function formatOf(fileName: string): SourceFormat | undefined {
  return FORMATS[extname(fileName).toLowerCase()];
}

const MIME_EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/msword': '.doc',
  'text/html': '.html',
  'text/markdown': '.md',
};

/** A file name for an upload that came without one, from its MIME type; plain text when that is unknown too. */
export function uploadName(mimeType?: string): string {
  return `upload${(mimeType && MIME_EXTENSIONS[mimeType.toLowerCase()]) || '.txt'}`;
}

/** Why a file name will not be read, before any byte is; undefined when its type is supported. */
export function formatRefusal(fileName: string): string | undefined {
  if (formatOf(fileName)) return undefined;
  const ext = extname(fileName).toLowerCase();
  if (ext === '.doc' || ext === '.wps') return DOCX_MESSAGES.legacy;
  return `不支持的文件类型“${extname(fileName) || fileName}”:请用 ${SUPPORTED_EXTENSIONS}。`;
}

/**
 * Bytes to text. BOMs decide first; otherwise strict UTF-8, then strict
 * GB18030 (a superset of GBK and GB2312, which government files often
 * use). Text that decodes but is mostly control characters is binary.
 */
export function decodeBytes(bytes: Uint8Array): { text: string; encoding: SourceEncoding } {
  if (bytes.length === 0) throw new UnreadableSourceError('文件是空的。');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: strict('utf-8', bytes.subarray(3)), encoding: 'utf-8 (BOM)' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: strict('utf-16le', bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: strict('utf-16be', bytes.subarray(2)), encoding: 'utf-16be' };
  if (looksBinary(bytes)) throw new UnreadableSourceError('这是二进制文件(如 PDF、Word 或图片),不是文本;PDF 和 Word 文件请保留 .pdf、.docx 扩展名再发送。');
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      return { text: strict(encoding, bytes), encoding };
    } catch {
      // try the next encoding
    }
  }
  throw new UnreadableSourceError('无法识别文件编码(支持 UTF-8、GBK/GB18030)。请另存为 UTF-8 后重试。');
}

function strict(encoding: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new UnreadableSourceError(`文件不是有效的 ${encoding} 编码。`);
  }
}

/** NUL bytes or many control bytes in the first 8 KB mean binary; text files have neither. */
function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control > head.length * 0.05;
}

/**
 * Bytes of a named file to text. maxBytes is the caller's limit: uploads
 * pass INGEST_MAX_BYTES, attachments may pass ATTACHMENT_MAX_BYTES.
 * The PDF and Word readers load their libraries on first use, so the
 * bot's start-up and memory do not grow for files it rarely sees.
 */
export async function decodeSource(bytes: Uint8Array, fileName: string, maxBytes = DEFAULT_MAX_BYTES): Promise<SourceText> {
  const format = formatOf(fileName);
  if (!format) throw new UnreadableSourceError(formatRefusal(fileName)!);
  if (bytes.length > maxBytes) {
    throw new UnreadableSourceError(`文件太大(${(bytes.length / 1024 / 1024).toFixed(1)} MB),上限是 ${(maxBytes / 1024 / 1024).toFixed(1)} MB。`);
  }
  if (bytes.length === 0) throw new UnreadableSourceError('文件是空的。');
  if (format === 'pdf') {
    const { text, pages } = await readPdf(bytes);
    return { text, encoding: 'PDF', format, pages };
  }
  if (format === 'docx') return { text: await readDocx(bytes), encoding: 'Word', format };
  const { text, encoding } = decodeBytes(bytes);
  const plain = format === 'html' ? await htmlToText(text) : text;
  if (!plain.trim()) throw new UnreadableSourceError('文件里没有文字内容。');
  return { text: plain, encoding, format };
}

export async function readSource(path: string, maxBytes = DEFAULT_MAX_BYTES): Promise<SourceText> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new UnreadableSourceError(`找不到文件:${path}`);
  if (info.size > maxBytes) {
    throw new UnreadableSourceError(`文件太大(${(info.size / 1024 / 1024).toFixed(1)} MB),上限是 ${(maxBytes / 1024 / 1024).toFixed(1)} MB。`);
  }
  return decodeSource(await readFile(path), path, maxBytes);
}
