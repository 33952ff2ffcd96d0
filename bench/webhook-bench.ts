import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Telegraf } from 'telegraf';
import { DEFAULT_LIMITS } from '../bot/broadcaster.ts';
import { bundleEntry } from '../bot/bundle.ts';
import { createLogger } from '../bot/logger.ts';
import { SharedOutbox } from '../bot/shared-outbox.ts';
import { PostgresStateStore } from '../bot/state-store-postgres.ts';
import { telegramSender } from '../bot/telegram.ts';
import { NO_FILTER } from '../knowledge/digests/subscription-filter.ts';
import { PROJECT_ROOT } from '../knowledge/paths.ts';
import { migrate, openPool } from '../knowledge/store/migrate.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { PostgresKnowledgeStore } from '../knowledge/store/postgres.ts';
import { BotApiProxy } from '../test/helpers/bot-api-proxy.ts';
import { optionsForFacts, syntheticKnowledge } from './synthetic-kb.ts';
import { startPostgres, type PgServer } from '../test/helpers/postgres.ts';

/**
 * Webhook mode and the shared outbox, on a real PostgreSQL (started here,
 * or DATABASE_URL's server) and a fake Bot API that answers in `latencyMs`:
 *
 * 1. updates per second through two bot instances behind a round-robin
 *    balancer, against one instance, same run: private-chat questions, each
 *    answered with a message;
 * 2. a broadcast drained from one outbox by two instances, against one:
 *    the combined pace, judged by arrival times at the fake API.
 */
export interface WebhookBenchOptions {
  updates: number;
  /** Requests in flight at once, as Telegram's max_connections (40 by default). */
  concurrency: number;
  chats: number;
  latencyMs: number;
  /** Size of the knowledge part (0 skips it). */
  facts: number;
}

export interface UpdatesRun {
  instances: number;
  updates: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  /** Updates whose answer never reached the fake API. */
  unanswered: number;
}

export interface DrainRun {
  instances: number;
  messages: number;
  perSecond: number;
  maxInAnySecond: number;
  lost: number;
  doubled: number;
}

/** Knowledge shared through PostgreSQL at national scale. */
export interface KnowledgeRun {
  facts: number;
  bulletins: number;
  /** One instance reading the whole knowledge base from the database and indexing it (a cold start). */
  fullLoadMs: number;
  /** From another instance's commit of one new bulletin to this one answering from it (NOTIFY, fetch of that row, incremental index). */
  servedAfterMs: number;
}

export interface WebhookBenchResult {
  options: WebhookBenchOptions;
  updates: UpdatesRun[];
  drain: DrainRun[];
  knowledge?: KnowledgeRun;
}

const TOKEN = `${100_000_000 + Math.floor(Math.random() * 800_000_000)}:bench_${randomBytes(12).toString('hex')}`;
const SECRET = `bench_${randomBytes(8).toString('hex')}`;
const quiet = createLogger('silent');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function fakeApi(latencyMs: number): Promise<BotApiProxy> {
  const api = await BotApiProxy.start({ upstream: 'http://127.0.0.1:9' });
  let id = 1;
  api.respond('getMe', () => ({ status: 200, body: { ok: true, result: { id: 4242, is_bot: true, first_name: '维权助手', username: 'cw_bench_bot' } } }));
  api.respond('sendMessage', (call) => ({
    status: 200,
    body: { ok: true, result: { message_id: id++, date: Math.floor(Date.now() / 1000), chat: { id: call.chatId, type: 'private' }, text: '' } },
  }));
  api.slowDown('sendMessage', latencyMs);
  return api;
}

interface Bot {
  port: number;
  child: ChildProcess;
}

