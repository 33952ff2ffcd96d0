import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { OutMessage } from '../handlers/reply.ts';
import { ChatType } from '../handlers/request.ts';
import { DamagedFileError, replaceKeepingBackup, ValidatedJsonFile, type Migration } from '../knowledge/store/json-file.ts';
import { DigestFilter } from '../knowledge/digests/subscription-filter.ts';

export const STATE_SCHEMA_VERSION = 2;

/**
 * Version 1 counted deferred deliveries as `totals.failures`, which read as
 * if messages had been lost; version 2 calls them what they are.
 */
export const STATE_MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    up(data) {
      const totals = (data.totals ?? {}) as Record<string, unknown>;
      const { failures, ...rest } = totals;
      return { ...data, totals: { ...rest, deferrals: typeof failures === 'number' ? failures : 0 } };
    },
  },
];

export const Subscription = z.object({
  chatId: z.number(),
  chatType: ChatType,
  filter: DigestFilter,
  /** Bulletins up to this sequence number have been delivered to (or skipped for) this chat. */
  cursor: z.number().int().nonnegative(),
  active: z.boolean(),
  since: z.string(),
  endedAt: z.string().optional(),
  endedReason: z.string().optional(),
});
export type Subscription = z.infer<typeof Subscription>;

export const Delivery = z.object({
  chatId: z.number(),
  /** Key into `digests`: identical digests (same filter, same news) are stored once. */
  digest: z.string(),
  uptoSeq: z.number().int().nonnegative(),
  sentParts: z.number().int().nonnegative(),
  status: z.enum(['pending', 'sent', 'dropped', 'deferred']),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().optional(),
});
export type Delivery = z.infer<typeof Delivery>;

export const Run = z.object({
  id: z.string(),
  reason: z.enum(['scheduled', 'manual', 'single', 'instant']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  uptoSeq: z.number().int().nonnegative(),
  deliveries: z.array(Delivery),
  /** Chats with nothing new: their cursors move to uptoSeq when the run is recorded. */
  nothingNew: z.array(z.number()),
});
export type Run = z.infer<typeof Run>;

export const Totals = z.object({
  messagesSent: z.number().int().nonnegative(),
  digestsDelivered: z.number().int().nonnegative(),
  /** Deliveries put off to the next run after repeated 5xx or network errors. */
  deferrals: z.number().int().nonnegative(),
  unsubscribedByTelegram: z.number().int().nonnegative(),
});
export type Totals = z.infer<typeof Totals>;

export const StateData = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  /** The last journal event folded into this snapshot. */
  journalSeq: z.number().int().nonnegative(),
  subscriptions: z.array(Subscription),
  runs: z.array(Run),
  digests: z.record(z.string(), z.array(OutMessage)),
  totals: Totals,
});
export type StateData = z.infer<typeof StateData>;

/** Every change to bot state, as written to the journal before it counts. */
export const StateEvent = z.discriminatedUnion('e', [
  z.object({ e: z.literal('subscribe'), seq: z.number(), sub: Subscription }),
  z.object({ e: z.literal('unsubscribe'), seq: z.number(), chatId: z.number(), at: z.string(), reason: z.string() }),
  z.object({ e: z.literal('cursor'), seq: z.number(), chatId: z.number(), cursor: z.number() }),
  z.object({ e: z.literal('run'), seq: z.number(), run: Run, digests: z.record(z.string(), z.array(OutMessage)) }),
  z.object({ e: z.literal('part'), seq: z.number(), run: z.string(), chatId: z.number(), part: z.number() }),
  z.object({ e: z.literal('gone'), seq: z.number(), run: z.string().optional(), chatId: z.number(), at: z.string(), reason: z.string() }),
  z.object({ e: z.literal('migrated'), seq: z.number(), from: z.number(), to: z.number() }),
  z.object({ e: z.literal('failure'), seq: z.number(), run: z.string(), chatId: z.number(), error: z.string(), deferred: z.boolean() }),
  z.object({ e: z.literal('run-done'), seq: z.number(), run: z.string(), at: z.string() }),
]);
export type StateEvent = z.infer<typeof StateEvent>;
type NewEvent = StateEvent extends infer E ? (E extends { seq: number } ? Omit<E, 'seq'> : never) : never;

export function emptyState(): StateData {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    journalSeq: 0,
    subscriptions: [],
    runs: [],
    digests: {},
    totals: { messagesSent: 0, digestsDelivered: 0, deferrals: 0, unsubscribedByTelegram: 0 },
  };
}

/**
 * Subscriptions as the digest features read and change them, whichever
 * store holds them: the journaled files below, or PostgreSQL
 * (state-store-postgres.ts), where the outbox is drained differently but
 * these behave the same; test/store/state-store.contract.test.ts holds both to it.
 */
