import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestText } from '../../knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { migrate } from '../../knowledge/store/migrate.ts';
import { PostgresKnowledgeStore } from '../../knowledge/store/postgres.ts';
import { emptyKnowledge, LowdbKnowledgeStore, type KnowledgeStore } from '../../knowledge/store/store.ts';
import { testPool, usePostgres } from '../helpers/postgres.ts';
import { FIXTURES, readShipped } from '../helpers/knowledge.ts';

const db = usePostgres();

/** Two handles on one store, as two processes (or two instances) would hold them. */
interface Pair {
  a: KnowledgeStore;
  b: KnowledgeStore;
  /** Shortest watch interval the implementation honours, for quick tests. */
  watchMs: number;
}

const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

const implementations: Array<[string, () => Promise<Pair>]> = [
  [
    'lowdb',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cw-kstore-'));
      return { a: new LowdbKnowledgeStore(dir), b: new LowdbKnowledgeStore(dir), watchMs: 50 };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await db.another();
      const pa = testPool(url, 4);
      const pb = testPool(url, 4);
      pools.push(pa, pb);
      await migrate(pa);
      return { a: new PostgresKnowledgeStore(pa, url), b: new PostgresKnowledgeStore(pb, url), watchMs: 1000 };
    },
  ],
];

const text = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const NOW = new Date('2026-03-01T08:00:00Z');

async function until(check: () => boolean, ms: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

describe.each(implementations)('knowledge store contract: %s', (_name, make) => {
  it('starts empty', async () => {
    const { a } = await make();
    expect(await a.load()).toEqual(emptyKnowledge());
  });

  it('gives back what ingestion stored, to another handle too, in the same order', async () => {
    const { a, b } = await make();
    await ingestText(a, readShipped('000'), 'knowledge/sources/000.txt', NOW);
    await ingestText(b, text('quarterly-provincial.txt'), 'quarterly-provincial.txt', NOW);
    await ingestText(a, readShipped('001'), 'knowledge/sources/001.txt', NOW);
    const loaded = await b.load();
    expect(loaded.seq).toBe(3);
    expect(loaded.bulletins.map((x) => x.sourceFile)).toEqual(['knowledge/sources/000.txt', 'quarterly-provincial.txt', 'knowledge/sources/001.txt']);
    expect(loaded.facts.length).toBeGreaterThan(20);
    // Facts follow their bulletins, each bulletin's in the order the parser gave them.
    const firstOf = loaded.bulletins.map((x) => loaded.facts.findIndex((f) => f.bulletinId === x.id));
    expect([...firstOf].sort((p, q) => p - q)).toEqual(firstOf);
    expect(await a.load()).toEqual(loaded);
    const kb = new KnowledgeBase(loaded);
    expect(kb.index.size).toBe(loaded.facts.length);
  });

  it('replaces a bulletin ingested again in a corrected version, dropping its old facts', async () => {
    const { a } = await make();
    const original = text('quarterly-provincial.txt');
    await ingestText(a, original, 'q.txt', NOW);
    const first = await a.load();
    const corrected = original.replace(/\n([^\n]*\d[^\n]*)\n/, '\n$1(更正)\n');
    expect(corrected).not.toBe(original);
    const again = await ingestText(a, corrected, 'q.txt', NOW);
    expect(again.outcome.status).not.toBe('unchanged');
    const second = await a.load();
    expect(second.bulletins).toHaveLength(first.bulletins.length);
    expect(second.facts.every((f) => second.bulletins.some((x) => x.id === f.bulletinId))).toBe(true);
    expect(second.seq).toBe(first.seq + 1);
  });

  it('saves nothing when the change function says nothing changed, or throws', async () => {
    const { a } = await make();
    await a.update((d) => {
      d.seq = 5;
    });
    const r = await a.update(
      (d) => {
        d.seq = 99;
        return 'same';
      },
      () => false,
    );
    expect(r).toBe('same');
    await expect(
      a.update((d) => {
        d.seq = 77;
        throw new Error('parser exploded');
      }),
    ).rejects.toThrow('parser exploded');
    expect((await a.load()).seq).toBe(5);
  });

  it('loses no update when two handles write at once', async () => {
    const { a, b } = await make();
    const bump = (s: KnowledgeStore): Promise<number> =>
      s.update((d) => {
        d.seq += 1;
        return d.seq;
      });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => bump(i % 2 ? a : b)));
    expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await a.load()).seq).toBe(12);
  });

  it('tells a watcher when another handle wrote, and stops telling once stopped', async () => {
    const { a, b, watchMs } = await make();
    await a.load();
    let calls = 0;
    const stop = a.watch(() => calls++, watchMs);
    // Give the watcher its first look (a LISTEN connection, a file stat) before writing.
    await new Promise((r) => setTimeout(r, 300));
    await ingestText(b, readShipped('000'), 'knowledge/sources/000.txt', NOW);
    const ms = await until(() => calls > 0, 3000);
    expect(ms).toBeLessThan(watchMs + 1500);
    stop();
    const seen = calls;
    await new Promise((r) => setTimeout(r, 300));
    await b.update((d) => {
      d.seq += 1;
    });
    await new Promise((r) => setTimeout(r, watchMs + 500));
    expect(calls).toBe(seen);
  });

  it('keeps source texts for re-parsing', async () => {
    const { a, b } = await make();
    expect(await a.readSource('abc')).toBeUndefined();
    await a.saveSource('abc', '第一版 通告');
    await a.saveSource('abc', '第二版 通告');
    await a.saveSource('def', '另一份');
    expect(await b.readSource('abc')).toBe('第二版 通告');
    expect(await b.readSource('def')).toBe('另一份');
  });
});

