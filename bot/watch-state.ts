import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { SourceStatus, freshStatus } from '../knowledge/watch/decide.ts';
import { WatchSource } from '../knowledge/watch/sources.ts';
import { DamagedFileError, replaceKeepingBackup, ValidatedJsonFile } from '../knowledge/store/json-file.ts';

/** What the watcher remembers of one source. */
export interface SourceRecord {
  status: SourceStatus;
  /** Every link seen on the list, read or skipped: never capped, or old items would come back as news. */
  seen: ReadonlySet<string>;
}

/**
 * The watcher's memory, keyed by sourceKey(url). Each write is durable when
 * its promise resolves: the runner records a link as seen only after the
 * bulletin behind it is committed to the knowledge store. Implementations:
 * the journaled lowdb file below; a PostgreSQL one beside the state store.
 */
export interface WatchStateStore {
  open(): Promise<void>;
  close(): Promise<void>;
  read(key: string): Promise<SourceRecord>;
  markSeen(key: string, urls: readonly string[]): Promise<void>;
  saveStatus(key: string, status: SourceStatus): Promise<void>;
  /** Sources added by /sources add, in the order they were added. */
  addedSources(): Promise<WatchSource[]>;
  /** Keys of sources removed by /sources remove (shipped ones stay in their file). */
  removedKeys(): Promise<string[]>;
  addSource(key: string, source: WatchSource): Promise<void>;
  removeSource(key: string): Promise<void>;
}

export const WATCH_STATE_VERSION = 1;

const SourceEntry = z.object({ status: SourceStatus, seen: z.array(z.string()) });
const WatchData = z.object({
  schemaVersion: z.literal(WATCH_STATE_VERSION),
  journalSeq: z.number().int().nonnegative(),
  sources: z.record(z.string(), SourceEntry),
  added: z.array(z.object({ key: z.string(), source: WatchSource })),
  removed: z.array(z.string()),
});
type WatchData = z.infer<typeof WatchData>;

const WatchEvent = z.discriminatedUnion('e', [
  z.object({ e: z.literal('seen'), seq: z.number(), key: z.string(), urls: z.array(z.string()) }),
  z.object({ e: z.literal('status'), seq: z.number(), key: z.string(), status: SourceStatus }),
  z.object({ e: z.literal('add'), seq: z.number(), key: z.string(), source: WatchSource }),
  z.object({ e: z.literal('remove'), seq: z.number(), key: z.string() }),
]);
type WatchEvent = z.infer<typeof WatchEvent>;
type NewEvent = WatchEvent extends infer E ? (E extends { seq: number } ? Omit<E, 'seq'> : never) : never;

const COMPACT_EVERY = 500;

function emptyWatch(): WatchData {
  return { schemaVersion: WATCH_STATE_VERSION, journalSeq: 0, sources: {}, added: [], removed: [] };
}

/**
 * The watcher's state in DATA_DIR/watch.json, written the way the bot's
 * state is (bot/state-store.ts): every change is appended to watch.journal
 * and synced before its promise resolves, and folded into the snapshot now
 * and then (atomically, keeping the previous copy as .bak). After kill -9
 * the snapshot plus the journal give back every change that resolved; a
 * torn last line is one that never did. One process writes it.
 */
export class LowdbWatchState implements WatchStateStore {
  readonly snapshotPath: string;
  readonly journalPath: string;
  private readonly file: ValidatedJsonFile<WatchData>;
  private data: WatchData = emptyWatch();
  private seenSets = new Map<string, Set<string>>();
  private fd: number | undefined;
  private sinceCompaction = 0;
  private compacting: Promise<void> = Promise.resolve();

  constructor(
    readonly dataDir: string,
    name = 'watch',
  ) {
    this.snapshotPath = join(dataDir, `${name}.json`);
    this.journalPath = join(dataDir, `${name}.journal`);
    this.file = new ValidatedJsonFile(this.snapshotPath, { schema: WatchData, version: WATCH_STATE_VERSION });
  }

  async open(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    const db = new Low(this.file, emptyWatch());
    try {
      await db.read();
    } catch (e) {
      // A damaged snapshot falls back to the previous one; the journal holds everything since.
      if (!(e instanceof DamagedFileError) || !(await this.file.readBackup())) throw e;
      await this.file.restoreBackup();
      await db.read();
    }
    this.data = db.data;
    for (const [key, entry] of Object.entries(this.data.sources)) this.seenSets.set(key, new Set(entry.seen));
    const { events, intactBytes, totalBytes } = this.readJournal();
    for (const ev of events) if (ev.seq > this.data.journalSeq) this.apply(ev);
    if (intactBytes < totalBytes) truncateSync(this.journalPath, intactBytes);
  }

