import type pg from 'pg';
import { TelegramError } from 'telegraf';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type BroadcastLimits, type Sender } from '../../bot/broadcaster.ts';
import { createLogger } from '../../bot/logger.ts';
import { tickOf } from '../../bot/shared-digests.ts';
import { SharedOutbox } from '../../bot/shared-outbox.ts';
import { PostgresStateStore } from '../../bot/state-store-postgres.ts';
import type { Run, Subscription } from '../../bot/state-store.ts';
import type { OutMessage } from '../../handlers/reply.ts';
import { NO_FILTER } from '../../knowledge/digests/subscription-filter.ts';
import { migrate } from '../../knowledge/store/migrate.ts';
import { testPool, usePostgres } from '../helpers/postgres.ts';

const db = usePostgres();
const quiet = createLogger('silent');

interface Sent {
  chatId: number;
  html: string;
  at: number;
  by: string;
}

/** One Bot API seen by every instance: records what it accepted and when, and fails on cue. */
class FakeTelegram {
  readonly accepted: Sent[] = [];
  /** When the last 429 was answered. */
  rateLimitedAt = 0;
  private readonly plans = new Map<number, Error[]>();
  hang: ((chatId: number) => boolean) | undefined;

  failNext(chatId: number, ...errors: Error[]): void {
    this.plans.set(chatId, [...(this.plans.get(chatId) ?? []), ...errors]);
  }

  sender(by: string): Sender {
    return {
      send: async (chatId: number, message: OutMessage) => {
        const at = Date.now();
        if (this.hang?.(chatId)) await new Promise(() => undefined);
        await new Promise((r) => setTimeout(r, 3));
        const error = this.plans.get(chatId)?.shift();
        if (error) {
          if (error instanceof TelegramError && error.code === 429) this.rateLimitedAt = Date.now();
          throw error;
        }
        this.accepted.push({ chatId, html: message.html, at, by });
      },
    };
  }

  to(chatId: number): Sent[] {
    return this.accepted.filter((s) => s.chatId === chatId);
  }

  /** Most messages accepted in any window of `ms`. */
  peak(ms: number): number {
    const times = this.accepted.map((s) => s.at).sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= ms) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  }
}

const telegramError = (code: number, description: string, parameters?: Record<string, number>): TelegramError =>
  new TelegramError({ error_code: code, description, ...(parameters ? { parameters } : {}) });

const pools: pg.Pool[] = [];
const stores: PostgresStateStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  // A pool whose instance "died" still lends out its hung client: do not wait for it.
  await Promise.all(pools.map((p) => Promise.race([p.end(), new Promise((r) => setTimeout(r, 1000))])));
});

/** An instance: its own pool and store, as a separate process would have. */
async function instance(url: string): Promise<PostgresStateStore> {
  const pool = testPool(url, 6);
  pools.push(pool);
  const store = new PostgresStateStore(pool, url, quiet);
  await store.open();
  stores.push(store);
  return store;
}

async function fresh(): Promise<string> {
  const url = await db.another();
  const pool = testPool(url, 1);
  await migrate(pool);
  await pool.end();
  return url;
}

const sub = (chatId: number, chatType: Subscription['chatType'] = 'private'): Subscription => ({
  chatId,
  chatType,
  filter: NO_FILTER,
  cursor: 0,
  active: true,
  since: '2026-11-30T01:00:00.000Z',
});

function runFor(id: string, chats: number[], digest = 'dg'): Run {
  return {
    id,
    reason: 'scheduled',
    startedAt: new Date().toISOString(),
    uptoSeq: 9,
    nothingNew: [],
    deliveries: chats.map((chatId) => ({ chatId, digest, uptoSeq: 9, sentParts: 0, status: 'pending' as const, attempts: 0 })),
  };
}

async function seed(store: PostgresStateStore, chats: number[], parts: number, chatType: Subscription['chatType'] = 'private'): Promise<string> {
  for (const c of chats) store.subscribe(sub(c, chatType));
  await store.settle();
  const messages = Array.from({ length: parts }, (_, i) => ({ html: `摘要 第 ${i + 1} 部分` }));
  const { runId } = await store.createRun({ run: runFor('r-seed', chats), digests: { dg: messages } });
  return runId;
}

