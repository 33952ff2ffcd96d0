import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Telegraf } from 'telegraf';
import { Broadcaster, DEFAULT_LIMITS, type Sender } from '../bot/broadcaster.ts';
import { DigestRunner } from '../bot/digest-runner.ts';
import { createLogger } from '../bot/logger.ts';
import { emptyState, StateStore, type StateData, type Subscription } from '../bot/state-store.ts';
import { telegramSender } from '../bot/telegram.ts';
import type { OutMessage } from '../handlers/reply.ts';
import { SHIPPED_SOURCES } from '../knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { LowdbKnowledgeStore } from '../knowledge/store/store.ts';
import { NO_FILTER } from '../knowledge/digests/subscription-filter.ts';
import { textKey, type Arrival } from './fake-bot-api.ts';

/**
 * The broadcast benchmark: a digest run to many subscribed chats, driven by
 * the real DigestRunner, Broadcaster, StateStore (journal on disk) and
 * Telegraf sender, against a fake Bot API in its own process that answers
 * after `latencyMs` and applies Telegram's flood control. Judged where
 * Telegram judges: by arrival times at the API. Two anti-patterns are
 * measured against the same API in the same run as the baseline.
 *
 *   npx tsx bench/broadcast.ts [--chats 10000] [--per-second 30] [--latency 20] [--baseline-chats 1000]
 */

export interface BroadcastBenchOptions {
  /** Subscribed chats; each gets one digest. */
  chats: number;
  /** The broadcaster's ceiling, and the fake API's flood-control limit. */
  perSecond: number;
  /** How long the fake API takes to answer sendMessage. */
  latencyMs: number;
  /** Chats for each baseline; default min(chats, 1000), which is plenty to show the failure. */
  baselineChats?: number;
}

/** One way of sending a digest to many chats, as the fake API saw it. */
export interface BroadcastRunStats {
  name: string;
  chats: number;
  /** Messages that should have been accepted: every part of every chat's digest, once. */
  messagesExpected: number;
  /** Messages the API accepted (200). */
  messagesAccepted: number;
  /** sendMessage requests that reached the API, refused ones included. */
  requests: number;
  /** Requests the API refused with 429 (flood control). */
  rateLimited: number;
  /** Expected messages never accepted. Must be 0 for the broadcaster. */
  lost: number;
  /** Accepted copies beyond the first of the same message to the same chat. Must be 0. */
  doubled: number;
  /** Accepted messages per second, first to last acceptance. */
  sustainedPerSecond: number;
  /** Most requests arriving within any one second. */
  maxInAnySecond: number;
  /** One-second windows (one starting at each arrival) holding more requests than the ceiling. Must be 0. */
  windowsOverLimit: number;
  /** Wall time of the whole run, from the first decision to the last answer. */
  runMs: number;
}

export interface BroadcastBenchResult {
  options: Required<BroadcastBenchOptions>;
  /** The real thing: DigestRunner.runAll → Broadcaster → Telegraf → the fake API. */
  broadcaster: BroadcastRunStats & {
    /** Highest resident set size of this process while the run went on, in MB: the bot's whole footprint. */
    peakRssMb: number;
    /** Resident set size just before the run: runtime, libraries, knowledge and subscriptions loaded. */
    rssBeforeRunMb: number;
    /** From runAll() to the first message's arrival: composing and journaling the run. */
    firstMessageAfterMs: number;
  };
  /** Anti-patterns on the same API: `Promise.all(chats.map(send))` and an unpaced `for … await send`. */
  baselines: BroadcastRunStats[];
}

const TOKEN = '123456789:bench_broadcast_token_0000000000';
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const quiet = createLogger('error');