export interface SubscriptionStore {
  subscription(chatId: number): Subscription | undefined;
  activeSubscriptions(): Subscription[];
  allSubscriptions(): readonly Subscription[];
  totals(): Totals;
  subscribe(sub: Subscription): void;
  /** Ends the subscription and voids what unfinished runs still owed the chat. */
  unsubscribe(chatId: number, reason: string, at?: Date): void;
}

/** Finished runs kept for /stats; older ones are folded into the totals. */
const RUNS_KEPT = 5;
const COMPACT_EVERY = 2000;

/**
 * Bot state: subscriptions, cursors and the broadcast outbox. Every change
 * is first appended to a journal (one JSON line, synced to the OS before
 * anything is sent on the strength of it), then applied in memory; the
 * journal is folded into a lowdb snapshot now and then. After a crash the
 * snapshot plus the journal give back exactly what had happened, so a
 * broadcast resumes where it stopped: parts marked sent are not sent again,
 * parts not marked are sent. One process (the bot) writes it.
 */
export class StateStore implements SubscriptionStore {
  readonly snapshotPath: string;
  readonly journalPath: string;
  private readonly file: ValidatedJsonFile<StateData>;
  private data: StateData = emptyState();
  private sinceCompaction = 0;
  private compacting: Promise<void> = Promise.resolve();
  /** Opened in append mode; compaction replaces the file, and the descriptor with it. */
  private fd: number | undefined;
  /** The journal's length: events recorded after a moment start at its value then. */
  private journalBytes = 0;
  /** journalSeq of the snapshot on disk: after the next compaction it is the backup's, and the journal keeps what follows it. */
  private diskSnapshotSeq = 0;

  constructor(
    readonly dataDir: string,
    name = 'state',
  ) {
    this.snapshotPath = join(dataDir, `${name}.json`);
    this.journalPath = join(dataDir, `${name}.journal`);
    this.file = new ValidatedJsonFile(this.snapshotPath, { schema: StateData, version: STATE_SCHEMA_VERSION, migrations: STATE_MIGRATIONS });
  }

