import { watchFile, unwatchFile } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { DamagedFileError, ValidatedJsonFile, withFileLock } from './json-file.ts';
import { readFactsFast } from './knowledge-file.ts';
import { Bulletin, Carrier, Fact, IngestReport } from '../schema.ts';

export const KNOWLEDGE_SCHEMA_VERSION = 1;

/** A stored bulletin with what was found in it; the carrier registry is merged from these. */
export const BulletinEntry = Bulletin.extend({
  carriers: z.array(Carrier),
  report: IngestReport,
  parserVersion: z.number().int(),
  /** Knowledge but never news: a watched source's baseline or re-baseline. Digests leave it out. */
  silent: z.boolean().optional(),
});
export type BulletinEntry = z.infer<typeof BulletinEntry>;

export const KnowledgeData = z.object({
  schemaVersion: z.literal(KNOWLEDGE_SCHEMA_VERSION),
  /** Last ingestion sequence number handed out; digests compare against it. */
  seq: z.number().int().nonnegative(),
  bulletins: z.array(BulletinEntry),
  facts: z.array(Fact),
});
export type KnowledgeData = z.infer<typeof KnowledgeData>;

/** Everything but the facts: what the streaming reader validates in one go (facts are validated one by one). */
const KnowledgeHead = KnowledgeData.omit({ facts: true });

export function emptyKnowledge(): KnowledgeData {
  return { schemaVersion: KNOWLEDGE_SCHEMA_VERSION, seq: 0, bulletins: [], facts: [] };
}

/** Where knowledge lives. The bot reads it; ingestion (CLI or upload) is its only writer. */
export interface KnowledgeStore {
  readonly path: string;
  load(): Promise<KnowledgeData>;
  /**
   * Runs fn on the freshest data under the cross-process write lock and saves
   * what it leaves, unless `changed` says the result changed nothing.
   */
  update<R>(fn: (data: KnowledgeData) => R, changed?: (result: R) => boolean): Promise<R>;
  /** Calls onChange when the file changes, whoever wrote it. Returns a stop function. */
  watch(onChange: () => void, intervalMs?: number): () => void;
  /** Keeps a bulletin's decoded text, so a newer parser can read it again. */
  saveSource(contentHash: string, text: string): Promise<void>;
  readSource(contentHash: string): Promise<string | undefined>;
}

/** What a store offers when its file turns out to be damaged at startup. */
export interface KnowledgeRecovery {
  /** Every kept text, for rebuilding the knowledge when its file is lost. */
  keptSources(): Promise<Array<{ name: string; text: string }>>;
  /**
   * After a damaged read: puts the last good copy back and returns where the
   * damaged file was moved; undefined when there is no good copy.
   */
  restoreLastGood(): Promise<string | undefined>;
  /** Moves a damaged file aside without a replacement; returns where it went. */
  setAside(): Promise<string>;
}

export class LowdbKnowledgeStore implements KnowledgeStore, KnowledgeRecovery {
  readonly path: string;
  private readonly file: ValidatedJsonFile<KnowledgeData>;

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, 'knowledge.json');
    this.file = new ValidatedJsonFile(this.path, { schema: KnowledgeData, version: KNOWLEDGE_SCHEMA_VERSION });
  }

  async load(): Promise<KnowledgeData> {
    // At national scale the file is tens of megabytes: stream it when it has the layout this store writes.
    const fast = await readFactsFast(this.path, KnowledgeHead, KNOWLEDGE_SCHEMA_VERSION);
    if (fast === null) return emptyKnowledge();
    if (fast) return fast;
    // Anything unusual (older version, damage) goes through the general reader, which migrates or says what is wrong.
    // lowdb's JSONFilePreset would keep data in memory under NODE_ENV=test; a Low on our adapter always hits the file.
    const db = new Low(this.file, emptyKnowledge());
    await db.read();
    return db.data;
  }

  async update<R>(fn: (data: KnowledgeData) => R, changed: (result: R) => boolean = () => true): Promise<R> {
    return withFileLock(this.path, async () => {
      const data = await this.load();
      const result = fn(data);
      // An untouched file keeps its mtime, so running bots do not reload for nothing.
      if (changed(result)) await this.file.write(data);
      return result;
    });
  }

  watch(onChange: () => void, intervalMs = 1000): () => void {
    const listener = (curr: { mtimeMs: number }, prev: { mtimeMs: number }): void => {
      if (curr.mtimeMs !== prev.mtimeMs) onChange();
    };
    watchFile(this.path, { interval: intervalMs, persistent: false }, listener);
    return () => unwatchFile(this.path, listener);
  }

  async saveSource(contentHash: string, text: string): Promise<void> {
    const dir = join(this.dataDir, 'sources');
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${contentHash}.txt`);
    await writeFile(`${path}.tmp`, text, 'utf8');
    await rename(`${path}.tmp`, path);
  }

  async readSource(contentHash: string): Promise<string | undefined> {
    return readFile(join(this.dataDir, 'sources', `${contentHash}.txt`), 'utf8').catch(() => undefined);
  }

  async keptSources(): Promise<Array<{ name: string; text: string }>> {
    const dir = join(this.dataDir, 'sources');
    const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.txt')).sort();
    return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
  }

  async restoreLastGood(): Promise<string | undefined> {
    if (!(await this.file.readBackup())) return undefined;
    return this.file.restoreBackup();
  }

  async setAside(): Promise<string> {
    const aside = `${this.path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(this.path, aside);
    return aside;
  }
}

export { DamagedFileError };
