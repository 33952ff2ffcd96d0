import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../knowledge/store/migrate.ts';
import { testPool, usePostgres } from '../helpers/postgres.ts';

const db = usePostgres();

describe('migrations', () => {
  it('are numbered without gaps', async () => {
    const all = await readMigrations();
    expect(all.map((m) => m.version)).toEqual(all.map((_, i) => i + 1));
    expect(all[0]!.name).toBe('001_knowledge.sql');
  });

  it('apply once when several instances start together, and not again at the next start', async () => {
    const url = await db.another();
    const pools = [testPool(url, 2), testPool(url, 2), testPool(url, 2), testPool(url, 2)];
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      const all = (await readMigrations()).map((m) => m.name);
      // Exactly one instance applied each file; the others found it done.
      expect(results.flat().sort()).toEqual(all);
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
      const { rows } = await pools[0]!.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.name)).toEqual(all);
      expect(await migrate(pools[1]!)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('stop at a failing file, leaving the ones before it applied and nothing of it', async () => {
    const url = await db.another();
    const dir = await mkdtemp(join(tmpdir(), 'cw-migrations-'));
    await writeFile(join(dir, '001_a.sql'), 'CREATE TABLE a (x int);');
    await writeFile(join(dir, '002_b.sql'), 'CREATE TABLE b (x int); SELECT no_such_function();');
    const pool = testPool(url, 1);
    try {
      await expect(migrate(pool, dir)).rejects.toThrow(/002_b\.sql failed/);
      const { rows } = await pool.query(`SELECT to_regclass('a')::text AS a, to_regclass('b')::text AS b`);
      expect(rows[0]).toEqual({ a: 'a', b: null });
      await writeFile(join(dir, '002_b.sql'), 'CREATE TABLE b (x int);');
      expect(await migrate(pool, dir)).toEqual(['002_b.sql']);
    } finally {
      await pool.end();
    }
  });

  it('refuse a database a newer release has migrated', async () => {
    const url = await db.another();
    const pool = testPool(url, 1);
    try {
      await migrate(pool);
      await pool.query(`INSERT INTO schema_migrations (version, name) VALUES (99, '099_future.sql')`);
      await expect(migrate(pool)).rejects.toThrow(/version 99/);
    } finally {
      await pool.end();
    }
  });
});
