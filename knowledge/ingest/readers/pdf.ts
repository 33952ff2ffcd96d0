import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { layoutPages, type TextRun } from './pdf-layout.ts';
import { foldRadicals } from './radicals.ts';
import { UnreadableSourceError } from './unreadable.ts';

/**
 * PDF bytes to plain text through pdf.js (pdfjs-dist, the engine pdf-parse
 * 2.4.5 pins and installs). The positioned runs go to pdf-layout.ts; this
 * file only talks to the library and names what went wrong.
 */

export const PDF_MESSAGES = {
  notPdf: '这不是有效的 PDF 文件(开头没有 PDF 标记),可能已损坏或扩展名不对。',
  truncated: 'PDF 文件不完整(结尾缺失,可能没有下载完),无法读取;请重新下载后再试。',
  damaged: 'PDF 文件已损坏,无法读取;请重新下载或重新导出后再试。',
  encrypted: 'PDF 设有打开密码(已加密),无法读取;请提供未加密的版本。',
  scanned: '这是扫描件(只有图片),没有可读取的文字;请提供文字版 PDF、Word 或网页。',
  undecodable: 'PDF 里有文字,但字体编码无法解码成汉字;请在原软件里另存为 Word 或重新导出 PDF,或提供网页版。',
  empty: 'PDF 里没有文字内容。',
} as const;

export interface PdfText {
  text: string;
  pages: number;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

interface Engine {
  pdfjs: PdfJs;
  /** pdf.js finds CMaps and standard fonts by plain directory path in Node; a file:// URL silently finds nothing. */
  assets: { cMapUrl: string; standardFontDataUrl: string };
}

let engine: Promise<Engine> | undefined;

/**
 * pdf.js and its CMaps come from the one copy pdf-parse pins, so the code
 * and the data files always belong together. Loaded on first use: the
 * running bot rarely sees a PDF, and pdf.js costs tens of MB to hold.
 */
function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const fromParse = createRequire(createRequire(import.meta.url).resolve('pdf-parse'));
    const root = dirname(fromParse.resolve('pdfjs-dist/package.json'));
    const pdfjs = (await import(pathToFileURL(join(root, 'legacy', 'build', 'pdf.mjs')).href)) as PdfJs;
    return { pdfjs, assets: { cMapUrl: join(root, 'cmaps') + sep, standardFontDataUrl: join(root, 'standard_fonts') + sep } };
  })();
  // A failed load is not remembered: the next PDF tries again.
  engine.catch(() => (engine = undefined));
  return engine;
}

const HEADER = Buffer.from('%PDF-');
const EOF_MARK = Buffer.from('%%EOF');

/**
 * pdf.js rebuilds a missing cross-reference table and would quietly read
 * the first pages of a half-downloaded file, so a file must end like a PDF
 * (some producers append a little junk after %%EOF, hence the window).
 */
function checkEnvelope(bytes: Uint8Array): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.subarray(0, 1024).indexOf(HEADER) < 0) throw new UnreadableSourceError(PDF_MESSAGES.notPdf);
  if (buf.subarray(Math.max(0, buf.length - 2048)).indexOf(EOF_MARK) < 0) throw new UnreadableSourceError(PDF_MESSAGES.truncated);
}

/** Letters and digits in any script; what is left of undecodable text is spaces, U+FFFD, private-use and control characters. */
const DECODABLE = /[\p{L}\p{N}]/gu;
const decodableCount = (s: string): number => s.match(DECODABLE)?.length ?? 0;

/** How many of the first pages to look at when telling a scan from a font problem. */
const PAGES_TO_DIAGNOSE = 5;

export async function readPdf(bytes: Uint8Array): Promise<PdfText> {
  checkEnvelope(bytes);
  const { pdfjs, assets } = await loadEngine();
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of the buffer it is given, and refuses Node Buffers.
    data: new Uint8Array(bytes),
    ...assets,
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy();
    throw loadError(e);
  }
  try {
    const pages: TextRun[][] = [];
    for (let n = 1; n <= doc.numPages; n++) pages.push(await pageRuns(doc, n));
    const text = layoutPages(pages);
    const chars = text.replace(/\s/g, '').length;
    if (decodableCount(text) === 0) throw new UnreadableSourceError(await diagnoseNoText(pdfjs, doc));
    // Text that is mostly replacement or private-use characters came through a font without a usable map.
    if (chars >= 20 && decodableCount(text) < chars * 0.5) throw new UnreadableSourceError(PDF_MESSAGES.undecodable);
    return { text, pages: doc.numPages };
  } catch (e) {
    if (e instanceof UnreadableSourceError) throw e;
    throw loadError(e);
  } finally {
    await doc.destroy();
  }
}

async function pageRuns(doc: PdfDocument, n: number): Promise<TextRun[]> {
  const page = await doc.getPage(n);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const runs: TextRun[] = [];
    for (const item of content.items) {
      if (!('str' in item) || !item.str.trim()) continue;
      const [, , c, d, e, f] = item.transform as number[];
      const [x, y] = viewport.convertToViewportPoint(e!, f!);
      runs.push({ text: foldRadicals(item.str), x: x!, y: y!, width: item.width, size: Math.hypot(c!, d!) || item.height });
    }
    return runs;
  } finally {
    page.cleanup();
  }
}

/** No characters at all: a scan if the pages paint images and draw no text, a font problem if text is drawn. */
async function diagnoseNoText(pdfjs: PdfJs, doc: PdfDocument): Promise<string> {
  const { OPS } = pdfjs;
  const textOps = new Set([OPS.showText, OPS.showSpacedText, OPS.nextLineShowText, OPS.nextLineSetSpacingShowText]);
  const imageOps = new Set([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageXObjectRepeat, OPS.paintImageMaskXObject]);
  let text = 0;
  let images = 0;
  for (let n = 1; n <= Math.min(doc.numPages, PAGES_TO_DIAGNOSE); n++) {
    const page = await doc.getPage(n);
    const ops = await page.getOperatorList();
    for (const fn of ops.fnArray) {
      if (textOps.has(fn)) text++;
      else if (imageOps.has(fn)) images++;
    }
    page.cleanup();
  }
  if (text > 0) return PDF_MESSAGES.undecodable;
  return images > 0 ? PDF_MESSAGES.scanned : PDF_MESSAGES.empty;
}

/** pdf.js names its failures; anything else is a bug of ours and stays an internal error. */
function loadError(e: unknown): unknown {
  const name = e instanceof Error ? e.name : '';
  if (name === 'PasswordException') return new UnreadableSourceError(PDF_MESSAGES.encrypted);
  if (name === 'InvalidPDFException' || name === 'FormatError' || name === 'UnknownErrorException') return new UnreadableSourceError(PDF_MESSAGES.damaged);
  return e;
}