  private readJournal(): { events: WatchEvent[]; intactBytes: number; totalBytes: number } {
    let raw: Buffer;
    try {
      raw = readFileSync(this.journalPath);
    } catch {
      return { events: [], intactBytes: 0, totalBytes: 0 };
    }
    const events: WatchEvent[] = [];
    let offset = 0;
    for (let lineNo = 1; offset < raw.length; lineNo++) {
      const newline = raw.indexOf(0x0a, offset);
      if (newline < 0) break; // a torn last line: that change never resolved
      const line = raw.toString('utf8', offset, newline);
      if (line.trim()) {
        const parsed = WatchEvent.safeParse(safeJson(line));
        if (!parsed.success) throw new DamagedFileError(this.journalPath, `第 ${lineNo} 行不符合数据格式`);
        events.push(parsed.data);
      }
      offset = newline + 1;
    }
    return { events, intactBytes: offset, totalBytes: raw.length };
  }

  private record(event: NewEvent): void {
    const full = { ...event, seq: this.data.journalSeq + 1 } as WatchEvent;
    this.fd ??= openSync(this.journalPath, 'a');
    appendFileSync(this.fd, `${JSON.stringify(full)}\n`);
    fsyncSync(this.fd);
    this.apply(full);
    if (++this.sinceCompaction >= COMPACT_EVERY) this.compact().catch(() => undefined);
  }

  private entry(key: string): { status: SourceStatus; seen: string[] } {
    return (this.data.sources[key] ??= { status: freshStatus(), seen: [] });
  }

  private apply(ev: WatchEvent): void {
    this.data.journalSeq = ev.seq;
    switch (ev.e) {
      case 'seen': {
        const entry = this.entry(ev.key);
        let set = this.seenSets.get(ev.key);
        if (!set) this.seenSets.set(ev.key, (set = new Set(entry.seen)));
        for (const url of ev.urls) {
          if (set.has(url)) continue;
          set.add(url);
          entry.seen.push(url);
        }
        break;
      }
      case 'status':
        this.entry(ev.key).status = ev.status;
        break;
      case 'add':
        this.data.added = [...this.data.added.filter((a) => a.key !== ev.key), { key: ev.key, source: ev.source }];
        this.data.removed = this.data.removed.filter((k) => k !== ev.key);
        break;
      case 'remove':
        this.data.added = this.data.added.filter((a) => a.key !== ev.key);
        if (!this.data.removed.includes(ev.key)) this.data.removed.push(ev.key);
        // A source added again later starts with a new baseline, not with news from the gap.
        delete this.data.sources[ev.key];
        this.seenSets.delete(ev.key);
        break;
    }
  }

  async read(key: string): Promise<SourceRecord> {
    const entry = this.data.sources[key];
    return { status: structuredClone(entry?.status ?? freshStatus()), seen: this.seenSets.get(key) ?? new Set() };
  }

  async markSeen(key: string, urls: readonly string[]): Promise<void> {
    const known = this.seenSets.get(key);
    const fresh = [...new Set(urls)].filter((u) => !known?.has(u));
    if (fresh.length) this.record({ e: 'seen', key, urls: fresh });
  }

  async saveStatus(key: string, status: SourceStatus): Promise<void> {
    this.record({ e: 'status', key, status });
  }

  async addedSources(): Promise<WatchSource[]> {
    return this.data.added.map((a) => a.source);
  }

  async removedKeys(): Promise<string[]> {
    return [...this.data.removed];
  }

  async addSource(key: string, source: WatchSource): Promise<void> {
    this.record({ e: 'add', key, source });
  }

  async removeSource(key: string): Promise<void> {
    this.record({ e: 'remove', key });
  }

  async close(): Promise<void> {
    await this.compact();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Snapshot first (atomically, the old one kept as .bak), then the journal
   * emptied atomically: a crash in between replays events the snapshot
   * already has, which the seq check skips.
   */
  compact(): Promise<void> {
    const fold = async (): Promise<void> => {
      this.sinceCompaction = 0;
      const seq = this.data.journalSeq;
      await replaceKeepingBackup(this.snapshotPath, JSON.stringify(this.data));
      const kept = readLinesAfter(this.journalPath, seq);
      const tmp = `${this.journalPath}.tmp`;
      const fd = openSync(tmp, 'w');
      try {
        writeFileSync(fd, kept);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.journalPath);
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    };
    this.compacting = this.compacting.catch(() => undefined).then(fold);
    return this.compacting;
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Journal lines for events after `seq` (written while the snapshot was being saved). */
function readLinesAfter(path: string, seq: number): string {
  let raw = '';
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  return raw
    .split('\n')
    .filter((line) => {
      const ev = safeJson(line) as { seq?: unknown } | undefined;
      return typeof ev?.seq === 'number' && ev.seq > seq;
    })
    .map((line) => `${line}\n`)
    .join('');
}
