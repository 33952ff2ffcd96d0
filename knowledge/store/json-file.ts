import { copyFile, link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
import type { z } from 'zod';

/**
 * Replaces a file whole or not at all, keeping the version it replaces as
 * PATH.bak: the new text goes to a synced temporary file, the current file
 * is hard-linked as the backup (no copy, no re-read), and the temporary file
 * is renamed over it. At every moment PATH is either the old or the new
 * version. Callers replace only files they read and validated (under their
 * lock or as the single writer), so the backup is a good copy.
 */
export async function replaceKeepingBackup(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rm(`${path}.bak`, { force: true });
  try {
    await link(path, `${path}.bak`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await rename(tmp, path);
}

/**
 * Puts the backup back in place of a damaged file. The damaged file is kept
 * beside it (PATH.damaged-TIMESTAMP) for whoever investigates, never deleted.
 */
export async function restoreBackup(path: string): Promise<string> {
  const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await copyFile(`${path}.bak`, path);
  return aside;
}

/** A data file that is unreadable or fails its schema. Names the file and says what is wrong. */
export class DamagedFileError extends Error {
  override name = 'DamagedFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export interface Migration {
  /** Version the migration upgrades from; it returns data at from + 1. */
  from: number;
  up(data: Record<string, unknown>): Record<string, unknown>;
}

export interface FileSpec<T> {
  schema: z.ZodType<T>;
  version: number;
  migrations?: readonly Migration[];
}

/**
 * A lowdb adapter that validates on read, migrates old schema versions,
 * and keeps the previous good copy as FILE.bak on every write. Writes go
 * through lowdb's steno writer: a temp file renamed over the old one, so
 * a crash leaves either the old or the new file, never half of one.
 */
export class ValidatedJsonFile<T> implements Adapter<T> {
  private readonly text: TextFile;
  readonly backupPath: string;

  constructor(
    readonly path: string,
    private readonly spec: FileSpec<T>,
  ) {
    this.text = new TextFile(path);
    this.backupPath = `${path}.bak`;
  }

  async read(): Promise<T | null> {
    const raw = await this.text.read();
    return raw === null ? null : this.decode(raw, this.path);
  }

  /** The last good copy, or null when there is none or it is damaged too. */
  async readBackup(): Promise<T | null> {
    try {
      return this.decode(await readFile(this.backupPath, 'utf8'), this.backupPath);
    } catch {
      return null;
    }
  }

  /** Replaces a damaged file with its backup; returns where the damaged one was put. */
  restoreBackup(): Promise<string> {
    return restoreBackup(this.path);
  }

  write(data: T): Promise<void> {
    return replaceKeepingBackup(this.path, JSON.stringify(data));
  }


  private decode(raw: string, path: string): T {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new DamagedFileError(path, `不是有效的 JSON(${(e as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new DamagedFileError(path, '内容不是 JSON 对象');
    }
    const migrated = migrate(json as Record<string, unknown>, this.spec, path);
    const result = this.spec.schema.safeParse(migrated);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : '(根)';
      throw new DamagedFileError(path, `不符合数据格式:${where} ${issue?.message ?? ''}`.trim());
    }
    return result.data;
  }
}

function migrate(data: Record<string, unknown>, spec: FileSpec<unknown>, path: string): Record<string, unknown> {
  let version = typeof data.schemaVersion === 'number' ? data.schemaVersion : 1;
  if (version > spec.version) {
    throw new DamagedFileError(path, `数据版本 ${version} 比本程序支持的 ${spec.version} 新,请升级程序`);
  }
  let current = data;
  while (version < spec.version) {
    const step = spec.migrations?.find((m) => m.from === version);
    if (!step) throw new DamagedFileError(path, `没有从版本 ${version} 升级的办法`);
    current = { ...step.up(current), schemaVersion: version + 1 };
    version++;
  }
  return current;
}

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 25;
const LOCK_TIMEOUT_MS = 20_000;

/**
 * Serialises writers across processes (the bot and `npm run ingest`) with a
 * lock file created exclusively. A lock whose owner died, or that is older
 * than any write takes, is broken.
 */
export async function withFileLock<R>(path: string, fn: () => Promise<R>): Promise<R> {
  const lockPath = `${path}.lock`;
  await mkdir(dirname(lockPath), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, at: Date.now() }));
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await lockIsStale(lockPath)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() - started > LOCK_TIMEOUT_MS) throw new Error(`等待写锁超时:${lockPath}`);
      await new Promise((r) => setTimeout(r, LOCK_WAIT_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function lockIsStale(lockPath: string): Promise<boolean> {
  try {
    const owner = JSON.parse(await readFile(lockPath, 'utf8')) as { pid?: number; at?: number };
    if (typeof owner.pid === 'number' && owner.pid !== process.pid && !processAlive(owner.pid)) return true;
    return typeof owner.at === 'number' && Date.now() - owner.at > LOCK_STALE_MS;
  } catch {
    // Half-written by an owner that has not finished writing: judge by age alone.
    const s = await stat(lockPath).catch(() => undefined);
    return !s || Date.now() - s.mtimeMs > LOCK_STALE_MS;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
