import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Fetcher, type FetchResult, type Validators } from '../bot/fetcher.ts';
import { createLogger } from '../bot/logger.ts';
import { WatchRunner, type PageFetcher } from '../bot/watch-runner.ts';
import { LowdbWatchState } from '../bot/watch-state.ts';
import { LowdbKnowledgeStore } from '../knowledge/store/store.ts';
import { DEFAULT_POLICY } from '../knowledge/watch/decide.ts';
import type { WatchSource } from '../knowledge/watch/sources.ts';
import type { FetchKind } from '../bot/fetcher.ts';

export interface WatchCycle {
  cpuMs: number;
  wallMs: number;
  requests: number;
  /** Bytes of response bodies the sites sent. */
  bytes: number;
}

export interface WatchBenchResult {
  sources: number;
  latencyMs: number;
  /** A full cycle with nothing new, as the bot runs it: conditional GETs. */
  watcher: WatchCycle;
  /** The same cycle fetching every list in full and reading it again: what a watcher without validators pays. */
  baseline: WatchCycle;
  /** Memory in use (heap and buffers, after a full collection) after ten more quiet cycles, minus before them. */
  memoryGrowthMb: number;
  targets: Array<{ what: string; limit: string; value: string; ok: boolean }>;
}

const SOURCES = 40;
const ITEMS = 20;
const QUIET_CYCLES = 10;

