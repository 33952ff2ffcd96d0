import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.ts';
import { whileLeader } from '../../bot/leadership.ts';
import { PostgresWatchState } from '../../bot/watch-state-postgres.ts';
import { LowdbWatchState, type WatchStateStore } from '../../bot/watch-state.ts';
import { migrate } from '../../knowledge/store/migrate.ts';
import { freshStatus } from '../../knowledge/watch/decide.ts';
import { testPool, usePostgres } from '../helpers/postgres.ts';

const db = usePostgres();
const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

/** A store, and the same storage opened again (a restart, or another instance). */
interface Pair {
  store: WatchStateStore;
  reopen(): Promise<WatchStateStore>;
}

const implementations: Array<[string, () => Promise<Pair>]> = [
  [
    'lowdb',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cw-watch-'));
      const store = new LowdbWatchState(dir);
      await store.open();
      return {
        store,
        async reopen() {
          await store.close();
          const again = new LowdbWatchState(dir);
          await again.open();
          return again;
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await db.another();
      const pool = testPool(url, 3);
      pools.push(pool);
      await migrate(pool);
      const store = new PostgresWatchState(pool);
      await store.open();
      return {
        store,
        async reopen() {
          const other = testPool(url, 2);
          pools.push(other);
          const again = new PostgresWatchState(other);
          await again.open();
          return again;
        },
      };
    },
  ],
];

const SOURCE = { name: '吉林省通信管理局 公告', url: 'https://jlca.example.gov.cn/gg/', verified: true };
const OTHER = { name: '某省通信管理局 通知', url: 'https://xxca.example.gov.cn/tz/', links: '/tz/\\d+', verified: false };

describe.each(implementations)('watch state contract: %s', (_name, make) => {
  it('remembers what was seen and each source\u2019s status, across a reopen', async () => {
    const { store, reopen } = await make();
    expect(await store.read('k1')).toEqual({ status: freshStatus(), seen: new Set() });
    await store.markSeen('k1', ['https://a/1.html', 'https://a/2.html', 'https://a/1.html']);
    await store.markSeen('k1', ['https://a/3.html']);
    await store.markSeen('k2', ['https://b/1.html']);
    const status = { ...freshStatus(), baselined: true, itemsSeen: 3, etag: '"abc"', lastCheckAt: '2026-11-30T02:00:00.000Z' };
    await store.saveStatus('k1', status);
    const again = await reopen();
    const k1 = await again.read('k1');
    expect(k1.status).toEqual(status);
    expect([...k1.seen].sort()).toEqual(['https://a/1.html', 'https://a/2.html', 'https://a/3.html']);
    expect([...(await again.read('k2')).seen]).toEqual(['https://b/1.html']);
  });

  it('keeps added sources in order, and a removed one forgets its memory', async () => {
    const { store, reopen } = await make();
    await store.addSource('s1', SOURCE);
    await store.addSource('s2', OTHER);
    await store.markSeen('s1', ['https://jlca.example.gov.cn/gg/1.html']);
    await store.saveStatus('s1', { ...freshStatus(), baselined: true });
    await store.removeSource('s1');
    await store.removeSource('shipped-1');
    const again = await reopen();
    expect(await again.addedSources()).toEqual([OTHER]);
    expect((await again.removedKeys()).sort()).toEqual(['s1', 'shipped-1']);
    expect(await again.read('s1')).toEqual({ status: freshStatus(), seen: new Set() });
    await again.addSource('s1', SOURCE);
    expect(await again.addedSources()).toEqual([OTHER, SOURCE]);
    expect(await again.removedKeys()).toEqual(['shipped-1']);
  });
});

describe('one watcher across instances', () => {
  it('leads on one instance at a time, hands over when the leader\u2019s session dies or it stops', async () => {
    const url = await db.another();
    const quiet = createLogger('silent');
    const leading: string[] = [];
    let most = 0;
    const make = (name: string) =>
      whileLeader(
        url,
        99,
        async () => {
          leading.push(name);
          most = Math.max(most, leading.length);
          return async () => void leading.splice(leading.indexOf(name), 1);
        },
        quiet,
        100,
      );
    const stops: Record<string, () => Promise<void>> = { a: make('a') };
    await new Promise((r) => setTimeout(r, 300));
    stops['b'] = make('b');
    await new Promise((r) => setTimeout(r, 500));
    expect(leading).toEqual(['a']);
    const pool = testPool(url, 1);
    pools.push(pool);
    // The leader's connection dies (a failover, an admin, a network cut): it stops leading, and someone leads again.
    const killed = await pool.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objid = 99 AND l.granted AND l.pid <> pg_backend_pid()`,
    );
    expect(killed.rows).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(leading).toHaveLength(1);
    // The leader shuts down: the other takes over.
    const leader = leading[0]!;
    await stops[leader]!();
    const t0 = Date.now();
    while (leading.length === 0 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    expect(leading).toEqual([leader === 'a' ? 'b' : 'a']);
    expect(most).toBe(1);
    await stops[leader === 'a' ? 'b' : 'a']!();
    expect(leading).toEqual([]);
  });
});
