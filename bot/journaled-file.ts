import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { z } from 'zod';
import { DamagedFileError, replaceKeepingBackup, ValidatedJsonFile, type FileSpec } from '../knowledge/store/json-file.ts';

/** An event as its owner records it: the file numbers it. */
export type Unsequenced<E> = E extends unknown ? Omit<E, 'seq'> : never;

export interface JournaledFileSpec<D extends { journalSeq: number }, E extends { seq: number }> {
  /** The snapshot NAME.json: schema, version and migrations. */
  snapshot: FileSpec<D>;
  /** One line of NAME.journal. */
  event: z.ZodType<E>;
  /** What a data directory with no snapshot yet holds. */
  empty(): D;
  /** Applies an event to the data; the file has already set `journalSeq` to its seq. */
  apply(data: D, event: E): void;
  /** Events between two compactions. */
  compactEvery: number;
}

/**
 * Data kept as a snapshot (DIR/NAME.json, lowdb, validated and migrated on
 * load) plus a journal (DIR/NAME.journal, one JSON line per event). An event
 * is appended and synced before it is applied, so once `record` returns it
 * survives kill -9 and power loss. Compaction folds the journal into the
 * snapshot; the journal keeps every event newer than the snapshot's backup
 * (NAME.json.bak), so a damaged snapshot restored from its backup and
 * replayed loses nothing. One process writes it.
 */
export class JournaledFile<D extends { journalSeq: number }, E extends { seq: number }> {
  readonly snapshotPath: string;
  readonly journalPath: string;
  private readonly file: ValidatedJsonFile<D>;
  private current: D;
  private sinceCompaction = 0;
  private compacting: Promise<void> = Promise.resolve();
  /** Opened in append mode; compaction replaces the file, and the descriptor with it. */
  private fd: number | undefined;
  /** How many bytes the journal holds: none left means the backup is the snapshot's state. */
  private journalBytes = 0;
  /** journalSeq of the snapshot on disk: after the next compaction it is the backup's, and the journal keeps what follows it. */
  private diskSnapshotSeq = 0;

  constructor(
    readonly dataDir: string,
    name: string,
    private readonly spec: JournaledFileSpec<D, E>,
  ) {
    this.snapshotPath = join(dataDir, `${name}.json`);
    this.journalPath = join(dataDir, `${name}.journal`);
    this.file = new ValidatedJsonFile(this.snapshotPath, spec.snapshot);
    this.current = spec.empty();
  }

  /** The data after every event so far; owners read it, and change it only through `record`. */
  get data(): D {
    return this.current;
  }

