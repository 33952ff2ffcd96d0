import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.ts';
import { PostgresStateStore } from '../../bot/state-store-postgres.ts';
import { StateStore, type Run, type Subscription, type SubscriptionStore } from '../../bot/state-store.ts';
import type { OutMessage } from '../../handlers/reply.ts';
import { NO_FILTER, type DigestFilter } from '../../knowledge/digests/subscription-filter.ts';
import { migrate } from '../../knowledge/store/migrate.ts';
import { testPool, usePostgres } from '../helpers/postgres.ts';

const db = usePostgres();
const quiet = createLogger('silent');

/** What both state stores promise, seen from outside; writes are awaited where the store is asynchronous. */
interface Handle {
  subscribe(sub: Subscription): Promise<void>;
  unsubscribe(chatId: number, reason: string): Promise<void>;
  subscription(chatId: number): Subscription | undefined;
  active(): number[];
  record(run: Run, digests: Record<string, OutMessage[]>): Promise<void>;
  deliveryStatus(runId: string, chatId: number): Promise<string | undefined>;
  /** The same storage opened again, as after a restart (or by another instance). */
  reopen(): Promise<Handle>;
  close(): Promise<void>;
}

/** The SubscriptionStore part, the same for both: writes are awaited through `settle`. */
function subscriptions(store: SubscriptionStore, settle: () => Promise<void>): Pick<Handle, 'subscribe' | 'unsubscribe' | 'subscription' | 'active'> {
  return {
    async subscribe(s) {
      store.subscribe(s);
      await settle();
    },
    async unsubscribe(c, r) {
      store.unsubscribe(c, r);
      await settle();
    },
    subscription: (c) => store.subscription(c),
    active: () =>
      store
        .activeSubscriptions()
        .map((s) => s.chatId)
        .sort((a, b) => a - b),
  };
}

function lowdbHandle(dir: string, store: StateStore): Handle {
  return {
    ...subscriptions(store, async () => undefined),
    record: async (run, digests) => store.startRun(run, digests),
    deliveryStatus: async (runId, chatId) => store.run(runId)?.deliveries.find((d) => d.chatId === chatId)?.status,
    async reopen() {
      await store.close();
      const again = new StateStore(dir);
      await again.open();
      return lowdbHandle(dir, again);
    },
    close: () => store.close(),
  };
}

const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

async function pgHandle(url: string): Promise<Handle> {
  const pool = testPool(url, 4);
  pools.push(pool);
  const store = new PostgresStateStore(pool, url, quiet);
  await store.open();
  return {
    ...subscriptions(store, () => store.settle()),
    record: async (run, digests) => void (await store.createRun({ run, digests })),
    async deliveryStatus(runId, chatId) {
      const { rows } = await pool.query<{ status: string }>('SELECT status FROM deliveries WHERE run_id = $1 AND chat_id = $2', [runId, chatId]);
      return rows[0]?.status;
    },
    async reopen() {
      await store.close();
      return pgHandle(url);
    },
    close: () => store.close(),
  };
}

const implementations: Array<[string, () => Promise<Handle>]> = [
  [
    'lowdb',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cw-state-'));
      const store = new StateStore(dir);
      await store.open();
      return lowdbHandle(dir, store);
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await db.another();
      const pool = testPool(url, 1);
      await migrate(pool);
      await pool.end();
      return pgHandle(url);
    },
  ],
];

const sub = (chatId: number, filter: DigestFilter = NO_FILTER, chatType: Subscription['chatType'] = 'private'): Subscription => ({
  chatId,
  chatType,
  filter,
  cursor: 3,
  active: true,
  since: '2026-11-30T01:00:00.000Z',
});

const message = (html: string): OutMessage => ({ html });

describe.each(implementations)('state store contract: %s', (_name, make) => {
  it('keeps subscriptions, changed filters and endings across a restart', async () => {
    let h = await make();
    await h.subscribe(sub(1));
    await h.subscribe(sub(-1002, NO_FILTER, 'supergroup'));
    await h.subscribe(sub(3));
    const filter: DigestFilter = { ...NO_FILTER, provinces: ['JL'] };
    await h.subscribe({ ...sub(1, filter), cursor: 7 });
    await h.unsubscribe(3, '用户退订');
    h = await h.reopen();
    expect(h.active()).toEqual([-1002, 1]);
    expect(h.subscription(1)).toEqual({ ...sub(1, filter), cursor: 7 });
    expect(h.subscription(-1002)?.chatType).toBe('supergroup');
    expect(h.subscription(3)).toMatchObject({ active: false, endedReason: '用户退订' });
    expect(h.subscription(3)?.endedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(h.subscription(99)).toBeUndefined();
    await h.close();
  });

  it('renewing an ended subscription clears how it ended', async () => {
    const h = await make();
    await h.subscribe(sub(5));
    await h.unsubscribe(5, '用户退订');
    await h.subscribe(sub(5));
    const again = await h.reopen();
    expect(again.subscription(5)).toEqual(sub(5));
    await again.close();
  });

  it('drops what a run still owed a chat that unsubscribed, and keeps the rest', async () => {
    const h = await make();
    await h.subscribe(sub(1));
    await h.subscribe(sub(2));
    const run: Run = {
      id: 'r1',
      reason: 'manual',
      startedAt: '2026-11-30T01:00:00.000Z',
      uptoSeq: 4,
      nothingNew: [],
      deliveries: [1, 2].map((chatId) => ({ chatId, digest: 'd1', uptoSeq: 4, sentParts: 0, status: 'pending' as const, attempts: 0 })),
    };
    await h.record(run, { d1: [message('<b>新通告</b>')] });
    await h.unsubscribe(2, '用户退订');
    expect(await h.deliveryStatus('r1', 1)).toBe('pending');
    expect(await h.deliveryStatus('r1', 2)).toBe('dropped');
    const again = await h.reopen();
    expect(await again.deliveryStatus('r1', 2)).toBe('dropped');
    await again.close();
  });
});

describe('PostgreSQL state store across instances', () => {
  it('shows a subscription made on one instance to another within a second', async () => {
    const url = await db.another();
    const pool = testPool(url, 1);
    await migrate(pool);
    await pool.end();
    const a = await pgHandle(url);
    const b = await pgHandle(url);
    const t0 = Date.now();
    await a.subscribe(sub(42));
    while (!b.subscription(42) && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 10));
    expect(b.subscription(42)).toEqual(sub(42));
    expect(Date.now() - t0).toBeLessThan(1000);
    await a.unsubscribe(42, '用户退订');
    while (b.subscription(42)?.active && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
    expect(b.subscription(42)?.active).toBe(false);
    await a.close();
    await b.close();
  });
});