describe('PostgreSQL knowledge store', () => {
  async function fresh(): Promise<{ store: PostgresKnowledgeStore; other: PostgresKnowledgeStore; pool: pg.Pool }> {
    const url = await db.another();
    const pool = testPool(url, 4);
    const otherPool = testPool(url, 2);
    pools.push(pool, otherPool);
    await migrate(pool);
    return { store: new PostgresKnowledgeStore(pool, url), other: new PostgresKnowledgeStore(otherPool, url), pool };
  }

  it('reloads only the bulletins that changed, keeping the objects of the rest', async () => {
    const { store, other, pool } = await fresh();
    await ingestText(other, readShipped('000'), 'a.txt', NOW);
    await ingestText(other, readShipped('001'), 'b.txt', NOW);
    const first = await store.load();
    const revs = async (): Promise<Record<string, string>> =>
      Object.fromEntries((await pool.query<{ id: string; rev: string }>('SELECT id, rev::text FROM knowledge_bulletins')).rows.map((r) => [r.id, r.rev]));
    const before = await revs();
    await ingestText(other, text('quarterly-provincial.txt'), 'q.txt', NOW);
    const after = await revs();
    // The new bulletin is the only row written.
    expect(Object.keys(after).filter((id) => before[id] !== after[id])).toHaveLength(1);
    const second = await store.load();
    expect(second.bulletins).toHaveLength(3);
    expect(second.bulletins[0]).toBe(first.bulletins[0]);
    expect(second.facts[0]).toBe(first.facts[0]);
    expect(second.bulletins[2]).not.toBe(first.bulletins[2]);
  });

  it('serves knowledge ingested elsewhere within a second through the knowledge base incremental reload', async () => {
    const { store, other } = await fresh();
    await ingestText(other, readShipped('000'), 'a.txt', NOW);
    let kb = new KnowledgeBase(await store.load());
    const stop = store.watch(() => {
      void store.load().then((d) => {
        kb = new KnowledgeBase(d, kb);
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await ingestText(other, text('quarterly-provincial.txt'), 'q.txt', NOW);
    await until(() => kb.bulletins.length === 2, 2000);
    stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(kb.seq).toBe(2);
  });

  it('keeps watching after the server ends its connection, and reports what was missed', async () => {
    const { store, other, pool } = await fresh();
    let calls = 0;
    const stop = store.watch(() => calls++, 100);
    await new Promise((r) => setTimeout(r, 300));
    // What an admin's pg_terminate_backend or a failover does to the LISTEN session.
    await pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
    await until(() => calls > 0, 3000);
    const afterReconnect = calls;
    await new Promise((r) => setTimeout(r, 200));
    await ingestText(other, readShipped('001'), 'b.txt', NOW);
    await until(() => calls > afterReconnect, 3000);
    stop();
  });
});
