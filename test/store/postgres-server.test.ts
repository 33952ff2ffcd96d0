import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.ts';
import { startPostgres, testPool, usePostgres } from '../helpers/postgres.ts';

const db = usePostgres();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the test PostgreSQL', () => {
  it('is a real server: one session holding an advisory lock keeps it from another', async () => {
    const pool = testPool(db.url, 2);
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      const { rows } = await a.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      expect(rows[0]!.v).toMatch(/^18\./);
      expect((await a.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(42) AS ok')).rows[0]!.ok).toBe(true);
      expect((await b.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(42) AS ok')).rows[0]!.ok).toBe(false);
      await a.query('SELECT pg_advisory_unlock(42)');
      expect((await b.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(42) AS ok')).rows[0]!.ok).toBe(true);
    } finally {
      a.release();
      b.release();
      await pool.end();
    }
  });

  it('gives each file its own database', async () => {
    const other = await db.another();
    expect(other).not.toBe(db.url);
    const pool = testPool(other, 1);
    await pool.query('CREATE TABLE t (x int)');
    await pool.end();
    const mine = testPool(db.url, 1);
    const { rows } = await mine.query(`SELECT to_regclass('t') AS t`);
    expect(rows[0]).toEqual({ t: null });
    await mine.end();
  });

  it.skipIf(Boolean(process.env.DATABASE_URL))('ends the postmaster a SIGKILLed test process left behind, at the next start', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/store/fixtures/orphan-postgres.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`orphan script exited ${code}`)));
    });
    const { pid } = JSON.parse(line) as { pid: number };
    child.stdout.destroy();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(alive(pid)).toBe(true);
    const next = await startPostgres();
    try {
      const deadline = Date.now() + 5_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(alive(pid)).toBe(false);
    } finally {
      await next.stop();
    }
  }, 60_000);
});