export async function broadcastBench(options: BroadcastBenchOptions): Promise<BroadcastBenchResult> {
  const opts: Required<BroadcastBenchOptions> = { baselineChats: Math.min(options.chats, 1000), ...options };
  const api = await startFakeApiProcess(opts.latencyMs, opts.perSecond);
  const dir = await mkdtemp(join(tmpdir(), 'carrier-watch-bench-'));
  try {
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: api.url } });
    const sender = telegramSender(() => bot);
    const broadcaster = await runBroadcaster(dir, sender, api, opts);
    const digest = broadcaster.digest;
    const baselines: BroadcastRunStats[] = [];
    for (const [name, send] of BASELINES) {
      const chats = Array.from({ length: opts.baselineChats }, (_, i) => 9_000_000 + i);
      await api.reset();
      const started = performance.now();
      await send(sender, chats, digest);
      const runMs = performance.now() - started;
      baselines.push(analyse(name, await api.arrivals(), expectation(chats, digest), opts.perSecond, runMs));
    }
    return { options: opts, broadcaster: broadcaster.stats, baselines };
  } finally {
    api.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

type Baseline = (sender: Sender, chats: readonly number[], digest: readonly OutMessage[]) => Promise<void>;

const BASELINES: ReadonlyArray<readonly [string, Baseline]> = [
  [
    'Promise.all(chats.map(send))',
    async (sender, chats, digest) => {
      await Promise.allSettled(chats.flatMap((chatId) => digest.map((m) => sender.send(chatId, m))));
    },
  ],
  [
    'for … await send (unpaced)',
    async (sender, chats, digest) => {
      for (const chatId of chats) {
        for (const m of digest) await sender.send(chatId, m).catch(() => undefined);
      }
    },
  ],
];

async function runBroadcaster(
  dir: string,
  sender: Sender,
  api: FakeApiProcess,
  opts: Required<BroadcastBenchOptions>,
): Promise<{ stats: BroadcastBenchResult['broadcaster']; digest: OutMessage[] }> {
  const kb = await shippedKnowledge(dir);
  const chats = Array.from({ length: opts.chats }, (_, i) => 1_000_000 + i);
  // Everything but the newest bulletin is old news: one digest per chat, as after a day's ingest.
  await seedSubscriptions(dir, chats, kb.seq - 1);
  const state = new StateStore(dir);
  await state.open();
  const broadcaster = new Broadcaster(state, sender, quiet, { ...DEFAULT_LIMITS, perSecond: opts.perSecond });
  const runner = new DigestRunner(state, () => kb, broadcaster, quiet);

  await api.reset();
  const rssBeforeRunMb = toMb(process.memoryUsage.rss());
  const rss = sampleRss();
  const startedAt = performance.timeOrigin + performance.now();
  const result = await runner.runAll('manual');
  const runMs = performance.timeOrigin + performance.now() - startedAt;
  const peakRssMb = rss.stop();
  if (!result) throw new Error('the run did not start');

  const run = state.run(result.runId);
  const digests = new Map((run?.deliveries ?? []).map((d) => [d.chatId, state.digest(d.digest) ?? []]));
  await state.close();
  const arrivals = await api.arrivals();
  const stats = analyse('Broadcaster (this bot)', arrivals, digests, opts.perSecond, runMs);
  const first = arrivals[0]?.at ?? startedAt;
  return { stats: { ...stats, peakRssMb, rssBeforeRunMb, firstMessageAfterMs: first - startedAt }, digest: digests.values().next().value ?? [] };
}

/**
 * The shipped bulletins, ingested by `npm run ingest` in its own process
 * and loaded here as the running bot loads them: parsing is not part of a
 * broadcast, and its memory would otherwise be counted as the broadcast's.
 */
async function shippedKnowledge(dir: string): Promise<KnowledgeBase> {
  const sources = (await readdir(SHIPPED_SOURCES)).filter((n) => /\.(txt|md)$/i.test(n)).map((n) => join(SHIPPED_SOURCES, n));
  const cli = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'bot/cli/ingest.ts'), ...sources], {
    env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn', BOT_TOKEN: '' },
    stdio: 'ignore',
  });
  const code = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
  if (code !== 0) throw new Error(`ingesting the shipped bulletins failed (exit ${code})`);
  return new KnowledgeBase(await new LowdbKnowledgeStore(dir).load());
}

