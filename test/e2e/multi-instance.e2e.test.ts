import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../knowledge/store/migrate.ts';
import { PROJECT_ROOT } from '../../knowledge/paths.ts';
import { BotApiProxy, faults, type BotApiCall } from '../helpers/bot-api-proxy.ts';
import { botBundle } from '../helpers/bot-bundle.ts';
import { onlyReply, PRIVATE_CHAT, useBot } from '../helpers/e2e-harness.ts';
import { testPool, usePostgres } from '../helpers/postgres.ts';

// First, so its teardown (stopping PostgreSQL) runs after the bots have stopped.
const db = usePostgres();

const SECRET = `s_${randomBytes(12).toString('hex')}`;
const TOKEN = `${100_000_000 + Math.floor(Math.random() * 800_000_000)}:e2e_${randomBytes(12).toString('hex')}`;
const PATH = '/tg';
/** Chats subscribed before the instances start, all to 吉林 (a one- or two-part digest). */
const SUBSCRIBERS = Array.from({ length: 320 }, (_, i) => 50_000 + i);
const BLOCKED = SUBSCRIBERS.slice(0, 15);
const LIMITED = SUBSCRIBERS[100]!;
/** Chats that subscribe during the test, through whichever instance the balancer picks. */
const NEWCOMERS = [7001, 7002, 7003, 7004, 7005, 7006];

interface Instance {
  name: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

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

function logsOf(i: Instance): Array<Record<string, unknown>> {
  return i.lines.flatMap((l) => {
    try {
      return l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(NODE_ENV|DEBUG|VITEST.*|BOT_TOKEN|TELEGRAM_API_ROOT|DATA_DIR|ADMIN_IDS|LOG_LEVEL|DATABASE_URL)$/.test(k)) base[k] = v;
  const dataDir = await mkdtemp(join(tmpdir(), `cw-multi-${name}-`));
  const child = spawn(process.execPath, ['--enable-source-maps', botBundle()], {
    cwd: PROJECT_ROOT,
    env: { ...base, ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let rest = '';
  child.stderr!.on('data', (c: Buffer) => {
    rest += c.toString();
    const parts = rest.split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const instance = { name, port, dataDir, child, lines, exited };
  await until(() => logsOf(instance).some((l) => l['msg'] === 'bot ready') || child.exitCode !== null, 30_000, `${name} to be ready`);
  if (child.exitCode !== null) throw new Error(`${name} exited: ${lines.join('\n')}`);
  return instance;
}

/** nginx's upstream round robin, including its failover: a refused connection goes to the next instance. */
function startBalancer(targets: () => number[]): Promise<{ url: string; served: Map<number, number>; close: () => Promise<void> }> {
  let next = 0;
  const served = new Map<number, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const ports = targets();
      const attempt = (left: number): void => {
        const port = ports[next++ % ports.length]!;
        const up = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (upRes) => {
          served.set(port, (served.get(port) ?? 0) + 1);
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        });
        up.on('error', () => (left > 1 ? attempt(left - 1) : res.writeHead(502).end()));
        up.end(body);
      };
      attempt(ports.length);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        served,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    }),
  );
}

let nextUpdateId = 900_000;
function commandUpdate(chatId: number, text: string): Record<string, unknown> {
  const command = text.split(' ')[0]!;
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextUpdateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: `用户${chatId}` },
      from: { id: chatId, is_bot: false, first_name: `用户${chatId}` },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: command.length }],
    },
  };
}

async function post(url: string, update: Record<string, unknown>, secret = SECRET): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  });
  return { status: res.status, body: await res.text() };
}

const sent = (proxy: BotApiProxy, chatId?: number): BotApiCall[] => proxy.callsTo('sendMessage', chatId).filter((c) => c.status === 200);

