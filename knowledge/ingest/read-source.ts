import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** A file ingestion cannot use. The message is for the person who supplied it. */
export class UnreadableSourceError extends Error {
  override name = 'UnreadableSourceError';
}

export type SourceFormat = 'text' | 'markdown' | 'html';
export type SourceEncoding = 'utf-8' | 'utf-8 (BOM)' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface SourceText {
  text: string;
  encoding: SourceEncoding;
  format: SourceFormat;
}

const FORMATS: Record<string, SourceFormat> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
};

export function formatOf(fileName: string): SourceFormat | undefined {
  return FORMATS[extname(fileName).toLowerCase()];
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
  if (looksBinary(bytes)) throw new UnreadableSourceError('这是二进制文件(如 PDF、Word 或图片),请先另存为 .txt 或 .html。');
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
 * Saved web pages to plain paragraphs: blocks become blank-line separated,
 * navigation chrome dropped. html-to-text is loaded on first use: the
 * running bot rarely sees a web page, and it costs some 11 MB to hold.
 */
export async function htmlToText(html: string): Promise<string> {
  const { convert } = await import('html-to-text');
  return convert(html, {
    wordwrap: false,
    preserveNewlines: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'header', format: 'skip' },
      { selector: 'footer', format: 'skip' },
      // Sidebars carry other stories ("相关阅读"); their carriers and figures are not this bulletin's.
      { selector: 'aside', format: 'skip' },
      { selector: 'form', format: 'skip' },
      { selector: 'iframe', format: 'skip' },
      { selector: 'noscript', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  });
}

export async function decodeSource(bytes: Uint8Array, fileName: string, maxBytes = DEFAULT_MAX_BYTES): Promise<SourceText> {
  const format = formatOf(fileName);
  if (!format) throw new UnreadableSourceError(`不支持的文件类型“${extname(fileName) || fileName}”:请用 .txt、.md、.html 或 .htm。`);
  if (bytes.length > maxBytes) {
    throw new UnreadableSourceError(`文件太大(${(bytes.length / 1024 / 1024).toFixed(1)} MB),上限是 ${(maxBytes / 1024 / 1024).toFixed(1)} MB。`);
  }
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
