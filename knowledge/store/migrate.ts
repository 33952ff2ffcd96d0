import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT } from '../paths.ts';

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

/** Held for the whole run of migrations, so instances starting together apply each file once, in order. */
const MIGRATION_LOCK = 7_424_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `migrations/NNN_name.sql`, in number order; a gap or a repeated number is a mistake worth stopping for. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3,}_[\w-]+\.sql$/.test(f)).sort();
  const migrations = await Promise.all(
    files.map(async (name) => ({ version: Number(name.split('_')[0]), name, sql: await readFile(join(dir, name), 'utf8') })),
  );
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations: expected number ${i + 1}, found ${m.name}`);
  });
  return migrations;
}

/**
 * A pool whose idle clients may be cut off by the server (a restart, a
 * failover, an admin ending sessions: 57P01) without taking the process
 * down: pg emits those as 'error' events on the pool, and an unhandled
 * 'error' event kills Node. The next query reconnects.
 */
export function openPool(connectionString: string, options: { max?: number; onError?: (e: Error) => void; allowExitOnIdle?: boolean } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, allowExitOnIdle: options.allowExitOnIdle ?? false });
  pool.on('error', (e) => options.onError?.(e));
  return pool;
}

/**
 * Lends a client for `work`. A session the server ends while it is lent
 * (57P01, a failover) errors on the client rather than the pool, and an
 * unheard 'error' event kills Node: it is heard here, the work's next query
 * fails instead, and the broken client is destroyed rather than reused.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (e: Error): void => {
    broken = e;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } finally {
    client.off('error', onError);
    client.release(broken ?? false);
  }
}

/** Runs `work` in one transaction on a lent client: committed if it returns, rolled back if it throws. */
export function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query(begin);
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  });
}

/**
 * Applies the migrations not yet applied, each in its own transaction,
 * under a session advisory lock: a second instance starting at the same
 * moment waits, then finds nothing left to do. Returns the names applied.
 */
export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const applied: string[] = [];
  await withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await applyAll(client, migrations, applied);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  });
  return applied;
}

/** The migration bookkeeping and each file not yet applied; the caller holds the lock. */
async function applyAll(client: pg.PoolClient, migrations: readonly Migration[], applied: string[]): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => r.version));
  const newest = Math.max(0, ...done);
  if (newest > migrations.length) {
    // A newer release migrated this database: running older code on it could undo or misread its changes.
    throw new Error(`database schema is version ${newest}, this release knows up to ${migrations.length}: upgrade the bot`);
  }
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await client.query('BEGIN');
    try {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
    }
    applied.push(m.name);
  }
}
