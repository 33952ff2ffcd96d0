import { z } from 'zod';
import { OutMessage } from '../handlers/reply.ts';
import { ChatType } from '../handlers/request.ts';
import type { DamagedFileError, Migration } from '../knowledge/store/json-file.ts';
import { DigestFilter } from '../knowledge/digests/subscription-filter.ts';
import { JournaledFile } from './journaled-file.ts';

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
 * (state-store-postgres.ts; its outbox is drained differently, in
 * shared-outbox.ts). Both behave the same here; test/store/state-store.contract.test.ts holds both to it.
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
 * Bot state: subscriptions, cursors and the broadcast outbox, in a
 * journaled file (bot/journaled-file.ts): every change is journaled and
 * synced before anything is sent on the strength of it. After a crash the
 * snapshot plus the journal give back exactly what had happened, so a
 * broadcast resumes where it stopped: parts marked sent are not sent again,
 * parts not marked are sent. One process (the bot) writes it.
 */
export class StateStore implements SubscriptionStore {
  private readonly journal: JournaledFile<StateData, StateEvent>;

  constructor(
    readonly dataDir: string,
    name = 'state',
  ) {
    this.journal = new JournaledFile(dataDir, name, {
      snapshot: { schema: StateData, version: STATE_SCHEMA_VERSION, migrations: STATE_MIGRATIONS },
      event: StateEvent,
      empty: emptyState,
      apply: applyStateEvent,
      compactEvery: COMPACT_EVERY,
    });
  }

  get snapshotPath(): string {
    return this.journal.snapshotPath;
  }

  get journalPath(): string {
    return this.journal.journalPath;
  }

  private get data(): StateData {
    return this.journal.data;
  }

  /**
   * Loads state.json and replays state.journal; a damaged snapshot is
   * restored from state.json.bak (announced through `onRestore`) with
   * nothing lost. With no good copy it refuses (DamagedFileError): starting
   * empty would drop every subscription.
   */
  open(onRestore?: (damaged: DamagedFileError, movedTo: string) => void): Promise<void> {
    return this.journal.open(onRestore);
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  /** Folds the journal into the snapshot (see JournaledFile.compact). */
  compact(): Promise<void> {
    return this.journal.compact();
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
    this.journal.record({ e: 'subscribe', sub });
  }

  unsubscribe(chatId: number, reason: string, at = new Date()): void {
    this.journal.record({ e: 'unsubscribe', chatId, reason, at: at.toISOString() });
  }

  advanceCursor(chatId: number, cursor: number): void {
    this.journal.record({ e: 'cursor', chatId, cursor });
  }

  startRun(run: Run, digests: Record<string, OutMessage[]>): void {
    this.journal.record({ e: 'run', run, digests });
  }

  markSent(runId: string, chatId: number, part: number): void {
    this.journal.record({ e: 'part', run: runId, chatId, part });
  }

  markGone(runId: string | undefined, chatId: number, reason: string, at = new Date()): void {
    this.journal.record({ e: 'gone', ...(runId ? { run: runId } : {}), chatId, reason, at: at.toISOString() });
  }

  markMigrated(from: number, to: number): void {
    this.journal.record({ e: 'migrated', from, to });
  }

  markFailure(runId: string, chatId: number, error: string, deferred: boolean): void {
    this.journal.record({ e: 'failure', run: runId, chatId, error, deferred });
  }

  finishRun(runId: string, at = new Date()): void {
    this.journal.record({ e: 'run-done', run: runId, at: at.toISOString() });
  }
}

function applyStateEvent(d: StateData, ev: StateEvent): void {
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
      for (const del of deliveriesFor(d, ev.chatId)) if (del.status === 'pending' || del.status === 'deferred') del.status = 'dropped';
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
      forgetOldRuns(d);
      break;
    }
  }
}

function deliveriesFor(d: StateData, chatId: number): Delivery[] {
  return d.runs.flatMap((r) => (r.finishedAt ? [] : r.deliveries.filter((x) => x.chatId === chatId)));
}

/** Keeps the last few finished runs and drops digests no kept run refers to. */
function forgetOldRuns(d: StateData): void {
  const finished = d.runs.filter((r) => r.finishedAt);
  const drop = new Set(finished.slice(0, Math.max(0, finished.length - RUNS_KEPT)).map((r) => r.id));
  d.runs = d.runs.filter((r) => !drop.has(r.id));
  const used = new Set(d.runs.flatMap((r) => r.deliveries.map((x) => x.digest)));
  for (const key of Object.keys(d.digests)) if (!used.has(key)) delete d.digests[key];
}