async function until(check: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const runFinished = (store: PostgresStateStore, runId: string) => async (): Promise<boolean> => {
  const { rows } = await store.pool.query<{ finished_at: Date | null }>('SELECT finished_at FROM digest_runs WHERE id = $1', [runId]);
  return rows[0]?.finished_at != null;
};

const chats = (n: number, from = 1000): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('shared outbox (PostgreSQL, several instances)', () => {
  it('records one run per tick, whichever instances fire it', async () => {
    const url = await fresh();
    const [a, b, c] = [await instance(url), await instance(url), await instance(url)];
    for (const s of [1, 2, 3]) a.subscribe(sub(s));
    await a.settle();
    const tick = tickOf(new Date('2026-11-30T01:00:00.020Z'));
    expect(tickOf(new Date('2026-11-30T01:00:00.950Z'))).toBe(tick);
    const digests = { dg: [{ html: '一' }] };
    const results = await Promise.all(
      [a, b, c].map((s, i) => s.exclusiveRunCreation(() => s.createRun({ run: runFor(`r${i}`, [1, 2, 3]), digests, tick }))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.runId)).size).toBe(1);
    const { rows } = await a.pool.query<{ n: string }>('SELECT count(*) AS n FROM deliveries');
    expect(Number(rows[0]!.n)).toBe(3);
  });

  it('two instances drain one outbox: every part once, in order, ≤ 30 per second combined, ≥ 1 s apart per chat', async () => {
    const url = await fresh();
    const [a, b] = [await instance(url), await instance(url)];
    const targets = chats(45);
    const runId = await seed(a, targets, 2);
    const tg = new FakeTelegram();
    const outA = new SharedOutbox(a, tg.sender('a'), quiet, DEFAULT_LIMITS);
    const outB = new SharedOutbox(b, tg.sender('b'), quiet, DEFAULT_LIMITS);
    const t0 = Date.now();
    outA.start();
    outB.start();
    await until(runFinished(a, runId), 15_000);
    await Promise.all([outA.stop(), outB.stop()]);
    const seconds = (Date.now() - t0) / 1000;
    for (const c of targets) {
      expect(tg.to(c).map((s) => s.html)).toEqual(['摘要 第 1 部分', '摘要 第 2 部分']);
      const [p1, p2] = tg.to(c);
      expect(p2!.at - p1!.at).toBeGreaterThanOrEqual(990);
    }
    expect(tg.accepted).toHaveLength(90);
    // Both took part; together they never beat Telegram's limit.
    expect(new Set(tg.accepted.map((s) => s.by))).toEqual(new Set(['a', 'b']));
    expect(tg.peak(1000)).toBeLessThanOrEqual(30);
    // How near the limit they come is for `npm run bench` to say; here only that it is not a trickle.
    expect(90 / seconds).toBeGreaterThan(5);
    const totals = await a.pool.query<{ messages_sent: string; digests_delivered: string }>('SELECT * FROM state_totals');
    expect(totals.rows[0]).toMatchObject({ messages_sent: '90', digests_delivered: '45' });
    const cursors = await a.pool.query<{ cursor: string }>('SELECT DISTINCT cursor FROM subscriptions');
    expect(cursors.rows).toEqual([{ cursor: '9' }]);
  }, 30_000);

  it('a 429 pauses every instance; a 403 unsubscribes the chat; a 5xx is retried; a refusal is deferred', async () => {
    const url = await fresh();
    const [a, b] = [await instance(url), await instance(url)];
    const targets = chats(12);
    const runId = await seed(a, targets, 1);
    const tg = new FakeTelegram();
    tg.failNext(1003, telegramError(429, 'Too Many Requests: retry after 1', { retry_after: 1 }));
    tg.failNext(1005, telegramError(403, 'Forbidden: bot was blocked by the user'));
    tg.failNext(1007, telegramError(502, 'Bad Gateway'));
    tg.failNext(1009, telegramError(400, 'Bad Request: message is too long'));
    const limits: BroadcastLimits = { ...DEFAULT_LIMITS, retryDelaysMs: [50, 100] };
    const outA = new SharedOutbox(a, tg.sender('a'), quiet, limits);
    const outB = new SharedOutbox(b, tg.sender('b'), quiet, limits);
    const t0 = Date.now();
    outA.start();
    outB.start();
    await until(runFinished(a, runId), 15_000);
    await Promise.all([outA.stop(), outB.stop()]);
    const retried = tg.to(1003)[0]!;
    expect(retried.at - t0).toBeGreaterThanOrEqual(1000);
    // Nothing went out from either instance during the 1 s pause (retry_after), beyond what was already on its
    // way when the 429 came: the other instance learns of the pause from the database, so a send it had started
    // or slotted in the moments before may still go (150 ms on a busy machine). After the pause the refused
    // message goes out again, but across instances not necessarily first: each instance resumes its own batch.
    const pauseEnds = tg.rateLimitedAt + 1000;
    const during = tg.accepted.filter((s) => s.at > tg.rateLimitedAt + 150 && s.at < pauseEnds);
    expect(during.map((s) => `${s.by} +${s.at - tg.rateLimitedAt} ms`)).toEqual([]);
    expect(retried.at).toBeGreaterThanOrEqual(pauseEnds);
    expect(tg.to(1005)).toEqual([]);
    expect(tg.to(1007)).toHaveLength(1);
    expect(tg.to(1009)).toEqual([]);
    for (const c of targets.filter((x) => ![1005, 1009].includes(x))) expect(tg.to(c)).toHaveLength(1);
    const statuses = await a.pool.query<{ chat_id: string; status: string }>(`SELECT chat_id, status FROM deliveries WHERE status <> 'sent' ORDER BY chat_id`);
    expect(statuses.rows).toEqual([
      { chat_id: '1005', status: 'dropped' },
      { chat_id: '1009', status: 'deferred' },
    ]);
    await until(() => a.subscription(1005)?.active === false && b.subscription(1005)?.active === false, 2000);
    expect(b.subscription(1005)?.endedReason).toMatch(/blocked/);
    const totals = await a.pool.query('SELECT messages_sent, unsubscribed_by_telegram, deferrals FROM state_totals');
    expect(totals.rows[0]).toEqual({ messages_sent: '10', unsubscribed_by_telegram: '1', deferrals: '1' });
  }, 30_000);

  it('when an instance dies mid-batch, another sends what it had not committed, and only that goes twice', async () => {
    const url = await fresh();
    const [a, b] = [await instance(url), await instance(url)];
    const targets = chats(30);
    const runId = await seed(a, targets, 1);
    const tg = new FakeTelegram();
    // Instance A hangs on a send in its first batch, its other sends accepted: the moment of a kill -9.
    let hung = false;
    const senderA = tg.sender('a');
    const dying: Sender = {
      async send(chatId, message) {
        if (chatId === 1002) {
          hung = true;
          await new Promise(() => undefined);
        }
        return senderA.send(chatId, message);
      },
    };
    const outA = new SharedOutbox(a, dying, quiet, DEFAULT_LIMITS);
    outA.start();
    await until(() => hung, 5000);
    await new Promise((r) => setTimeout(r, 300));
    const beforeKill = tg.accepted.length;
    expect(beforeKill).toBeGreaterThan(0);
    // The kill: the server ends A's sessions, as when its process and sockets vanish.
    await b.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
    );
    const outB = new SharedOutbox(b, tg.sender('b'), quiet, DEFAULT_LIMITS);
    outB.start();
    await until(runFinished(b, runId), 15_000);
    await outB.stop();
    void outA.stop();
    for (const c of targets) expect(tg.to(c).length).toBeGreaterThanOrEqual(1);
    const twice = targets.filter((c) => tg.to(c).length > 1);
    // Only what A had in flight (its batch) may have gone twice.
    expect(twice.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxInFlight);
    // Everything A got through went twice, since A never committed its batch. Counted at the end:
    // on a busy machine A's last sends of the batch may land after beforeKill was read.
    const byA = tg.accepted.filter((s) => s.by === 'a').length;
    expect(byA).toBeGreaterThanOrEqual(beforeKill);
    expect(twice.length).toBe(byA);
    expect(tg.accepted.length).toBe(targets.length + twice.length);
  }, 30_000);

  it('paces a group at its 20 per minute, across instances', async () => {
    const url = await fresh();
    const [a, b] = [await instance(url), await instance(url)];
    const runId = await seed(a, [-100500], 2, 'supergroup');
    const tg = new FakeTelegram();
    const outA = new SharedOutbox(a, tg.sender('a'), quiet, DEFAULT_LIMITS);
    const outB = new SharedOutbox(b, tg.sender('b'), quiet, DEFAULT_LIMITS);
    outA.start();
    outB.start();
    await until(runFinished(a, runId), 10_000);
    await Promise.all([outA.stop(), outB.stop()]);
    const [p1, p2] = tg.to(-100500);
    expect(p2!.at - p1!.at).toBeGreaterThanOrEqual(2990);
  }, 20_000);
});

describe('shared outbox housekeeping', () => {
  it('keeps the last five finished runs and the digests they use, as the files do', async () => {
    const url = await fresh();
    const store = await instance(url);
    store.subscribe(sub(1));
    await store.settle();
    for (let i = 1; i <= 7; i++) {
      await store.createRun({ run: { ...runFor(`old${i}`, [1], `d${i}`), startedAt: new Date(Date.UTC(2026, 10, i)).toISOString() }, digests: { [`d${i}`]: [{ html: `第 ${i} 期` }] } });
      await store.pool.query(`UPDATE deliveries SET status = 'sent' WHERE run_id = $1`, [`old${i}`]);
      await store.finishDoneRuns();
    }
    const runs = await store.pool.query<{ id: string }>('SELECT id FROM digest_runs ORDER BY id');
    expect(runs.rows.map((r) => r.id)).toEqual(['old3', 'old4', 'old5', 'old6', 'old7']);
    const digests = await store.pool.query<{ key: string }>('SELECT key FROM digests ORDER BY key');
    expect(digests.rows.map((r) => r.key)).toEqual(['d3', 'd4', 'd5', 'd6', 'd7']);
  });
});