  /**
   * Loads the snapshot and replays the journal. A damaged snapshot is
   * replaced by the previous one (state.json.bak), and since the journal
   * keeps every event newer than that copy, nothing is lost; the restore is
   * announced through `onRestore`. With no good copy, or a journal damaged
   * in the middle, it refuses (DamagedFileError): starting empty would drop
   * every subscription.
   */
  async open(onRestore?: (damaged: DamagedFileError, movedTo: string) => void): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    const db = new Low(this.file, emptyState());
    try {
      await db.read();
    } catch (e) {
      if (!(e instanceof DamagedFileError) || !(await this.file.readBackup())) throw e;
      const movedTo = await this.file.restoreBackup();
      onRestore?.(e, movedTo);
      await db.read();
    }
    this.data = db.data;
    this.diskSnapshotSeq = this.data.journalSeq;
    const journal = this.readJournal();
    const first = journal.events[0];
    if (first && first.seq > this.data.journalSeq + 1) {
      // The journal starts after a gap: the snapshot that covered it is missing.
      throw new DamagedFileError(this.snapshotPath, `缺少第 ${this.data.journalSeq + 1}–${first.seq - 1} 条记录(快照丢失或过旧)`);
    }
    for (const event of journal.events) if (event.seq > this.data.journalSeq) this.apply(event);
    // A torn last line is cut off: the next event appended would otherwise be glued to it, damaging the journal for good.
    if (journal.intactBytes < journal.totalBytes) truncateSync(this.journalPath, journal.intactBytes);
    this.journalBytes = journal.intactBytes;
  }

  /** The journal's events, and how many of its bytes hold whole events. */
  private readJournal(): { events: StateEvent[]; intactBytes: number; totalBytes: number } {
    let raw: Buffer;
    try {
      raw = readFileSync(this.journalPath);
    } catch {
      return { events: [], intactBytes: 0, totalBytes: 0 };
    }
    const events: StateEvent[] = [];
    let offset = 0;
    for (let lineNo = 1; offset < raw.length; lineNo++) {
      const newline = raw.indexOf(0x0a, offset);
      const end = newline < 0 ? raw.length : newline + 1;
      const line = raw.toString('utf8', offset, end);
      if (line.trim()) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          // A crash mid-append leaves at most the last line half-written; that event never took effect.
          if (!raw.subarray(end).toString('utf8').trim()) break;
          throw new DamagedFileError(this.journalPath, `第 ${lineNo} 行不是有效的 JSON`);
        }
        const result = StateEvent.safeParse(parsed);
        if (!result.success) throw new DamagedFileError(this.journalPath, `第 ${lineNo} 行不符合数据格式`);
        events.push(result.data);
      }
      offset = end;
    }
    return { events, intactBytes: offset, totalBytes: raw.length };
  }

  /** Journals an event durably, then applies it. */
  private record(event: NewEvent): void {
    const full = { ...event, seq: this.data.journalSeq + 1 } as StateEvent;
    const line = `${JSON.stringify(full)}\n`;
    this.fd ??= openSync(this.journalPath, 'a');
    appendFileSync(this.fd, line);
    fsyncSync(this.fd);
    this.journalBytes += Buffer.byteLength(line);
    this.apply(full);
    // A compaction that fails (disk full) loses nothing: the journal still holds every event, and the next one tries again.
    if (++this.sinceCompaction >= COMPACT_EVERY) this.compact().catch(() => undefined);
  }

  private apply(ev: StateEvent): void {
    const d = this.data;
    d.journalSeq = ev.seq;
    switch (ev.e) {
      case 'subscribe': {
        d.subscriptions = [...d.subscriptions.filter((s) => s.chatId !== ev.sub.chatId), ev.sub];
        break;
      }
      case 'unsubscribe':
      case 'gone': {
        const sub = d.subscriptions.find((s) => s.chatId === ev.chatId);
        if (sub?.active) {
          sub.active = false;
          sub.endedAt = ev.at;
          sub.endedReason = ev.reason;
          if (ev.e === 'gone') d.totals.unsubscribedByTelegram++;
        }
        // Either way nothing more goes to the chat: /unsubscribe stops a broadcast that has not reached it yet.
        for (const del of this.deliveriesFor(ev.chatId)) if (del.status === 'pending' || del.status === 'deferred') del.status = 'dropped';
        break;
      }
      case 'cursor': {
        const sub = d.subscriptions.find((s) => s.chatId === ev.chatId);
        if (sub) sub.cursor = Math.max(sub.cursor, ev.cursor);
        break;
      }
      case 'run': {
        Object.assign(d.digests, ev.digests);
        d.runs.push(ev.run);
        const quiet = new Set(ev.run.nothingNew);
        for (const sub of d.subscriptions) if (quiet.has(sub.chatId)) sub.cursor = Math.max(sub.cursor, ev.run.uptoSeq);
        break;
      }
      case 'part': {
        const run = d.runs.find((r) => r.id === ev.run);
        const del = run?.deliveries.find((x) => x.chatId === ev.chatId);
        if (!run || !del || del.sentParts > ev.part) break;
        del.sentParts = ev.part + 1;
        d.totals.messagesSent++;
        if (del.sentParts >= (d.digests[del.digest]?.length ?? 0)) {
          del.status = 'sent';
          d.totals.digestsDelivered++;
          const sub = d.subscriptions.find((s) => s.chatId === ev.chatId);
          if (sub) sub.cursor = Math.max(sub.cursor, del.uptoSeq);
        }
        break;
      }
      case 'migrated': {
        const sub = d.subscriptions.find((s) => s.chatId === ev.from);
        // The supergroup may have (un)subscribed by itself since the move: that is the newer wish, so it
        // stands and the old group's record goes.
        const own = d.subscriptions.find((s) => s.chatId === ev.to);
        if (sub && own) d.subscriptions = d.subscriptions.filter((s) => s !== sub);
        else if (sub) Object.assign(sub, { chatId: ev.to, chatType: sub.chatType === 'group' ? 'supergroup' : sub.chatType });
        for (const run of d.runs) {
          if (run.finishedAt) continue;
          const moved = run.deliveries.find((x) => x.chatId === ev.from);
          if (!moved) continue;
          // One digest per chat and run, and none to a supergroup that unsubscribed: then the old group's is void.
          if (own && (!own.active || run.deliveries.some((x) => x.chatId === ev.to))) {
            if (moved.status === 'pending' || moved.status === 'deferred') moved.status = 'dropped';
            moved.lastError = `migrated to ${ev.to}`;
          } else moved.chatId = ev.to;
        }
        break;
      }
      case 'failure': {
        d.totals.deferrals++;
        const del = d.runs.find((r) => r.id === ev.run)?.deliveries.find((x) => x.chatId === ev.chatId);
        if (del) {
          del.attempts++;
          del.lastError = ev.error;
          if (ev.deferred && del.status === 'pending') del.status = 'deferred';
        }
        break;
      }
      case 'run-done': {
        const run = d.runs.find((r) => r.id === ev.run);
        if (run) run.finishedAt = ev.at;
        this.forgetOldRuns();
        break;
      }
    }
  }

  private deliveriesFor(chatId: number): Delivery[] {
    return this.data.runs.flatMap((r) => (r.finishedAt ? [] : r.deliveries.filter((x) => x.chatId === chatId)));
  }

  /** Keeps the last few finished runs and drops digests no kept run refers to. */
  private forgetOldRuns(): void {
    const d = this.data;
    const finished = d.runs.filter((r) => r.finishedAt);
    const drop = new Set(finished.slice(0, Math.max(0, finished.length - RUNS_KEPT)).map((r) => r.id));
    d.runs = d.runs.filter((r) => !drop.has(r.id));
    const used = new Set(d.runs.flatMap((r) => r.deliveries.map((x) => x.digest)));
    for (const key of Object.keys(d.digests)) if (!used.has(key)) delete d.digests[key];
  }

  async close(): Promise<void> {
    await this.compact();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Folds the journal into the snapshot. The snapshot is written (atomically)
   * before the journal is cut, and the journal is replaced atomically too, so
   * a crash at any point leaves a snapshot and a journal that together give
   * every event (replayed events already in the snapshot are skipped by seq).
   */
  compact(): Promise<void> {
    const fold = async (): Promise<void> => {
      this.sinceCompaction = 0;
      // Serialised at once, in one go: exactly the state after the events so far, with no copy
      // of it kept while the file is written, and nothing read back to check (it would cost a
      // full parse of a 10,000-chat state, tens of megabytes and a long pause, every few thousand events).
      const snapshot = JSON.stringify(this.data);
      const snapshotSeq = this.data.journalSeq;
      // The snapshot being replaced becomes state.json.bak; the journal keeps every event newer than it,
      // so restoring the backup after damage and replaying the journal loses nothing.
      const backupSeq = this.diskSnapshotSeq;
      await replaceKeepingBackup(this.snapshotPath, snapshot);
      this.diskSnapshotSeq = snapshotSeq;
      this.keepJournalAfter(backupSeq);
    };
    this.compacting = this.compacting.catch(() => undefined).then(fold);
    return this.compacting;
  }

  /** Rewrites the journal with only the events after `seq` (atomically). */
  private keepJournalAfter(seq: number): void {
    let raw = '';
    try {
      raw = readFileSync(this.journalPath, 'utf8');
    } catch {
      // No journal yet: nothing to keep.
    }
    // Events end with their seq (it is added last), so the lines can be sorted without parsing them.
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

  // --- reads ---

  subscription(chatId: number): Subscription | undefined {
    return this.data.subscriptions.find((s) => s.chatId === chatId);
  }

  activeSubscriptions(): Subscription[] {
    return this.data.subscriptions.filter((s) => s.active);
  }

  allSubscriptions(): readonly Subscription[] {
    return this.data.subscriptions;
  }

  unfinishedRuns(): Run[] {
    return this.data.runs.filter((r) => !r.finishedAt);
  }

  run(id: string): Run | undefined {
    return this.data.runs.find((r) => r.id === id);
  }

  /** A digest this chat got only part of before delivery was deferred; the rest must follow, not a new digest. */
  partlyDelivered(chatId: number): Delivery | undefined {
    for (const run of [...this.data.runs].reverse()) {
      const d = run.deliveries.find((x) => x.chatId === chatId);
      if (d) return d.status === 'deferred' && d.sentParts > 0 ? d : undefined;
    }
    return undefined;
  }

  digest(key: string): OutMessage[] | undefined {
    return this.data.digests[key];
  }

  totals(): Totals {
    return { ...this.data.totals };
  }

  // --- writes ---

  subscribe(sub: Subscription): void {
    this.record({ e: 'subscribe', sub });
  }

  unsubscribe(chatId: number, reason: string, at = new Date()): void {
    this.record({ e: 'unsubscribe', chatId, reason, at: at.toISOString() });
  }

  advanceCursor(chatId: number, cursor: number): void {
    this.record({ e: 'cursor', chatId, cursor });
  }

  startRun(run: Run, digests: Record<string, OutMessage[]>): void {
    this.record({ e: 'run', run, digests });
  }

  markSent(runId: string, chatId: number, part: number): void {
    this.record({ e: 'part', run: runId, chatId, part });
  }

  markGone(runId: string | undefined, chatId: number, reason: string, at = new Date()): void {
    this.record({ e: 'gone', ...(runId ? { run: runId } : {}), chatId, reason, at: at.toISOString() });
  }

  markMigrated(from: number, to: number): void {
    this.record({ e: 'migrated', from, to });
  }

  markFailure(runId: string, chatId: number, error: string, deferred: boolean): void {
    this.record({ e: 'failure', run: runId, chatId, error, deferred });
  }

  finishRun(runId: string, at = new Date()): void {
    this.record({ e: 'run-done', run: runId, at: at.toISOString() });
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
