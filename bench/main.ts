import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareBenchData, type BenchData } from './bench-data.ts';
import { measureColdStart } from './cold-start.ts';
import { CONTENDER_LABELS, CONTENDERS, type ContenderId } from './contenders.ts';
import { ingestBench, type IngestBenchResult } from './ingest-bench.ts';
import { loadQuerySet } from './query-set.ts';
import { formatReport, ingestTargets, machine, ratios, searchTargets, type BenchReport, type SearchSection } from './report.ts';
import { runContenders } from './search-bench.ts';
import { bundleEntry } from '../bot/bundle.ts';
import { formatBroadcastBench, type BroadcastBenchResult } from './broadcast.ts';
import { formatPdfBench, pdfBench, type PdfBenchResult } from './pdf-bench.ts';
import { formatPeriodsBench, periodsBench, type PeriodsBenchResult } from './periods-bench.ts';
import { formatWatchBench, watchBench, type WatchBenchResult } from './watch-bench.ts';
import { formatWebhookBench, webhookBench, type WebhookBenchResult } from './webhook-bench.ts';

const USAGE = `npm run bench [-- options]
  --json               the same figures as JSON on stdout (progress goes to stderr; npm run -s keeps npm's banner out)
  --only PART          search | periods | ingest | broadcast | pdf | watch | webhook (default: all, in that order)
  --facts N            size of the synthetic knowledge base (default 100000)
  --bulletins N        generated bulletins to ingest (default 1000)
  --contenders LIST    e.g. project,flexsearch (default: all four; the fuse.js baseline takes minutes)
  --cold-runs N        bot cold starts to take the median of (default 3)
  --chats N --per-second N --latency MS   broadcast options (default 10000, 30, 20)`;

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PARTS = ['search', 'periods', 'ingest', 'broadcast', 'pdf', 'watch', 'webhook'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  json: boolean;
  parts: Part[];
  facts: number;
  bulletins: number;
  contenders: ContenderId[];
  coldRuns: number;
  broadcast: { chats: number; perSecond: number; latencyMs: number };
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      facts: { type: 'string', default: '100000' },
      bulletins: { type: 'string', default: '1000' },
      contenders: { type: 'string' },
      'cold-runs': { type: 'string', default: '3' },
      chats: { type: 'string', default: '10000' },
      'per-second': { type: 'string', default: '30' },
      latency: { type: 'string', default: '20' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = values.only;
  if (only !== undefined && !PARTS.includes(only as Part)) fail(`--only must be one of ${PARTS.join(', ')}`);
  const contenders = (values.contenders?.split(',').map((c) => c.trim()) ?? [...CONTENDERS]) as ContenderId[];
  for (const c of contenders) if (!CONTENDERS.includes(c)) fail(`unknown contender ${c}; choose from ${CONTENDERS.join(', ')}`);
  const int = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
    return n;
  };
  return {
    json: values.json,
    parts: only ? [only as Part] : [...PARTS],
    facts: int('facts', values.facts),
    bulletins: int('bulletins', values.bulletins),
    // The project runs first: its numbers are the ones every ratio divides by.
    contenders: [...new Set<ContenderId>(['project', ...contenders])],
    coldRuns: int('cold-runs', values['cold-runs']),
    broadcast: { chats: int('chats', values.chats), perSecond: int('per-second', values['per-second']), latencyMs: int('latency', values.latency) },
  };
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const progress = (line: string): void => void process.stderr.write(`· ${line}\n`);

async function searchPart(o: Options, data: BenchData): Promise<SearchSection> {
  const queries = loadQuerySet();
  const section: SearchSection = {
    knowledge: { facts: data.facts, bulletins: data.bulletins, carriers: data.carriers, fileMb: data.fileBytes / 1024 / 1024 },
    queries: { carrier: queries.carrier.length, topic: queries.topic.length },
    contenders: {},
  };
  progress(`contenders: ${o.contenders.map((c) => CONTENDER_LABELS[c]).join(', ')}`);
  section.contenders = await runContenders(o.contenders, data.dir, { log: progress });
  progress(`bot cold start × ${o.coldRuns} (+1 warm-up)`);
  section.bot = await measureColdStart(data.dir, o.coldRuns);
  return section;
}

async function broadcastPart(o: Options): Promise<{ result: BroadcastBenchResult; text: string }> {
  progress(`broadcast: ${o.broadcast.chats} chats at ${o.broadcast.perSecond}/s, API latency ${o.broadcast.latencyMs} ms`);
  const result = await broadcastInChild(o);
  return { result, text: formatBroadcastBench(result) };
}

/**
 * The broadcast always gets a fresh process, bundled and run under plain node
 * as the bot is by `npm start`: its memory figure must be the bot's, not this
 * process's (which holds the search part's hundreds of megabytes) nor the
 * TypeScript loader's.
 */
async function broadcastInChild(o: Options): Promise<BroadcastBenchResult> {
  const bundle = await bundleEntry('bench/broadcast.ts', 'dist/bench-broadcast.mjs');
  const args = [bundle, '--json', '--chats', String(o.broadcast.chats), '--per-second', String(o.broadcast.perSecond), '--latency', String(o.broadcast.latencyMs)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      // A non-zero exit means a limit was broken; the figures still tell which.
      try {
        resolve(JSON.parse(out) as BroadcastBenchResult);
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

async function main(): Promise<void> {
  const o = options();
  const report: BenchReport = { machine: machine() };
  let broadcastText: string | undefined;
  let pdf: PdfBenchResult | undefined;
  let periods: PeriodsBenchResult | undefined;
  let watch: WatchBenchResult | undefined;
  let webhook: WebhookBenchResult | undefined;
  let data: BenchData | undefined;
  try {
    if (o.parts.includes('search') || o.parts.includes('ingest')) {
      progress(`generating a synthetic national knowledge base of ~${o.facts} facts`);
      data = await prepareBenchData(o.facts, loadQuerySet());
      progress(`${data.facts} facts, ${data.bulletins} bulletins, ${(data.fileBytes / 1024 / 1024).toFixed(1)} MB in ${data.dir}`);
    }
    let search: SearchSection | undefined;
    if (o.parts.includes('search') && data) search = await searchPart(o, data);
    if (o.parts.includes('periods')) {
      progress(`periods: /compare and /trend over ~${o.facts} facts (31 provinces × ten years), then charts`);
      periods = await periodsBench(o.facts, progress);
    }
    let ingest: IngestBenchResult | undefined;
    if (o.parts.includes('ingest') && data) {
      progress(`ingestion: seed bulletin, ${o.bulletins} generated bulletins, reload at ${data.facts} facts`);
      ingest = await ingestBench({ bulletins: o.bulletins, reloadDataDir: data.dir, log: progress });
      report.ingest = { ...ingest, targets: ingestTargets(ingest) };
    }
    if (search) report.search = { ...search, ratios: ratios(search.contenders), targets: searchTargets(search, ingest?.reload.indexRebuildMs) };
    if (o.parts.includes('broadcast')) {
      const b = await broadcastPart(o);
      report.broadcast = b.result;
      broadcastText = b.text;
    }
    if (o.parts.includes('pdf')) {
      progress('PDF: a 50-page bulletin, first read in a fresh process and warm, against the same text as .txt');
      pdf = await pdfBench();
    }
    if (o.parts.includes('watch')) watch = await watchBench(o.broadcast.latencyMs, progress);
    if (o.parts.includes('webhook')) webhook = await webhookBench({ updates: 1000, concurrency: 40, chats: 300, latencyMs: o.broadcast.latencyMs, facts: o.facts }, progress);
  } finally {
    await data?.cleanup();
  }
  report.machine.load.end = loadavg()[0] ?? 0;
  if (o.json) process.stdout.write(`${JSON.stringify({ ...report, ...(pdf ? { pdf } : {}), ...(periods ? { periods } : {}), ...(watch ? { watch } : {}), ...(webhook ? { webhook } : {}) }, null, 2)}\n`);
  else
    process.stdout.write(
      `${formatReport({ ...report, ...(broadcastText !== undefined ? { broadcast: broadcastText } : {}) })}\n${periods ? `\n${formatPeriodsBench(periods)}\n` : ''}${pdf ? `\n${formatPdfBench(pdf)}\n` : ''}${watch ? `\n${formatWatchBench(watch)}\n` : ''}${webhook ? `\n${formatWebhookBench(webhook)}\n` : ''}`,
    );
}

main().catch((e: unknown) => {
  process.stderr.write(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