async function startBot(bundle: string, apiRoot: string, databaseUrl: string): Promise<Bot> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'cw-bench-webhook-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(NODE_ENV|BOT_TOKEN|TELEGRAM_API_ROOT|DATA_DIR|DATABASE_URL|LOG_LEVEL|WATCH)$/.test(k)) env[k] = v;
  const child = spawn(process.execPath, [bundle], {
    cwd: PROJECT_ROOT,
    env: {
      ...env,
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      BOT_MODE: 'webhook',
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_PATH: '/tg',
      PORT: String(port),
      WATCH: 'off',
      LOG_LEVEL: 'info',
      // No scheduled digest during the bench.
      DIGEST_CRON: '0 3 1 1 *',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`bot did not start: ${err.slice(-2000)}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      if (err.includes('"bot ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`bot exited (${code}): ${err.slice(-2000)}`)));
  });
  child.stderr!.resume();
  return { port, child };
}

async function stopBot(bot: Bot): Promise<void> {
  if (bot.child.exitCode !== null) return;
  const exited = new Promise((r) => bot.child.once('exit', r));
  bot.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  bot.child.kill('SIGKILL');
}

/** nginx's round robin in a few lines: each request to the next instance. */
async function balancer(ports: readonly number[]): Promise<{ url: string; close: () => Promise<void> }> {
  let next = 0;
  const server: Server = createServer((req, res) => {
    const port = ports[next++ % ports.length]!;
    const up = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const QUESTIONS = ['吉林移动', '吉林联通 投诉', '电信 携号转网', '/help', '广电 资费', '/carrier 吉林电信'];

async function postUpdates(url: string, first: number, count: number, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const chat = 600_000 + i;
      const text = QUESTIONS[i % QUESTIONS.length]!;
      const update = {
        update_id: first + i,
        message: {
          message_id: i + 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chat, type: 'private', first_name: '用户' },
          from: { id: chat, is_bot: false, first_name: '用户' },
          text,
          ...(text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } : {}),
        },
      };
      const t0 = performance.now();
      const res = await fetch(`${url}/tg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

function peakPerSecond(times: readonly number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function updatesRun(bots: readonly Bot[], api: BotApiProxy, o: WebhookBenchOptions, first: number): Promise<UpdatesRun> {
  const lb = await balancer(bots.map((b) => b.port));
  const before = api.callsTo('sendMessage').length;
  const t0 = performance.now();
  const latencies = await postUpdates(lb.url, first, o.updates, o.concurrency);
  const seconds = (performance.now() - t0) / 1000;
  await lb.close();
  const answers = new Set(api.callsTo('sendMessage').slice(before).map((c) => c.chatId));
  return {
    instances: bots.length,
    updates: o.updates,
    perSecond: o.updates / seconds,
    p50Ms: pct(latencies, 50),
    p95Ms: pct(latencies, 95),
    unanswered: o.updates - answers.size,
  };
}

async function drainRun(url: string, api: BotApiProxy, instances: number, chats: number): Promise<DrainRun> {
  const setup = openPool(url, { max: 2 });
  const chatIds = Array.from({ length: chats }, (_, i) => 800_000 + instances * 100_000 + i);
  await setup.query('TRUNCATE deliveries, digest_runs, digests CASCADE');
  await setup.query(
    `INSERT INTO subscriptions (chat_id, chat_type, filter, cursor, active, since) SELECT id, 'private', $2, 0, true, '2026-11-30T00:00:00Z' FROM unnest($1::bigint[]) id`,
    [chatIds, JSON.stringify(NO_FILTER)],
  );
  const runId = `bench-${instances}`;
  await setup.query(`INSERT INTO digests (key, messages) VALUES ('bench', $1)`, [JSON.stringify([{ html: '<b>本周新通告</b>' }])]);
  await setup.query(`INSERT INTO digest_runs (id, reason, started_at, upto_seq) VALUES ($1, 'manual', now(), 1)`, [runId]);
  await setup.query(
    `INSERT INTO deliveries (run_id, chat_id, digest, upto_seq, parts) SELECT $1, id, 'bench', 1, 1 FROM unnest($2::bigint[]) id`,
    [runId, chatIds],
  );
  const bot = new Telegraf(TOKEN, { telegram: { apiRoot: api.url } });
  const before = api.callsTo('sendMessage').length;
  const pools = Array.from({ length: instances }, () => openPool(url, { max: 4 }));
  const stores = pools.map((p) => new PostgresStateStore(p, url, quiet));
  for (const s of stores) await s.open();
  const outboxes = stores.map((s) => new SharedOutbox(s, telegramSender(() => bot), quiet, DEFAULT_LIMITS));
  for (const o of outboxes) o.start();
  for (;;) {
    const { rows } = await setup.query<{ finished_at: Date | null }>('SELECT finished_at FROM digest_runs WHERE id = $1', [runId]);
    if (rows[0]?.finished_at) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(outboxes.map((o) => o.stop()));
  for (const s of stores) await s.close();
  await Promise.all(pools.map((p) => p.end()));
  await setup.end();
  const calls = api.callsTo('sendMessage').slice(before).filter((c) => c.status === 200);
  const times = calls.map((c) => c.at);
  const perChat = new Map<string, number>();
  for (const c of calls) perChat.set(String(c.chatId), (perChat.get(String(c.chatId)) ?? 0) + 1);
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return {
    instances,
    messages: calls.length,
    perSecond: span > 0 ? (calls.length - 1) / span : 0,
    maxInAnySecond: peakPerSecond(times),
    lost: chatIds.filter((id) => !perChat.has(String(id))).length,
    doubled: [...perChat.values()].reduce((n, k) => n + k - 1, 0),
  };
}

async function knowledgeRun(url: string, facts: number): Promise<KnowledgeRun> {
  const { data } = syntheticKnowledge(optionsForFacts(facts));
  const writerPool = openPool(url, { max: 2 });
  const readerPool = openPool(url, { max: 2 });
  try {
    const writer = new PostgresKnowledgeStore(writerPool, url);
    await writer.update((d) => {
      d.seq = data.seq;
      d.bulletins = data.bulletins;
      d.facts = data.facts;
    });
    const reader = new PostgresKnowledgeStore(readerPool, url);
    const t0 = performance.now();
    let kb = new KnowledgeBase(await reader.load());
    const fullLoadMs = performance.now() - t0;
    // One more bulletin, as an ingestion on another instance would add it.
    const last = data.bulletins.at(-1)!;
    const id = `${last.id}-r`;
    const fresh = { ...last, id, seq: data.seq + 1, contentHash: `${last.contentHash}r` };
    const freshFacts = data.facts.filter((f) => f.bulletinId === last.id).map((f) => ({ ...f, id: `${f.id}r`, bulletinId: id }));
    let committedAt = 0;
    const served = new Promise<number>((resolve) => {
      const stop = reader.watch(() => {
        void reader.load().then((d) => {
          kb = new KnowledgeBase(d, kb);
          if (kb.seq === data.seq + 1) {
            stop();
            resolve(performance.now() - committedAt);
          }
        });
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    await writer.update((d) => {
      d.seq += 1;
      d.bulletins.push(fresh);
      d.facts.push(...freshFacts);
    });
    committedAt = performance.now();
    return { facts: data.facts.length, bulletins: data.bulletins.length, fullLoadMs, servedAfterMs: await served };
  } finally {
    await writerPool.end();
    await readerPool.end();
  }
}

export async function webhookBench(o: WebhookBenchOptions, log: (line: string) => void): Promise<WebhookBenchResult> {
  let server: PgServer | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    server = await startPostgres();
    adminUrl = server.adminUrl;
  }
  const dbName = `cw_bench_${randomBytes(4).toString('hex')}`;
  const admin = openPool(adminUrl, { max: 1 });
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const api = await fakeApi(o.latencyMs);
  const bots: Bot[] = [];
  try {
    const pool = openPool(url, { max: 1 });
    await migrate(pool);
    await pool.end();
    const bundle = await bundleEntry('bot/main.ts', 'dist/bench-webhook-bot.mjs');
    log(`webhook: starting two bot instances on PostgreSQL`);
    bots.push(await startBot(bundle, api.url, url));
    bots.push(await startBot(bundle, api.url, url));
    const updates: UpdatesRun[] = [];
    log(`webhook: ${o.updates} updates, ${o.concurrency} at a time, through one instance`);
    updates.push(await updatesRun(bots.slice(0, 1), api, o, 1_000_000));
    log(`webhook: ${o.updates} updates through two instances behind a round-robin balancer`);
    updates.push(await updatesRun(bots, api, o, 2_000_000));
    for (const b of bots) await stopBot(b);
    const drain: DrainRun[] = [];
    for (const n of [1, 2]) {
      log(`shared outbox: ${o.chats} chats drained by ${n} instance(s)`);
      drain.push(await drainRun(url, api, n, o.chats));
    }
    let knowledge: KnowledgeRun | undefined;
    if (o.facts) {
      log(`knowledge: ~${o.facts} facts in PostgreSQL; one bulletin ingested elsewhere, served here after NOTIFY`);
      knowledge = await knowledgeRun(url, o.facts);
    }
    return { options: o, updates, drain, ...(knowledge ? { knowledge } : {}) };
  } finally {
    for (const b of bots) await stopBot(b);
    await api.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await server?.stop();
    await rm(join(PROJECT_ROOT, 'dist/bench-webhook-bot.mjs'), { force: true });
    await rm(join(PROJECT_ROOT, 'dist/bench-webhook-bot.mjs.map'), { force: true });
  }
}

export function formatWebhookBench(r: WebhookBenchResult): string {
  const f = (n: number, d = 1): string => n.toFixed(d);
  const [one, two] = r.updates;
  const lines = [
    `Webhook mode on PostgreSQL: ${r.options.updates} updates, ${r.options.concurrency} in flight, fake Bot API answering in ${r.options.latencyMs} ms`,
    '',
    '  instances  updates/s  p50 ms  p95 ms  unanswered',
    ...r.updates.map((u) => `  ${String(u.instances).padEnd(9)}  ${f(u.perSecond).padStart(9)}  ${f(u.p50Ms, 0).padStart(6)}  ${f(u.p95Ms, 0).padStart(6)}  ${u.unanswered}`),
    ...(one && two ? [`  two instances / one: ×${f(two.perSecond / one.perSecond, 2)}`] : []),
    '',
    `Shared outbox: one digest to ${r.options.chats} chats, drained by one instance and by two (ceiling 30/s across instances)`,
    '',
    '  instances  msg/s  busiest s  lost  doubled',
    ...r.drain.map(
      (d) => `  ${String(d.instances).padEnd(9)}  ${f(d.perSecond).padStart(5)}  ${String(d.maxInAnySecond).padStart(9)}  ${String(d.lost).padStart(4)}  ${d.doubled}  ${d.maxInAnySecond <= 30 && d.lost === 0 && d.doubled === 0 ? '✓' : '✗'}`,
    ),
  ];
  const k = r.knowledge;
  if (k) {
    lines.push(
      '',
      `Knowledge in PostgreSQL: ${k.facts} facts in ${k.bulletins} bulletins`,
      `  full load and index (a cold start)        ${f(k.fullLoadMs, 0)} ms`,
      `  a bulletin ingested on another instance   served here ${f(k.servedAfterMs, 0)} ms after its commit (target < 1000)  ${k.servedAfterMs < 1000 ? '✓' : '✗'}`,
    );
  }
  return lines.join('\n');
}

// Standalone: npx tsx bench/webhook-bench.ts [updates] [chats] [facts]
if (import.meta.url === `file://${process.argv[1]}`) {
  const [updates = '600', chats = '300'] = process.argv.slice(2);
  webhookBench({ updates: Number(updates), concurrency: 40, chats: Number(chats), latencyMs: 20, facts: Number(process.argv[4] ?? 100_000) }, (l) => process.stderr.write(`· ${l}\n`))
    .then((r) => process.stdout.write(`${formatWebhookBench(r)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`webhook bench failed: ${String(e)}\n`);
      process.exit(1);
    });
}
