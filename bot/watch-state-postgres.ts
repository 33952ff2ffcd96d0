import type pg from 'pg';
import { inTransaction } from '../knowledge/store/migrate.ts';
import { freshStatus, SourceStatus } from '../knowledge/watch/decide.ts';
import { WatchSource } from '../knowledge/watch/sources.ts';
import type { SourceRecord, WatchContents, WatchStateStore } from './watch-state.ts';

/** What a migration compares between watch.json and the database. */
export interface WatchCounts {
  sources: number;
  seen: number;
  added: number;
  removed: number;
}

/**
 * The watcher's memory in PostgreSQL (the lowdb twin is LowdbWatchState).
 * Every write is committed when its promise resolves, as the interface asks.
 */
export class PostgresWatchState implements WatchStateStore {
  constructor(private readonly pool: pg.Pool) {}

  async open(): Promise<void> {
    await this.pool.query('SELECT 1 FROM watch_sources LIMIT 1');
  }

  async close(): Promise<void> {}

  async read(key: string): Promise<SourceRecord> {
    const [status, seen] = await Promise.all([
      this.pool.query<{ status: unknown }>('SELECT status FROM watch_sources WHERE key = $1', [key]),
      this.pool.query<{ url: string }>('SELECT url FROM watch_seen WHERE key = $1', [key]),
    ]);
    const row = status.rows[0];
    return { status: row ? SourceStatus.parse(row.status) : freshStatus(), seen: new Set(seen.rows.map((r) => r.url)) };
  }

  async markSeen(key: string, urls: readonly string[]): Promise<void> {
    if (!urls.length) return;
    await this.pool.query('INSERT INTO watch_seen (key, url) SELECT $1, u FROM unnest($2::text[]) AS u ON CONFLICT DO NOTHING', [key, [...new Set(urls)]]);
  }

  async saveStatus(key: string, status: SourceStatus): Promise<void> {
    await this.pool.query('INSERT INTO watch_sources (key, status) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET status = EXCLUDED.status', [
      key,
      JSON.stringify(status),
    ]);
  }

  async addedSources(): Promise<WatchSource[]> {
    const { rows } = await this.pool.query<{ source: unknown }>('SELECT source FROM watch_added ORDER BY added');
    return rows.map((r) => WatchSource.parse(r.source));
  }

  async removedKeys(): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>('SELECT key FROM watch_removed ORDER BY key');
    return rows.map((r) => r.key);
  }

  async addSource(key: string, source: WatchSource): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      // Added again, it moves to the end, as in the lowdb store.
      await c.query('DELETE FROM watch_added WHERE key = $1', [key]);
      await c.query('INSERT INTO watch_added (key, source) VALUES ($1, $2)', [key, JSON.stringify(source)]);
      await c.query('DELETE FROM watch_removed WHERE key = $1', [key]);
    });
  }

  /**
   * Copies the lowdb watcher's memory into this database, which must hold
   * none yet: with it, a migrated deployment goes on from what it had seen
   * instead of taking every source's list as a new baseline. Returns the
   * counts found here afterwards, for the caller to compare.
   */
  async importState(from: WatchContents): Promise<WatchCounts> {
    await inTransaction(this.pool, async (c) => {
      const { rows } = await c.query<{ n: string }>(
        'SELECT (SELECT count(*) FROM watch_sources) + (SELECT count(*) FROM watch_seen) + (SELECT count(*) FROM watch_added) + (SELECT count(*) FROM watch_removed) AS n',
      );
      if (Number(rows[0]!.n) > 0) throw new Error('the database already holds watcher state; migrate into an empty one');
      const keys = Object.keys(from.sources);
      if (keys.length) {
        await c.query('INSERT INTO watch_sources (key, status) SELECT * FROM unnest($1::text[], $2::json[])', [
          keys,
          keys.map((k) => JSON.stringify(from.sources[k]!.status)),
        ]);
      }
      const seen = keys.flatMap((k) => [...new Set(from.sources[k]!.seen)].map((url) => [k, url] as const));
      if (seen.length) {
        await c.query('INSERT INTO watch_seen (key, url) SELECT * FROM unnest($1::text[], $2::text[])', [seen.map(([k]) => k), seen.map(([, u]) => u)]);
      }
      // One row at a time: `added` is a bigserial, and the order of addition is what addedSources() returns.
      for (const a of from.added) await c.query('INSERT INTO watch_added (key, source) VALUES ($1, $2)', [a.key, JSON.stringify(a.source)]);
      if (from.removed.length) await c.query('INSERT INTO watch_removed (key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [from.removed]);
    });
    return this.counts();
  }

  async counts(): Promise<WatchCounts> {
    const { rows } = await this.pool.query<Record<keyof WatchCounts, string>>(
      `SELECT (SELECT count(*) FROM watch_sources) AS sources, (SELECT count(*) FROM watch_seen) AS seen,
              (SELECT count(*) FROM watch_added) AS added, (SELECT count(*) FROM watch_removed) AS removed`,
    );
    const r = rows[0]!;
    return { sources: Number(r.sources), seen: Number(r.seen), added: Number(r.added), removed: Number(r.removed) };
  }

  async removeSource(key: string): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('DELETE FROM watch_added WHERE key = $1', [key]);
      await c.query('INSERT INTO watch_removed (key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
      // A source added again later starts with a new baseline, not with news from the gap.
      await c.query('DELETE FROM watch_sources WHERE key = $1', [key]);
      await c.query('DELETE FROM watch_seen WHERE key = $1', [key]);
    });
  }
}