/** Writes the subscriptions straight into a state snapshot: journaling 10,000 /subscribe commands one fsync at a time is not what is measured. */
async function seedSubscriptions(dir: string, chats: readonly number[], cursor: number): Promise<void> {
  const since = new Date().toISOString();
  const subscriptions: Subscription[] = chats.map((chatId) => ({ chatId, chatType: 'private', filter: NO_FILTER, cursor, active: true, since }));
  const data: StateData = { ...emptyState(), subscriptions };
  await writeFile(join(dir, 'state.json'), JSON.stringify(data));
}

function expectation(chats: readonly number[], digest: readonly OutMessage[]): Map<number, readonly OutMessage[]> {
  return new Map(chats.map((c) => [c, digest]));
}

/** Compares what arrived at the API with what each chat should have got, and judges the pace. */
export function analyse(
  name: string,
  arrivals: readonly Arrival[],
  expected: ReadonlyMap<number, readonly OutMessage[]>,
  limit: number,
  runMs: number,
): BroadcastRunStats {
  const accepted = arrivals.filter((a) => a.status === 200);
  const copies = new Map<string, number>();
  for (const a of accepted) copies.set(`${a.chatId}:${a.text}`, (copies.get(`${a.chatId}:${a.text}`) ?? 0) + 1);
  let lost = 0;
  let messagesExpected = 0;
  for (const [chatId, parts] of expected) {
    for (const part of parts) {
      messagesExpected++;
      if (!copies.get(`${chatId}:${textKey(part.html)}`)) lost++;
    }
  }
  const doubled = [...copies.values()].reduce((sum, n) => sum + n - 1, 0);
  const pace = paceOf(arrivals.map((a) => a.at), limit);
  const acceptedTimes = accepted.map((a) => a.at).sort((a, b) => a - b);
  const span = (acceptedTimes.at(-1) ?? 0) - (acceptedTimes[0] ?? 0);
  return {
    name,
    chats: expected.size,
    messagesExpected,
    messagesAccepted: accepted.length,
    requests: arrivals.length,
    rateLimited: arrivals.filter((a) => a.status === 429).length,
    lost,
    doubled,
    sustainedPerSecond: span > 0 ? ((acceptedTimes.length - 1) * 1000) / span : 0,
    ...pace,
    runMs,
  };
}

/** The busiest second, and how many one-second windows (one starting at each arrival) exceed the limit. */
export function paceOf(times: readonly number[], limit: number): { maxInAnySecond: number; windowsOverLimit: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let maxInAnySecond = 0;
  let windowsOverLimit = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + 1000) end++;
    const inWindow = end - start;
    maxInAnySecond = Math.max(maxInAnySecond, inWindow);
    if (inWindow > limit) windowsOverLimit++;
  }
  return { maxInAnySecond, windowsOverLimit };
}

function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return toMb(Math.max(peak, process.memoryUsage.rss()));
    },
  };
}

const toMb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

interface FakeApiProcess {
  url: string;
  arrivals(): Promise<Arrival[]>;
  reset(): Promise<void>;
  stop(): void;
}