/** One list page per host: twenty items, as long as a provincial site's (~25 KB with its chrome). */
function listHtml(host: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => `<li><a href="/zwgk/tzgg/art/2024/art_${host}_${i}.html">第${host}号网站的第${i}条通知公告:关于电信服务质量有关情况的说明</a><span>2024-0${(i % 9) + 1}-15</span></li>`);
  const chrome = '<div class="nav-menu">' + '<a href="/zwgk/">政务公开</a> '.repeat(60) + '</div>';
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>${chrome}<ul class="list">${items.join('\n')}</ul>${'<p>网站说明</p>'.repeat(200)}</body></html>`;
}

/** Forty hosts (127.0.0.1 … 127.0.0.40) behind one handler that answers after a fake network latency. */
async function startSites(latencyMs: number): Promise<{ urls: string[]; stats: { requests: number; bytes: number }; stop: () => Promise<void> }> {
  const stats = { requests: 0, bytes: 0 };
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let i = 1; i <= SOURCES; i++) {
    const body = Buffer.from(listHtml(i));
    const etag = `"list-${i}"`;
    const server = createServer((req, res) => {
      setTimeout(() => {
        stats.requests++;
        if (req.url !== '/zwgk/tzgg/index.html') {
          res.writeHead(404).end();
          return;
        }
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag }).end();
          return;
        }
        stats.bytes += body.length;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag }).end(body);
      }, latencyMs);
    });
    await new Promise<void>((resolve) => server.listen(0, `127.0.0.${i}`, resolve));
    servers.push(server);
    urls.push(`http://127.0.0.${i}:${(server.address() as AddressInfo).port}/zwgk/tzgg/index.html`);
  }
  return {
    urls,
    stats,
    stop: async () => {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

/** A fetcher that forgets validators: every list comes back in full. */
function unconditional(inner: Fetcher): PageFetcher {
  return { fetch: (url: string, kind: FetchKind, _validators?: Validators): Promise<FetchResult> => inner.fetch(url, kind) };
}

async function cycle(runner: WatchRunner, stats: { requests: number; bytes: number }): Promise<WatchCycle> {
  const requests = stats.requests;
  const bytes = stats.bytes;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runner.runCycle();
  if (!result || result.ingested) throw new Error('a quiet cycle ingested something');
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started, requests: stats.requests - requests, bytes: stats.bytes - bytes };
}

/** A full collection before each memory reading, so the figure is what the loop keeps, not garbage not yet collected. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Heap and off-heap buffers in use: what a leak would grow (RSS moves with the allocator's whims). */
const inUse = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

/**
 * Forty sources on loopback hosts with a fake latency: the first cycle is
 * the baseline check (nothing to ingest: the list items are not bulletins,
 * so every link is remembered after one read), then quiet cycles are
 * measured, ours with conditional GET and the baseline without.
 */
export async function watchBench(latencyMs: number, log: (line: string) => void): Promise<WatchBenchResult> {
  const sites = await startSites(latencyMs);
  const dir = await mkdtemp(join(tmpdir(), 'carrier-watch-watch-bench-'));
  const fetcher = new Fetcher({ userAgent: 'carrier-watch-bench', allowPrivate: true });
  const state = new LowdbWatchState(dir);
  await state.open();
  const shipped: WatchSource[] = sites.urls.map((url, i) => ({ name: `来源${i + 1}`, url, verified: true, links: 'ul.list' }));
  const deps = {
    store: new LowdbKnowledgeStore(dir),
    state,
    shipped,
    policy: { ...DEFAULT_POLICY, backfill: 0 },
    notifier: { notify: async () => undefined },
    log: createLogger('silent'),
    onIngested: async () => undefined,
  };
  try {
    const ours = new WatchRunner({ ...deps, fetcher });
    const naive = new WatchRunner({ ...deps, fetcher: unconditional(fetcher) });
    log(`watch: ${SOURCES} sources on loopback hosts, ${latencyMs} ms latency; first check (baseline)`);
    await ours.runCycle();
    // Warm both paths once (JIT, robots.txt already cached), then measure.
    await cycle(ours, sites.stats);
    await cycle(naive, sites.stats);
    const watcher = await cycle(ours, sites.stats);
    const baseline = await cycle(naive, sites.stats);
    // One more of ours first, so what the baseline's full pages left behind is not counted as ours going away.
    await cycle(ours, sites.stats);
    collectGarbage();
    const before = inUse();
    for (let i = 0; i < QUIET_CYCLES; i++) await cycle(ours, sites.stats);
    collectGarbage();
    const memoryGrowthMb = (inUse() - before) / 1024 / 1024;
    const targets = [
      { what: 'CPU of a quiet cycle', limit: '< 1000 ms', value: `${watcher.cpuMs.toFixed(0)} ms`, ok: watcher.cpuMs < 1000 },
      { what: 'requests per source', limit: '≤ 1', value: (watcher.requests / SOURCES).toFixed(2), ok: watcher.requests <= SOURCES },
      { what: `memory growth over ${QUIET_CYCLES} cycles`, limit: '< 20 MB', value: `${memoryGrowthMb.toFixed(1)} MB`, ok: memoryGrowthMb < 20 },
    ];
    return { sources: SOURCES, latencyMs, watcher, baseline, memoryGrowthMb, targets };
  } finally {
    await fetcher.close();
    await state.close();
    await sites.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatWatchBench(r: WatchBenchResult): string {
  const row = (name: string, c: WatchCycle): string =>
    `  ${name.padEnd(26)} CPU ${c.cpuMs.toFixed(0).padStart(4)} ms  wall ${c.wallMs.toFixed(0).padStart(5)} ms  ${String(c.requests).padStart(3)} requests  ${(c.bytes / 1024).toFixed(0).padStart(5)} KB`;
  const ratio = (a: number, b: number): string => `${(b / Math.max(a, 1)).toFixed(1)}×`;
  return [
    `Watching: ${r.sources} sources, ${r.latencyMs} ms fake latency, a full cycle with nothing new`,
    row('watcher (conditional GET)', r.watcher),
    row('baseline (full GET)', r.baseline),
    `  baseline ÷ watcher: CPU ${ratio(r.watcher.cpuMs, r.baseline.cpuMs)}, wall ${ratio(r.watcher.wallMs, r.baseline.wallMs)}; list bytes ${(r.baseline.bytes / 1024).toFixed(0)} KB → ${(r.watcher.bytes / 1024).toFixed(0)} KB`,
    ...r.targets.map((t) => `  ${t.ok ? '✓' : '✗'} ${t.what} ${t.limit}: ${t.value}`),
  ].join('\n');
}