  /**
   * Loads the snapshot and replays the journal. A damaged snapshot is
   * replaced by its backup, announced through `onRestore`, and the journal
   * replayed over it. With no good copy, a journal that starts after a gap,
   * or a journal damaged in the middle, it refuses (DamagedFileError):
   * starting from less than was recorded would lose data silently.
   */
  async open(onRestore?: (damaged: DamagedFileError, movedTo: string) => void): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    const db = new Low(this.file, this.spec.empty());
    try {
      await db.read();
    } catch (e) {
      if (!(e instanceof DamagedFileError) || !(await this.file.readBackup())) throw e;
      const movedTo = await this.file.restoreBackup();
      onRestore?.(e, movedTo);
      await db.read();
    }
    this.current = db.data;
    this.diskSnapshotSeq = this.current.journalSeq;
    const journal = this.readJournal();
    const first = journal.events[0];
    if (first && first.seq > this.current.journalSeq + 1) {
      throw new DamagedFileError(this.snapshotPath, `缺少第 ${this.current.journalSeq + 1}–${first.seq - 1} 条记录(快照丢失或过旧)`);
    }
    // Events already in the snapshot are skipped: a crash between writing the snapshot and cutting the journal leaves them behind.
    for (const event of journal.events) if (event.seq > this.current.journalSeq) this.apply(event);
    // A torn last line is cut off: the next event appended would otherwise be glued to it, damaging the journal for good.
    if (journal.intactBytes < journal.totalBytes) truncateSync(this.journalPath, journal.intactBytes);
    this.journalBytes = journal.intactBytes;
  }

  /**
   * The journal's events, and how many of its bytes hold whole events. A
   * crash mid-append leaves at most the last line torn (no newline, or not
   * JSON); its event never took effect, since `record` had not returned.
   */
  private readJournal(): { events: E[]; intactBytes: number; totalBytes: number } {
    let raw: Buffer;
    try {
      raw = readFileSync(this.journalPath);
    } catch {
      return { events: [], intactBytes: 0, totalBytes: 0 };
    }
    const events: E[] = [];
    let offset = 0;
    for (let lineNo = 1; offset < raw.length; lineNo++) {
      const newline = raw.indexOf(0x0a, offset);
      if (newline < 0) break;
      const end = newline + 1;
      const line = raw.toString('utf8', offset, end);
      if (line.trim()) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          if (!raw.subarray(end).toString('utf8').trim()) break;
          throw new DamagedFileError(this.journalPath, `第 ${lineNo} 行不是有效的 JSON`);
        }
        const result = this.spec.event.safeParse(parsed);
        if (!result.success) throw new DamagedFileError(this.journalPath, `第 ${lineNo} 行不符合数据格式`);
        events.push(result.data);
      }
      offset = end;
    }
    return { events, intactBytes: offset, totalBytes: raw.length };
  }

  /** Journals an event durably (appended and synced), then applies it; returns it numbered. */
  record(event: Unsequenced<E>): E {
    // seq goes last: compaction finds it at the end of the line without parsing.
    const full = { ...event, seq: this.current.journalSeq + 1 } as unknown as E;
    const line = `${JSON.stringify(full)}\n`;
    this.fd ??= openSync(this.journalPath, 'a');
    appendFileSync(this.fd, line);
    fsyncSync(this.fd);
    this.journalBytes += Buffer.byteLength(line);
    this.apply(full);
    // A compaction that fails (disk full) loses nothing: the journal still holds every event, and the next one tries again.
    if (++this.sinceCompaction >= this.spec.compactEvery) this.compact().catch(() => undefined);
    return full;
  }

  private apply(event: E): void {
    this.current.journalSeq = event.seq;
    this.spec.apply(this.current, event);
  }

  /**
   * Folds the journal into the snapshot. The snapshot is written (atomically,
   * the one it replaces kept as .bak) before the journal is cut, and the
   * journal is replaced atomically too, so a crash at any point leaves a
   * snapshot and a journal that together give every event.
   */
  compact(): Promise<void> {
    const fold = async (): Promise<void> => {
      this.sinceCompaction = 0;
      // Serialised at once, in one go: exactly the state after the events so far, with no copy
      // of it kept while the file is written, and nothing read back to check (it would cost a
      // full parse of a large state, tens of megabytes and a long pause, every few thousand events).
      const snapshot = JSON.stringify(this.current);
      const snapshotSeq = this.current.journalSeq;
      const backupSeq = this.diskSnapshotSeq;
      await replaceKeepingBackup(this.snapshotPath, snapshot);
      this.diskSnapshotSeq = snapshotSeq;
      this.keepJournalAfter(backupSeq);
    };
    this.compacting = this.compacting.catch(() => undefined).then(fold);
    return this.compacting;
  }

  /**
   * Compacts and lets go of the journal. The journal still holds the events
   * newer than the backup after one fold; a second makes the backup this same
   * state, so a closed store is its snapshot, a backup as good, and an empty journal.
   */
  async close(): Promise<void> {
    await this.compact();
    if (this.journalBytes > 0) await this.compact();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Rewrites the journal with only the events after `seq` (atomically). */
  private keepJournalAfter(seq: number): void {
    let raw = '';
    try {
      raw = readFileSync(this.journalPath, 'utf8');
    } catch {
      // No journal yet: nothing to keep.
    }
    const kept = raw
      .split('\n')
      .filter((line) => {
        const m = /"seq":(\d+)\}\s*$/.exec(line);
        return m !== null && Number(m[1]) > seq;
      })
      .map((line) => `${line}\n`)
      .join('');
    const bytes = Buffer.from(kept);
    replaceFileSync(this.journalPath, bytes);
    // The descriptor still points at the file just replaced.
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.journalBytes = bytes.length;
  }
}

/** Writes a file whole or not at all: a synced temporary file renamed over it. */
function replaceFileSync(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