describe('two instances in webhook mode on one PostgreSQL', () => {
  let proxy: BotApiProxy;
  let pool: pg.Pool;
  let a: Instance;
  let b: Instance;
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  let tickAt: number;

  beforeAll(async () => {
    proxy = await BotApiProxy.start({ upstream: 'http://127.0.0.1:9' });
    proxy.respond('getMe', () => ({ status: 200, body: { ok: true, result: { id: 424242, is_bot: true, first_name: '维权助手', username: 'cw_multi_bot' } } }));
    let messageId = 1;
    proxy.respond('sendMessage', (call) => ({
      status: 200,
      body: { ok: true, result: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: call.chatId, type: 'private' }, text: String(call.params['text']) } },
    }));
    // Telegram takes a few milliseconds per message.
    proxy.slowDown('sendMessage', 15);
    proxy.injectFault({ method: 'sendMessage', chatIds: BLOCKED, reply: faults.blockedByUser() });
    proxy.injectFault({ method: 'sendMessage', chatIds: [LIMITED], times: 1, reply: faults.tooManyRequests(1) });

    pool = testPool(db.url, 2);
    await migrate(pool);
    await pool.query(
      `INSERT INTO subscriptions (chat_id, chat_type, filter, cursor, active, since)
       SELECT id, 'private', '{"provinces":["JL"],"carriers":[],"categories":[]}', 0, true, '2026-11-30T00:00:00.000Z' FROM unnest($1::bigint[]) AS id`,
      [SUBSCRIBERS],
    );
    // Both instances' cron fires this very second: one run must come of it.
    tickAt = Math.ceil((Date.now() + 25_000) / 1000) * 1000;
    const tick = new Date(tickAt);
    const env = {
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: proxy.url,
      DATABASE_URL: db.url,
      BOT_MODE: 'webhook',
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_PATH: PATH,
      WATCH: 'off',
      LOG_LEVEL: 'debug',
      DIGEST_CRON: `${tick.getUTCSeconds()} ${tick.getUTCMinutes()} ${tick.getUTCHours()} * * *`,
      DIGEST_TZ: 'UTC',
    };
    [a, b] = await Promise.all([startInstance('a', env), startInstance('b', env)]);
    balancer = await startBalancer(() => [a, b].filter((i) => i.child.exitCode === null && i.child.signalCode === null).map((i) => i.port));
  }, 90_000);

  afterAll(async () => {
    for (const i of [a, b]) {
      if (i && i.child.exitCode === null && i.child.signalCode === null) {
        i.child.kill('SIGTERM');
        await Promise.race([i.exited, new Promise((r) => setTimeout(r, 10_000))]);
        i.child.kill('SIGKILL');
      }
    }
    await balancer?.close();
    await pool?.end();
    await proxy?.close();
  }, 30_000);

  it('answers /healthz and /readyz, and refuses a request without the secret', async () => {
    for (const i of [a, b]) {
      expect((await fetch(`http://127.0.0.1:${i.port}/healthz`)).status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${i.port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ok: true, detail: { bulletins: 2 } });
    }
    const forged = await post(`http://127.0.0.1:${a.port}`, commandUpdate(7999, '/subscribe'), 'wrong-secret');
    expect(forged.status).toBe(403);
    const { rows } = await pool.query('SELECT 1 FROM subscriptions WHERE chat_id = 7999');
    expect(rows).toEqual([]);
  });

  it('takes subscriptions through either instance', async () => {
    const answers = await Promise.all(NEWCOMERS.map((chat) => post(balancer.url, commandUpdate(chat, '/subscribe 吉林'))));
    expect(answers.map((r) => r.status)).toEqual(NEWCOMERS.map(() => 200));
    expect([...balancer.served.values()].every((n) => n >= 3)).toBe(true);
    for (const chat of NEWCOMERS) expect(sent(proxy, chat).map((c) => String(c.params['text']))).toEqual([expect.stringContaining('已订阅')]);
    const { rows } = await pool.query<{ chat_id: string }>('SELECT chat_id FROM subscriptions WHERE active AND chat_id = ANY($1) ORDER BY chat_id', [NEWCOMERS]);
    expect(rows.map((r) => Number(r.chat_id))).toEqual(NEWCOMERS);
    // Each instance knows of the other's subscriptions: /subscriptions answers the same on both.
    for (const i of [a, b]) {
      const chat = NEWCOMERS[i === a ? 0 : 1]!;
      await post(`http://127.0.0.1:${i.port}`, commandUpdate(chat, '/subscriptions'));
    }
    expect(String(sent(proxy, NEWCOMERS[0]).at(-1)?.params['text'])).toContain('本聊天的订阅');
    expect(String(sent(proxy, NEWCOMERS[1]).at(-1)?.params['text'])).toContain('本聊天的订阅');
  });

  it('handles an update delivered twice, to each instance, once', async () => {
    const update = commandUpdate(NEWCOMERS[2]!, '/subscriptions');
    const before = sent(proxy, NEWCOMERS[2]).length;
    const [first, second] = await Promise.all([post(`http://127.0.0.1:${a.port}`, update), post(`http://127.0.0.1:${b.port}`, update)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const again = await post(balancer.url, update);
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(sent(proxy, NEWCOMERS[2]).length - before).toBe(1);
    const { rows } = await pool.query('SELECT done FROM processed_updates WHERE update_id = $1', [update['update_id']]);
    expect(rows).toEqual([{ done: true }]);
  });

  it('sends one digest run to 300+ chats across both, through 403s, a 429 and a kill -9 of one, ≤ 30 messages a second', async () => {
    await until(async () => (await pool.query('SELECT 1 FROM digest_runs')).rows.length > 0, tickAt - Date.now() + 15_000, 'the scheduled run');
    // Let both instances send for a while, then kill one mid-run.
    await until(() => sent(proxy).filter((c) => SUBSCRIBERS.includes(Number(c.chatId))).length >= 60, 20_000, 'the broadcast to get going');
    a.child.kill('SIGKILL');
    await a.exited;
    const killedAt = performance.timeOrigin + performance.now();
    await until(
      async () => (await pool.query(`SELECT 1 FROM digest_runs WHERE finished_at IS NULL`)).rows.length === 0,
      60_000,
      'the surviving instance to finish the run',
    );

    const runs = await pool.query<{ tick: string | null }>('SELECT tick FROM digest_runs');
    expect(runs.rows).toEqual([{ tick: `scheduled:${new Date(tickAt).toISOString()}` }]);
    // Both instances sent batches before the kill.
    const batches = (i: Instance): number => logsOf(i).filter((l) => l['msg'] === 'outbox batch').length;
    expect(batches(a)).toBeGreaterThan(0);
    expect(batches(b)).toBeGreaterThan(0);
    // Both fired the tick; one recorded the run, the other found every chat already owed its digest.
    const recorded = [a, b].map((i) => logsOf(i).filter((l) => l['msg'] === 'digest run recorded').length);
    expect(recorded.sort()).toEqual([0, 1]);

    const parts = await pool.query<{ chat_id: string; parts: number; status: string }>('SELECT chat_id, parts, status FROM deliveries');
    const byChat = new Map(parts.rows.map((r) => [Number(r.chat_id), r]));
    expect(byChat.size).toBe(SUBSCRIBERS.length);
    let duplicated = 0;
    for (const chat of SUBSCRIBERS) {
      const got = sent(proxy, chat).map((c) => String(c.params['text']));
      const row = byChat.get(chat)!;
      if (BLOCKED.includes(chat)) {
        expect(got).toEqual([]);
        expect(row.status).toBe('dropped');
        continue;
      }
      expect(row.status).toBe('sent');
      // Every part arrived, in order; a part may repeat only if it was in flight at the kill.
      const distinct = [...new Set(got)];
      expect(distinct).toHaveLength(row.parts);
      duplicated += got.length - distinct.length;
    }
    expect(duplicated).toBeLessThanOrEqual(8);
    const blocked = await pool.query<{ chat_id: string }>('SELECT chat_id FROM subscriptions WHERE NOT active ORDER BY chat_id');
    expect(blocked.rows.map((r) => Number(r.chat_id))).toEqual(BLOCKED);
    expect(sent(proxy, LIMITED).length).toBeGreaterThanOrEqual(1);

    const times = proxy.sendTimes().filter((t) => t < killedAt + 60_000);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    expect(peak).toBeLessThanOrEqual(30);
  }, 120_000);

  it('the survivor shuts down gracefully on SIGTERM', async () => {
    b.child.kill('SIGTERM');
    expect(await Promise.race([b.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))])).toBe(0);
  }, 20_000);
});

