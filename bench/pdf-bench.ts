import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleEntry } from '../bot/bundle.ts';
import { decodeSource } from '../knowledge/ingest/read-source.ts';
import { HUNAN_Q1 } from '../test/fixtures/pdf/bulletins.ts';
import { bulletinPdf, type Block } from '../test/fixtures/pdf/pdf-writers.ts';
import { median, timedAsync } from './stats.ts';

export interface PdfBenchResult {
  pages: number;
  pdfBytes: number;
  textChars: number;
  /** First read in a fresh plain-node process, as `npm start` runs the bot: includes loading pdf.js. */
  coldMs: number;
  /** What that first read added to the fresh process's resident memory (pdf.js, CMaps, fonts), in MB. */
  coldRssMb: number;
  /** Median of the warm reads. */
  warmMs: number;
  /** The same text as a .txt file through the same entry point, median. */
  txtMs: number;
  /** warmMs ÷ txtMs: what reading a PDF costs over reading its text. */
  ratio: number;
  targetMs: number;
  met: boolean;
}

const TARGET_MS = 2000;
const RUNS = 3;

/**
 * A long bulletin in the fixtures' layout (running heads, footers, ruled
 * tables, cut paragraphs), its figures varied per repeat so no page repeats
 * another: repeated lines would be taken for running heads.
 */
async function longBulletin(minPages: number): Promise<Buffer> {
  const body = HUNAN_Q1.blocks.filter((b) => b.kind !== 'title' && b.kind !== 'signature');
  const vary = (s: string, i: number): string => s.replace(/\d+(?:\.\d+)?/g, (m) => String(Number((Number(m) * (1 + i / 37)).toFixed(m.includes('.') ? 2 : 0))));
  const copy = (b: Block, i: number): Block => {
    // Placed by the flow, not pinned to a page end: identical lines at one height on every page would read as running heads.
    if (b.kind === 'straddle') return { kind: 'para', text: vary(b.text, i) };
    if (b.kind === 'table') return { ...b, caption: vary(b.caption, i), rows: b.rows.map((r) => r.map((c) => vary(c, i))) };
    if (b.kind === 'signature') return b;
    return { ...b, text: vary(b.text, i) };
  };
  // About two pages per repeat; add repeats until the page objects are enough.
  for (let repeats = Math.ceil(minPages / 2); ; repeats += 2) {
    const blocks: Block[] = [HUNAN_Q1.blocks[0]!];
    for (let i = 0; i < repeats; i++) blocks.push(...body.map((b) => copy(b, i)));
    const pdf = await bulletinPdf({ ...HUNAN_Q1, blocks });
    if ((pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0) >= minPages) return pdf;
  }
}

/** Issue 10's target: a 50-page PDF read in under 2 s, with the same text as .txt as the baseline. */
export async function pdfBench(minPages = 50): Promise<PdfBenchResult> {
  const pdf = await longBulletin(minPages);
  // The first read here runs under the TypeScript loader: it gives the text and page count, not the cold time.
  const first = await decodeSource(pdf, 'bench.pdf', pdf.length);
  const pages = first.pages ?? 0;
  if (pages < minPages) throw new Error(`the generated PDF has ${pages} pages, fewer than ${minPages}`);
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) warm.push((await timedAsync(() => decodeSource(pdf, 'bench.pdf', pdf.length))).ms);
  const txt = new TextEncoder().encode(first.text);
  const plain: number[] = [];
  for (let i = 0; i < RUNS; i++) plain.push((await timedAsync(() => decodeSource(txt, 'bench.txt', txt.length))).ms);
  const warmMs = median(warm);
  const txtMs = median(plain);
  const { ms: coldMs, rssMb: coldRssMb } = await coldReadInPlainNode(pdf);
  return {
    pages,
    pdfBytes: pdf.length,
    textChars: first.text.length,
    coldMs,
    coldRssMb,
    warmMs,
    txtMs,
    ratio: warmMs / txtMs,
    targetMs: TARGET_MS,
    met: coldMs < TARGET_MS && warmMs < TARGET_MS,
  };
}

export function formatPdfBench(r: PdfBenchResult): string {
  const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
  return [
    `PDF reading: ${r.pages} pages, ${(r.pdfBytes / 1024).toFixed(0)} KB, ${r.textChars} characters of text`,
    `  cold (plain node, loads pdf.js)  ${ms(r.coldMs)}, +${r.coldRssMb.toFixed(0)} MB resident`,
    `  warm (median of ${RUNS})               ${ms(r.warmMs)}`,
    `  same text as .txt                ${ms(r.txtMs)}   → the PDF costs ${r.ratio.toFixed(0)}× the text file`,
    `  target < ${r.targetMs} ms cold and warm: ${r.met ? 'met' : 'MISSED'}`,
  ].join('\n');
}

/**
 * The first read of a process, in a fresh plain-node process running this
 * file bundled: under the TypeScript loader, loading pdf.js alone takes
 * about a second longer than the bot ever pays.
 */
async function coldReadInPlainNode(pdf: Buffer): Promise<{ ms: number; rssMb: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'carrier-watch-pdf-bench-'));
  try {
    const file = join(dir, 'bench.pdf');
    await writeFile(file, pdf);
    const bundle = await bundleEntry('bench/pdf-bench.ts', 'dist/bench-pdf.mjs');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [bundle, '--cold', file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => void (text += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`cold PDF read exited with ${code}`))));
    });
    return JSON.parse(out) as { ms: number; rssMb: number };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--cold') {
    const bytes = await readFile(process.argv[3]!);
    const before = process.memoryUsage().rss;
    const { ms } = await timedAsync(() => decodeSource(bytes, 'bench.pdf', bytes.length));
    process.stdout.write(`${JSON.stringify({ ms, rssMb: (process.memoryUsage().rss - before) / 1024 / 1024 })}\n`);
  } else {
    process.stdout.write(`${formatPdfBench(await pdfBench())}\n`);
  }
}