/** The fake Bot API in a child process (see fake-bot-api.ts for why). */
async function startFakeApiProcess(latencyMs: number, perSecond: number): Promise<FakeApiProcess> {
  const child: ChildProcess = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'bench/fake-bot-api-server.ts')], {
    env: { ...process.env, FAKE_API_LATENCY_MS: String(latencyMs), FAKE_API_PER_SECOND: String(perSecond) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake Bot API exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  return {
    url,
    arrivals: async () => (await (await fetch(`${url}/__arrivals`)).json()) as Arrival[],
    reset: async () => void (await fetch(`${url}/__reset`, { method: 'POST' })).body?.cancel(),
    stop: () => void child.kill('SIGTERM'),
  };
}

/** The result as a table: what was measured, the targets, and the baselines side by side. */
export function formatBroadcastBench(r: BroadcastBenchResult): string {
  const b = r.broadcaster;
  const o = r.options;
  const fmt = (n: number, digits = 1): string => n.toFixed(digits);
  const verdict = (ok: boolean): string => (ok ? '✓' : '✗');
  const lines = [
    `Broadcast: ${o.chats} chats, ceiling ${o.perSecond}/s, fake Bot API answering in ${o.latencyMs} ms (flood control on)`,
    '',
    `  sustained throughput   ${fmt(b.sustainedPerSecond, 2)} msg/s  (${fmt((b.sustainedPerSecond / o.perSecond) * 100)}% of the ceiling; target ≥ 28)  ${verdict(b.sustainedPerSecond >= 28 || o.perSecond < 30)}`,
    `  busiest second         ${b.maxInAnySecond} requests  (ceiling ${o.perSecond})`,
    `  windows over the limit ${b.windowsOverLimit}  ${verdict(b.windowsOverLimit === 0)}`,
    `  429s received          ${b.rateLimited}`,
    `  lost / doubled         ${b.lost} / ${b.doubled}  (of ${b.messagesExpected} messages)  ${verdict(b.lost === 0 && b.doubled === 0)}`,
    `  peak RSS               ${fmt(b.peakRssMb)} MB  (target < 150)  ${verdict(b.peakRssMb < 150)}`,
    `    before the run        ${fmt(b.rssBeforeRunMb)} MB  (runtime, libraries, knowledge, subscriptions); the run added ${fmt(b.peakRssMb - b.rssBeforeRunMb)} MB`,
    `  first message after    ${fmt(b.firstMessageAfterMs, 0)} ms  (composing and journaling the run)`,
    `  run time               ${fmt(b.runMs / 1000)} s`,
    '',
    'Baselines on the same API (the anti-patterns DESIGN.md warns about):',
    '',
    row(['', 'chats', 'msg/s', 'busiest s', 'windows over', '429s', 'lost', 'lost %', 'time']),
  ];
  for (const s of [b, ...r.baselines]) {
    lines.push(
      row([
        s.name,
        String(s.chats),
        fmt(s.sustainedPerSecond),
        String(s.maxInAnySecond),
        String(s.windowsOverLimit),
        String(s.rateLimited),
        String(s.lost),
        `${fmt((s.lost / Math.max(1, s.messagesExpected)) * 100)}%`,
        `${fmt(s.runMs / 1000)} s`,
      ]),
    );
  }
  lines.push('');
  for (const s of r.baselines) {
    lines.push(
      `  vs ${s.name}: ${fmt(b.sustainedPerSecond / Math.max(s.sustainedPerSecond, 1e-9), 2)}× its raw rate, ` +
        `but ${b.lost} lost against ${s.lost} (${fmt((s.lost / Math.max(1, s.messagesExpected)) * 100)}%) and ${b.windowsOverLimit} windows over the limit against ${s.windowsOverLimit}`,
    );
  }
  return lines.join('\n');
}

function row(cells: readonly string[]): string {
  const widths = [30, 7, 8, 10, 13, 7, 7, 8, 8];
  return `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('')}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      chats: { type: 'string', default: '10000' },
      'per-second': { type: 'string', default: '30' },
      latency: { type: 'string', default: '20' },
      'baseline-chats': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const result = await broadcastBench({
    chats: Number(values.chats),
    perSecond: Number(values['per-second']),
    latencyMs: Number(values.latency),
    ...(values['baseline-chats'] ? { baselineChats: Number(values['baseline-chats']) } : {}),
  });
  process.stdout.write(`${values.json ? JSON.stringify(result, null, 2) : formatBroadcastBench(result)}\n`);
  const b = result.broadcaster;
  if (b.windowsOverLimit || b.lost || b.doubled) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
