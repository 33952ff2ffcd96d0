import { htmlToText } from './html.ts';
import { UnreadableSourceError } from './unreadable.ts';

export const DOCX_MESSAGES = {
  legacy: '这是旧版 Word 文件(.doc),暂不支持;请在 Word 或 WPS 里另存为 .docx 后再发送。',
  legacyOrLocked: '这个文件不是 .docx 格式:可能是旧版 Word(.doc)改了扩展名,或设有打开密码;请取消密码并在 Word 或 WPS 里另存为 .docx 后再发送。',
  damaged: 'Word 文件已损坏或不完整,无法打开;请在 Word 或 WPS 里重新另存为 .docx 后再试。',
  notWord: '这个 .docx 文件里没有 Word 正文(可能是别的格式改了扩展名);请在 Word 或 WPS 里另存为 .docx 后再试。',
  empty: 'Word 文件里没有文字内容。',
} as const;

/** Old binary Word files, and password-protected .docx files, are OLE compound files. */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const startsWith = (bytes: Uint8Array, magic: number[]): boolean => magic.every((b, i) => bytes[i] === b);

/**
 * .docx to plain text through mammoth: to HTML first, then the web-page
 * reader, so Word tables come out like HTML tables (a row per line, cells
 * apart) and headings and paragraphs as blank-line separated blocks.
 * Headers, footers and page numbers are not part of mammoth's output.
 */
export async function readDocx(bytes: Uint8Array): Promise<string> {
  if (startsWith(bytes, OLE_MAGIC)) throw new UnreadableSourceError(DOCX_MESSAGES.legacyOrLocked);
  if (!startsWith(bytes, ZIP_MAGIC)) throw new UnreadableSourceError(DOCX_MESSAGES.damaged);
  // Loaded on first use, like the other readers.
  const { default: mammoth } = await import('mammoth');
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      // Pictures are dropped rather than inlined as base64: a figure in a picture cannot be read anyway.
      { convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })), ignoreEmptyParagraphs: true, externalFileAccess: false },
    );
    html = result.value;
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    throw new UnreadableSourceError(/main document part/i.test(message) ? DOCX_MESSAGES.notWord : DOCX_MESSAGES.damaged);
  }
  const text = await htmlToText(html);
  if (!text.trim()) throw new UnreadableSourceError(DOCX_MESSAGES.empty);
  return text;
}