describe('one instance polling, on PostgreSQL', () => {
  let url = '';
  beforeAll(async () => {
    url = await db.another();
  });
  const bot = useBot({
    env: {
      get DATABASE_URL() {
        return url;
      },
      WATCH: 'off',
    },
  });

  it('keeps subscriptions in the database, not in DATA_DIR, across a restart', async () => {
    expect(onlyReply(await bot.say('/subscribe 吉林')).text).toContain('已订阅');
    const pool = testPool(url, 1);
    try {
      const { rows } = await pool.query('SELECT chat_id::int AS chat, active FROM subscriptions');
      expect(rows).toEqual([{ chat: PRIVATE_CHAT.id, active: true }]);
    } finally {
      await pool.end();
    }
    expect(existsSync(join(bot.dataDir, 'state.json')) || existsSync(join(bot.dataDir, 'state.journal'))).toBe(false);
    await bot.restart();
    expect(onlyReply(await bot.say('/subscriptions')).text).toContain('本聊天的订阅');
  }, 60_000);
});

describe('one instance in webhook mode, on the files', () => {
  let proxy: BotApiProxy;
  let bot: Instance;

  beforeAll(async () => {
    proxy = await BotApiProxy.start({ upstream: 'http://127.0.0.1:9' });
    proxy.respond('getMe', () => ({ status: 200, body: { ok: true, result: { id: 424243, is_bot: true, first_name: '维权助手', username: 'cw_single_bot' } } }));
    proxy.respond('sendMessage', (call) => ({
      status: 200,
      body: { ok: true, result: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: call.chatId, type: 'private' }, text: '' } },
    }));
    bot = await startInstance('single', { BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: proxy.url, BOT_MODE: 'webhook', WEBHOOK_SECRET: SECRET, WEBHOOK_PATH: PATH, WATCH: 'off' });
  }, 60_000);

  afterAll(async () => {
    if (bot && bot.child.exitCode === null) {
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await proxy?.close();
  });

  it('answers, drops a redelivered update, and keeps the state in DATA_DIR', async () => {
    const url = `http://127.0.0.1:${bot.port}`;
    const update = commandUpdate(8001, '/subscribe 吉林');
    expect((await post(url, update)).status).toBe(200);
    expect((await post(url, update)).body).toContain('duplicate');
    expect(sent(proxy, 8001).map((c) => String(c.params['text']))).toEqual([expect.stringContaining('已订阅')]);
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toMatchObject({ ok: true, detail: { store: 'files' } });
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // Shutdown folded the journal into the snapshot: the subscription is in DATA_DIR.
    const snapshot = readFileSync(join(bot.dataDir, 'state.json'), 'utf8');
    expect(snapshot).toContain('"chatId":8001');
  });
});
