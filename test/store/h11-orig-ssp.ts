import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { renderDigest } from '../../handlers/digest-format.ts';
import type { OutMessage } from '../../handlers/reply.ts';
import type { Chat, DigestService } from '../../handlers/request.ts';
import { composeDigest } from '../../knowledge/digests/compose.ts';
import { describeFilter, DigestFilter } from '../../knowledge/digests/subscription-filter.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { inTransaction, withClient } from '../../knowledge/store/migrate.ts';
import { freshStatus, SourceStatus } from '../../knowledge/watch/decide.ts';
import { WatchSource } from '../../knowledge/watch/sources.ts';
import type { SourceRecord, WatchStateStore } from '../../bot/watch-state.ts';
import type { BroadcastLimits, RunProgress, Sender } from '../../bot/broadcaster.ts';
import type { Logger } from '../../bot/logger.ts';
import type { Delivery, Run, Subscription, SubscriptionStore, Totals } from '../../bot/state-store.ts';
import { classifyTelegramError, sleep } from '../../bot/telegram-errors.ts';

/** Finished runs kept, as in the lowdb store. */
const RUNS_KEPT = 5;

/** See SharedOutbox.gapMs. */
const SHARED_SLACK_MS = 100;
/** A send this far behind its slot gives the slot up (see SharedOutbox.sendAt). */
const LATE_MS = 25;

/** Serialises run creation across instances: the "owed" check and the insert see one world. */
const RUN_CREATION_LOCK = 7_424_201;
export const STATE_CHANNEL = 'state_changed';

interface SubscriptionRow {
  chat_id: string;
  chat_type: Subscription['chatType'];
  filter: unknown;
  cursor: string;
  active: boolean;
  since: string;
  ended_at: string | null;
  ended_reason: string | null;
}

function toSubscription(r: SubscriptionRow): Subscription {
  return {
    chatId: Number(r.chat_id),
    chatType: r.chat_type,
    filter: DigestFilter.parse(r.filter),
    cursor: Number(r.cursor),
    active: r.active,
    since: r.since,
    ...(r.ended_at ? { endedAt: r.ended_at } : {}),
    ...(r.ended_reason ? { endedReason: r.ended_reason } : {}),
  };
}

/** What a migration compares between the files and the database. */
export interface StateCounts {
  active: number;
  ended: number;
  runs: number;
  deliveries: number;
  messagesSent: number;
}

/** A run to record: its deliveries, the digests they point at, and (for scheduled runs) the tick it belongs to. */
export interface NewRun {
  run: Run;
  digests: Record<string, OutMessage[]>;
  /** Same tick on every instance → one run. */
  tick?: string;
}

/**
 * Bot state in PostgreSQL, shared by every instance: subscriptions, digest
 * runs and their outbox, totals, the send budget, processed updates.
 *
 * Subscriptions are also kept in memory, because handlers read them
 * synchronously: each instance loads them at start and follows the others'
 * changes through NOTIFY. A change made here is applied in memory at once
 * and written in order behind it; `settle()` waits until every write so far
 * is committed (the webhook waits for it before an update counts as done).
 */
export class PostgresStateStore implements SubscriptionStore {
  private subs = new Map<number, Subscription>();
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown;
  private listener: pg.Client | undefined;
  private closed = false;
  private cachedTotals: Totals = { messagesSent: 0, digestsDelivered: 0, deferrals: 0, unsubscribedByTelegram: 0 };
  private totalsTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly pool: pg.Pool,
    private readonly connectionString: string,
    private readonly log: Logger,
  ) {}

  async open(): Promise<void> {
    await this.listen();
    await this.reloadSubscriptions();
    await this.refreshTotals();
    this.totalsTimer = setInterval(() => void this.refreshTotals().catch(() => undefined), 2000);
    this.totalsTimer.unref();
  }

  /** Follows other instances' subscription changes; after a lost connection, reloads everything it may have missed. */
  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    this.listener = client;
    let retried = false;
    const retry = (error: unknown): void => {
      if (retried || this.closed) return;
      retried = true;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      this.log.warn('state listener lost; reconnecting', { error });
      setTimeout(() => {
        void this.listen()
          .then(() => this.reloadSubscriptions())
          .catch((e: unknown) => retry(e));
      }, 1000).unref();
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    client.on('notification', (n) => {
      if (n.channel !== STATE_CHANNEL || !n.payload) return;
      void this.reloadSubscription(Number(n.payload)).catch((e: unknown) => this.log.warn('could not refresh a subscription', { error: e }));
    });
    await client.connect();
    await client.query(`LISTEN ${STATE_CHANNEL}`);
  }

  private async reloadSubscriptions(): Promise<void> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions');
    this.subs = new Map(rows.map((r) => [Number(r.chat_id), toSubscription(r)]));
  }

  private async reloadSubscription(chatId: number): Promise<void> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE chat_id = $1', [chatId]);
    if (rows[0]) this.subs.set(chatId, toSubscription(rows[0]));
    else this.subs.delete(chatId);
  }

  private async refreshTotals(): Promise<void> {
    const { rows } = await this.pool.query<Record<string, string>>('SELECT * FROM state_totals WHERE id = 1');
    const r = rows[0];
    if (r) {
      this.cachedTotals = {
        messagesSent: Number(r.messages_sent),
        digestsDelivered: Number(r.digests_delivered),
        deferrals: Number(r.deferrals),
        unsubscribedByTelegram: Number(r.unsubscribed_by_telegram),
      };
    }
  }

  async close(): Promise<void> {
    await this.settle().catch(() => undefined);
    this.closed = true;
    if (this.totalsTimer) clearInterval(this.totalsTimer);
    await this.listener?.end().catch(() => undefined);
  }

  /** Resolves when every change made so far is committed; rejects (once) if one could not be. */
  async settle(): Promise<void> {
    await this.writes;
    if (this.writeError !== undefined) {
      const e = this.writeError;
      this.writeError = undefined;
      throw e;
    }
  }

  private enqueue(what: string, write: (client: pg.PoolClient) => Promise<void>): void {
    this.writes = this.writes.then(async () => {
      try {
        await this.transaction(write);
      } catch (e) {
        this.writeError = e;
        this.log.error('state write failed', { what, error: e });
      }
    });
  }

  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  // --- subscriptions (read from memory, written through) ---

  subscription(chatId: number): Subscription | undefined {
    return this.subs.get(chatId);
  }

  activeSubscriptions(): Subscription[] {
    return [...this.subs.values()].filter((s) => s.active);
  }

  allSubscriptions(): readonly Subscription[] {
    return [...this.subs.values()];
  }

  totals(): Totals {
    return { ...this.cachedTotals };
  }

  subscribe(sub: Subscription): void {
    this.subs.set(sub.chatId, sub);
    this.enqueue('subscribe', async (c) => {
      await c.query(
        `INSERT INTO subscriptions (chat_id, chat_type, filter, cursor, active, since, ended_at, ended_reason)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)
         ON CONFLICT (chat_id) DO UPDATE SET chat_type = EXCLUDED.chat_type, filter = EXCLUDED.filter,
           cursor = EXCLUDED.cursor, active = EXCLUDED.active, since = EXCLUDED.since, ended_at = NULL, ended_reason = NULL`,
        [sub.chatId, sub.chatType, JSON.stringify(sub.filter), sub.cursor, sub.active, sub.since],
      );
      await c.query('SELECT pg_notify($1, $2)', [STATE_CHANNEL, String(sub.chatId)]);
    });
  }

  unsubscribe(chatId: number, reason: string, at = new Date()): void {
    const sub = this.subs.get(chatId);
    if (sub?.active) this.subs.set(chatId, { ...sub, active: false, endedAt: at.toISOString(), endedReason: reason });
    this.enqueue('unsubscribe', (c) => endSubscription(c, chatId, reason, at.toISOString(), false));
  }

  // --- runs ---

  /**
   * Records a run with its deliveries, once: a second instance recording
   * the same tick gets `created: false` and the run already there. Chats
   * with nothing new have their cursors moved in the same transaction.
   */
  async createRun({ run, digests, tick }: NewRun): Promise<{ created: boolean; runId: string }> {
    return this.transaction(async (c) => {
      const inserted = await c.query<{ id: string }>(
        `INSERT INTO digest_runs (id, tick, reason, started_at, upto_seq, nothing_new) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tick) DO NOTHING RETURNING id`,
        [run.id, tick ?? null, run.reason, run.startedAt, run.uptoSeq, run.nothingNew],
      );
      if (!inserted.rows.length) {
        const existing = await c.query<{ id: string }>('SELECT id FROM digest_runs WHERE tick = $1', [tick]);
        return { created: false, runId: existing.rows[0]!.id };
      }
      const keys = Object.keys(digests);
      if (keys.length) {
        await c.query(
          `INSERT INTO digests (key, messages) SELECT * FROM unnest($1::text[], $2::json[]) ON CONFLICT (key) DO NOTHING`,
          [keys, keys.map((k) => JSON.stringify(digests[k]))],
        );
      }
      const d = run.deliveries;
      if (d.length) {
        await c.query(
          `INSERT INTO deliveries (run_id, chat_id, digest, upto_seq, parts, sent_parts, status)
           SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::int[], $6::int[], $7::text[])
           ON CONFLICT (run_id, chat_id) DO NOTHING`,
          [
            run.id,
            d.map((x) => x.chatId),
            d.map((x) => x.digest),
            d.map((x) => x.uptoSeq),
            d.map((x) => digests[x.digest]?.length ?? 0),
            d.map((x) => x.sentParts),
            d.map((x) => x.status),
          ],
        );
      }
      if (run.nothingNew.length) {
        await c.query('UPDATE subscriptions SET cursor = GREATEST(cursor, $1) WHERE chat_id = ANY($2)', [run.uptoSeq, run.nothingNew]);
      }
      if (!d.length) await c.query('UPDATE digest_runs SET finished_at = now() WHERE id = $1', [run.id]);
      return { created: true, runId: run.id };
    });
  }

  /** Runs creation with the lock that makes "who is owed a digest" and the insert one step across instances. */
  exclusiveRunCreation<T>(work: () => Promise<T>): Promise<T> {
    return withClient(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_lock($1)', [RUN_CREATION_LOCK]);
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [RUN_CREATION_LOCK]).catch(() => undefined);
      }
    });
  }

  /** Chats still owed a digest by an unfinished run, and deferred deliveries a chat got only part of. */
  async outstanding(): Promise<{ owed: Set<number>; partial: Map<number, Delivery> }> {
    const owed = await this.pool.query<{ chat_id: string }>(
      `SELECT DISTINCT d.chat_id FROM deliveries d JOIN digest_runs r ON r.id = d.run_id WHERE r.finished_at IS NULL AND d.status = 'pending'`,
    );
    const partial = await this.pool.query<{ chat_id: string; digest: string; upto_seq: string; sent_parts: number; status: string }>(
      `SELECT DISTINCT ON (d.chat_id) d.chat_id, d.digest, d.upto_seq, d.sent_parts, d.status
       FROM deliveries d JOIN digest_runs r ON r.id = d.run_id
       ORDER BY d.chat_id, r.started_at DESC`,
    );
    const map = new Map<number, Delivery>();
    for (const r of partial.rows) {
      if (r.status !== 'deferred' || r.sent_parts === 0) continue;
      map.set(Number(r.chat_id), { chatId: Number(r.chat_id), digest: r.digest, uptoSeq: Number(r.upto_seq), sentParts: r.sent_parts, status: 'pending', attempts: 0 });
    }
    return { owed: new Set(owed.rows.map((r) => Number(r.chat_id))), partial: map };
  }

  async digest(key: string): Promise<OutMessage[] | undefined> {
    const { rows } = await this.pool.query<{ messages: OutMessage[] }>('SELECT messages FROM digests WHERE key = $1', [key]);
    return rows[0]?.messages;
  }

  async unfinishedRunIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM digest_runs WHERE finished_at IS NULL ORDER BY started_at');
    return rows.map((r) => r.id);
  }

  async progress(): Promise<RunProgress[]> {
    const { rows } = await this.pool.query<{ run_id: string; status: string; n: string }>(
      `SELECT d.run_id, d.status, count(*) AS n FROM deliveries d JOIN digest_runs r ON r.id = d.run_id
       WHERE r.finished_at IS NULL GROUP BY d.run_id, d.status`,
    );
    const byRun = new Map<string, RunProgress>();
    for (const r of rows) {
      const p = byRun.get(r.run_id) ?? { runId: r.run_id, total: 0, sent: 0, dropped: 0, deferred: 0, pending: 0 };
      const n = Number(r.n);
      p.total += n;
      if (r.status === 'sent' || r.status === 'dropped' || r.status === 'deferred' || r.status === 'pending') p[r.status] += n;
      byRun.set(r.run_id, p);
    }
    return [...byRun.values()];
  }

  /** Marks runs done once nothing in them is pending; whichever instance sees it first. */
  async finishDoneRuns(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE digest_runs r SET finished_at = now() WHERE finished_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.run_id = r.id AND d.status = 'pending') RETURNING id`,
    );
    if (rows.length) await this.forgetOldRuns();
    return rows.map((r) => r.id);
  }

  /**
   * Keeps the last few finished runs (for /stats and for finishing a
   * digest a chat got only part of), as the lowdb store does; older ones
   * and the digests nothing refers to any more go, or the outbox would grow for ever.
   */
  async forgetOldRuns(keep = RUNS_KEPT): Promise<void> {
    await this.transaction(async (c) => {
      // Not while a run is being recorded: it may be reusing a digest that looks unreferenced until it commits.
      await c.query('SELECT pg_advisory_xact_lock($1)', [RUN_CREATION_LOCK]);
      await c.query(
        `DELETE FROM digest_runs WHERE finished_at IS NOT NULL AND id NOT IN
           (SELECT id FROM digest_runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, started_at DESC LIMIT $1)`,
        [keep],
      );
      await c.query('DELETE FROM digests g WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.digest = g.key)');
    });
  }

  // --- moving in ---

  /**
   * Copies a lowdb state (subscriptions, unfinished runs with their
   * digests, totals) into this database, which must hold no state yet.
   * Returns the counts found here afterwards, for the caller to compare.
   */
  async importState(from: { subscriptions: readonly Subscription[]; runs: readonly Run[]; digests: Record<string, OutMessage[]>; totals: Totals }): Promise<StateCounts> {
    await this.transaction(async (c) => {
      const { rows } = await c.query<{ n: string }>('SELECT (SELECT count(*) FROM subscriptions) + (SELECT count(*) FROM digest_runs) AS n');
      if (Number(rows[0]!.n) > 0) throw new Error('the database already holds bot state; migrate into an empty one');
      for (const s of from.subscriptions) {
        await c.query(
          `INSERT INTO subscriptions (chat_id, chat_type, filter, cursor, active, since, ended_at, ended_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [s.chatId, s.chatType, JSON.stringify(s.filter), s.cursor, s.active, s.since, s.endedAt ?? null, s.endedReason ?? null],
        );
      }
      const t = from.totals;
      await c.query(
        'UPDATE state_totals SET messages_sent = $1, digests_delivered = $2, deferrals = $3, unsubscribed_by_telegram = $4 WHERE id = 1',
        [t.messagesSent, t.digestsDelivered, t.deferrals, t.unsubscribedByTelegram],
      );
      for (const run of from.runs) {
        const used = Object.fromEntries(run.deliveries.map((d) => [d.digest, from.digests[d.digest] ?? []]));
        const keys = Object.keys(used);
        if (keys.length) {
          await c.query('INSERT INTO digests (key, messages) SELECT * FROM unnest($1::text[], $2::json[]) ON CONFLICT (key) DO NOTHING', [
            keys,
            keys.map((k) => JSON.stringify(used[k])),
          ]);
        }
        await c.query('INSERT INTO digest_runs (id, reason, started_at, finished_at, upto_seq, nothing_new) VALUES ($1, $2, $3, $4, $5, $6)', [
          run.id,
          run.reason,
          run.startedAt,
          run.finishedAt ?? null,
          run.uptoSeq,
          run.nothingNew,
        ]);
        for (const d of run.deliveries) {
          await c.query(
            `INSERT INTO deliveries (run_id, chat_id, digest, upto_seq, parts, sent_parts, status, attempts, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [run.id, d.chatId, d.digest, d.uptoSeq, used[d.digest]?.length ?? 0, d.sentParts, d.status, d.attempts, d.lastError ?? null],
          );
        }
      }
    });
    return this.counts();
  }

  async counts(): Promise<StateCounts> {
    const { rows } = await this.pool.query<Record<keyof StateCounts, string>>(
      `SELECT (SELECT count(*) FROM subscriptions WHERE active) AS active,
              (SELECT count(*) FROM subscriptions WHERE NOT active) AS ended,
              (SELECT count(*) FROM digest_runs) AS runs,
              (SELECT count(*) FROM deliveries) AS deliveries,
              (SELECT messages_sent FROM state_totals) AS "messagesSent"`,
    );
    const r = rows[0]!;
    return { active: Number(r.active), ended: Number(r.ended), runs: Number(r.runs), deliveries: Number(r.deliveries), messagesSent: Number(r.messagesSent) };
  }

  // --- updates ---

  /**
   * True when this instance should handle the update: the first time any
   * instance sees it, or when the instance that claimed it has not finished
   * it within `staleMs` (it died mid-way). A redelivery gets false.
   */
  async claimUpdate(updateId: number, staleMs = 30_000): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO processed_updates (update_id) VALUES ($1)
       ON CONFLICT (update_id) DO UPDATE SET processed_at = now()
       WHERE NOT processed_updates.done AND processed_updates.processed_at < now() - make_interval(secs => $2 / 1000.0)`,
      [updateId, staleMs],
    );
    return rowCount === 1;
  }

  async finishUpdate(updateId: number): Promise<void> {
    await this.pool.query('UPDATE processed_updates SET done = true, processed_at = now() WHERE update_id = $1', [updateId]);
  }

  async releaseUpdate(updateId: number): Promise<void> {
    await this.pool.query('DELETE FROM processed_updates WHERE update_id = $1 AND NOT done', [updateId]);
  }

  /** Telegram gives up resending within a day; older ids are of no use. */
  async forgetOldUpdates(olderThanHours = 48): Promise<void> {
    await this.pool.query(`DELETE FROM processed_updates WHERE processed_at < now() - make_interval(hours => $1)`, [olderThanHours]);
  }
}

/** Ends a subscription and voids what was still to be sent to it, as the lowdb store does. */
async function endSubscription(c: pg.PoolClient, chatId: number, reason: string, at: string, byTelegram: boolean): Promise<void> {
  const ended = await c.query(
    'UPDATE subscriptions SET active = false, ended_at = $2, ended_reason = $3 WHERE chat_id = $1 AND active',
    [chatId, at, reason],
  );
  if (byTelegram && ended.rowCount) await c.query('UPDATE state_totals SET unsubscribed_by_telegram = unsubscribed_by_telegram + 1 WHERE id = 1');
  await c.query(
    `UPDATE deliveries d SET status = 'dropped' FROM digest_runs r
     WHERE r.id = d.run_id AND r.finished_at IS NULL AND d.chat_id = $1 AND d.status IN ('pending', 'deferred')`,
    [chatId],
  );
  await c.query('SELECT pg_notify($1, $2)', [STATE_CHANNEL, String(chatId)]);
}

interface Claimed {
  run_id: string;
  chat_id: string;
  digest: string;
  upto_seq: string;
  parts: number;
  sent_parts: number;
  attempts: number;
  chat_type: string | null;
}

type Outcome =
  | { kind: 'sent' }
  | { kind: 'skipped' }
  | { kind: 'postponed' }
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'gone'; reason: string }
  | { kind: 'migrated'; toChatId: number }
  | { kind: 'retry'; reason: string; delayMs: number }
  | { kind: 'deferred'; reason: string };

/**
 * Drains the shared outbox, side by side with the other instances. Each
 * round locks a small batch of due deliveries (FOR UPDATE SKIP LOCKED, so
 * instances never take the same one), takes send slots for it from the
 * one budget row every instance shares, sends one part of each at its
 * slot, and records the results in the transaction that held the rows: a
 * part counts as sent exactly when Telegram's acceptance is committed. If
 * the process dies mid-batch the transaction dies with it, the rows are
 * free again and another instance sends them; so a message may go twice
 * only if it was in flight at that moment, and the batch is what can be in
 * flight.
 *
 * Pace: slots are (1000 + slack) / perSecond ms apart across all instances
 * (the database clock decides, so instances' clocks need not agree); a
 * chat's next part waits perChatGapMs (3 s in groups, for their 20 per
 * minute); a 429 pauses every instance.
 */
export class SharedOutbox {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly messages = new Map<string, OutMessage[]>();
  private wake: (() => void) | undefined;

  constructor(
    private readonly state: PostgresStateStore,
    private readonly sender: Sender,
    private readonly log: Logger,
    private readonly limits: BroadcastLimits,
    private readonly options: { idleMs?: number; onRunFinished?: (runId: string) => void } = {},
  ) {}

  private pausedUntil = 0;
  /** Recent readings of (database clock − our clock), in ms. */
  private offsets: number[] = [];

  /**
   * One instance's limiter learns from Telegram's answers how late its
   * requests arrive; instances sharing a budget cannot see each other's, and
   * their timers and clock readings each add a few milliseconds of jitter.
   * A wider margin keeps the combined rate under the limit anyway.
   */
  private get gapMs(): number {
    return (1000 + Math.max(this.limits.slackMs, SHARED_SLACK_MS)) / this.limits.perSecond;
  }

  private chatGapMs(chatType: string | null): number {
    const group = chatType === 'group' || chatType === 'supergroup';
    return group ? Math.max(this.limits.perChatGapMs, Math.ceil(60_000 / this.limits.perGroupPerMinute)) : this.limits.perChatGapMs;
  }

  /** Starts the drain loop; it sleeps while nothing is due. */
  start(): void {
    this.loop ??= (async () => {
      while (!this.stopped) {
        let handled = 0;
        try {
          handled = await this.round();
        } catch (e) {
          if (this.stopped) break;
          this.log.warn('outbox round failed; trying again', { error: e });
        }
        if (!handled && !this.stopped) await this.idle();
      }
    })();
  }

  /** Finishes the round in flight (its results are committed), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** A run was just recorded: look now rather than at the next idle tick. */
  poke(): void {
    this.wake?.();
  }

  private async idle(): Promise<void> {
    const { rows } = await this.state.pool
      .query<{ ms: number | null }>(
        `SELECT GREATEST(0, EXTRACT(EPOCH FROM (min(not_before) - now())) * 1000)::float8 AS ms FROM deliveries WHERE status = 'pending'`,
      )
      .catch(() => ({ rows: [{ ms: null }] }));
    const ms = Math.min(this.options.idleMs ?? 500, Math.max(10, rows[0]?.ms ?? Infinity));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  /** One batch: returns how many deliveries it handled. */
  async round(): Promise<number> {
    const handled = await inTransaction(this.state.pool, async (client) => {
      const { rows } = await client.query<Claimed>(
        `SELECT d.run_id, d.chat_id::text, d.digest, d.upto_seq::text, d.parts, d.sent_parts, d.attempts, s.chat_type
         FROM deliveries d LEFT JOIN subscriptions s ON s.chat_id = d.chat_id
         WHERE d.status = 'pending' AND d.not_before <= now()
         ORDER BY d.not_before, d.run_id, d.chat_id
         LIMIT $1 FOR UPDATE OF d SKIP LOCKED`,
        [this.limits.maxInFlight],
      );
      if (!rows.length) return 0;
      const slots = await this.takeSlots(rows.length);
      const outcomes = await Promise.all(rows.map((row, i) => this.sendAt(row, slots[i]!)));
      for (let i = 0; i < rows.length; i++) await this.record(client, rows[i]!, outcomes[i]!);
      this.log.debug('outbox batch', { deliveries: rows.length, sent: outcomes.filter((o) => o.kind === 'sent').length });
      return rows.length;
    });
    // Also when idle: a run whose last pending chat unsubscribed has nothing left to send, but is done.
    for (const id of await this.state.finishDoneRuns()) {
      this.log.info('digest run finished', { runId: id });
      this.options.onRunFinished?.(id);
    }
    return handled;
  }

  /**
   * Takes `n` consecutive slots from the shared budget (its own short
   * transaction, so instances queue on the row only for that moment) and
   * turns them into local times, by the database's clock.
   */
  private async takeSlots(n: number): Promise<number[]> {
    // The database's now() is taken when the statement starts: our clock then is the closer match.
    const local = Date.now();
    const { rows } = await this.state.pool.query<{ start_ms: number; now_ms: number }>(
      `WITH prev AS (SELECT GREATEST(next_slot, paused_until, now()) AS start FROM send_budget WHERE id = 1 FOR UPDATE)
       UPDATE send_budget SET next_slot = prev.start + make_interval(secs => $1 / 1000.0) FROM prev WHERE id = 1
       RETURNING EXTRACT(EPOCH FROM prev.start)::float8 * 1000 AS start_ms, EXTRACT(EPOCH FROM now())::float8 * 1000 AS now_ms`,
      [n * this.gapMs],
    );
    const { start_ms, now_ms } = rows[0]!;
    // now() - local is the clocks' offset plus however long the query took to start: the smallest
    // of the recent readings is the best estimate of the offset alone.
    this.offsets = [...this.offsets.slice(-19), now_ms - local];
    const offset = Math.min(...this.offsets);
    return Array.from({ length: n }, (_, i) => start_ms - offset + i * this.gapMs);
  }

  private async pausedElsewhere(): Promise<boolean> {
    const { rows } = await this.state.pool.query<{ ms: number }>(
      'SELECT EXTRACT(EPOCH FROM (paused_until - now()))::float8 * 1000 AS ms FROM send_budget WHERE id = 1',
    );
    const ms = rows[0]?.ms ?? 0;
    if (ms > 0) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    return ms > 0;
  }

  private async messagesOf(key: string): Promise<OutMessage[]> {
    let m = this.messages.get(key);
    if (!m) {
      m = (await this.state.digest(key)) ?? [];
      this.messages.set(key, m);
      if (this.messages.size > 500) this.messages.delete(this.messages.keys().next().value!);
    }
    return m;
  }

  private async sendAt(row: Claimed, at: number): Promise<Outcome> {
    const parts = await this.messagesOf(row.digest);
    const message = parts[row.sent_parts];
    if (!message) return { kind: 'skipped' };
    for (;;) {
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
      // A 429 seen by any instance since the slot was taken: this message waits with the rest.
      if (this.pausedUntil > Date.now() || (await this.pausedElsewhere())) return { kind: 'postponed' };
      if (Date.now() - at <= LATE_MS) break;
      // Sent this late, it would crowd the slots after it (another instance's, perhaps): it takes a fresh one.
      at = (await this.takeSlots(1))[0]!;
    }
    try {
      await this.sender.send(Number(row.chat_id), message);
      return { kind: 'sent' };
    } catch (e) {
      const f = classifyTelegramError(e);
      switch (f.kind) {
        case 'rate_limited':
          // Announced at once, not with the batch's results: the other instances must stop now.
          this.pausedUntil = Math.max(this.pausedUntil, Date.now() + f.retryAfterMs);
          await this.state.pool
            .query('UPDATE send_budget SET paused_until = GREATEST(paused_until, now() + make_interval(secs => $1 / 1000.0)) WHERE id = 1', [
              f.retryAfterMs,
            ])
            .catch((error: unknown) => this.log.warn('could not share a 429 pause', { error }));
          return f;
        case 'gone':
        case 'migrated':
          return f;
        case 'transient': {
          const delay = this.limits.retryDelaysMs[row.attempts];
          return delay === undefined ? { kind: 'deferred', reason: f.reason } : { kind: 'retry', reason: f.reason, delayMs: delay };
        }
        case 'rejected':
          return { kind: 'deferred', reason: f.reason };
      }
    }
  }

  private async record(c: pg.PoolClient, row: Claimed, o: Outcome): Promise<void> {
    const key = [row.run_id, row.chat_id];
    const at = new Date().toISOString();
    switch (o.kind) {
      case 'sent': {
        const done = row.sent_parts + 1 >= row.parts;
        await c.query(
          `UPDATE deliveries SET sent_parts = sent_parts + 1, attempts = 0, status = $3,
             not_before = now() + make_interval(secs => $4 / 1000.0) WHERE run_id = $1 AND chat_id = $2`,
          [...key, done ? 'sent' : 'pending', this.chatGapMs(row.chat_type)],
        );
        await c.query(
          'UPDATE state_totals SET messages_sent = messages_sent + 1, digests_delivered = digests_delivered + $1 WHERE id = 1',
          [done ? 1 : 0],
        );
        if (done) await c.query('UPDATE subscriptions SET cursor = GREATEST(cursor, $2) WHERE chat_id = $1', [row.chat_id, row.upto_seq]);
        return;
      }
      case 'skipped':
        await c.query(`UPDATE deliveries SET status = 'sent' WHERE run_id = $1 AND chat_id = $2`, key);
        return;
      case 'postponed':
        await c.query('UPDATE deliveries SET not_before = GREATEST(not_before, (SELECT paused_until FROM send_budget WHERE id = 1)) WHERE run_id = $1 AND chat_id = $2', key);
        return;
      case 'rate_limited':
        // This message goes first when the pause ends: it is then the oldest due.
        await c.query('UPDATE deliveries SET not_before = now() + make_interval(secs => $3 / 1000.0) WHERE run_id = $1 AND chat_id = $2', [
          ...key,
          o.retryAfterMs,
        ]);
        this.log.warn('broadcast rate limited; every instance pauses', { chatId: Number(row.chat_id), retryAfterMs: o.retryAfterMs });
        return;
      case 'gone':
        await endSubscription(c, Number(row.chat_id), o.reason, at, true);
        this.log.info('chat unreachable; unsubscribed', { chatId: Number(row.chat_id), reason: o.reason });
        return;
      case 'migrated': {
        await migrateChat(c, row, o.toChatId);
        this.log.info('group migrated to a supergroup; subscription moved', { from: Number(row.chat_id), to: o.toChatId });
        return;
      }
      case 'retry':
        await c.query(
          `UPDATE deliveries SET attempts = attempts + 1, last_error = $3, not_before = now() + make_interval(secs => $4 / 1000.0)
           WHERE run_id = $1 AND chat_id = $2`,
          [...key, o.reason, o.delayMs],
        );
        return;
      case 'deferred':
        await c.query(`UPDATE deliveries SET attempts = attempts + 1, last_error = $3, status = 'deferred' WHERE run_id = $1 AND chat_id = $2`, [
          ...key,
          o.reason,
        ]);
        await c.query('UPDATE state_totals SET deferrals = deferrals + 1 WHERE id = 1');
        this.log.warn('delivery deferred to the next run', { chatId: Number(row.chat_id), reason: o.reason });
        return;
    }
  }
}

/**
 * The group became a supergroup: the subscription moves, and so does this
 * delivery, unless the supergroup has its own subscription (its newer
 * wish stands) or already a delivery in this run; then this one is void.
 */
async function migrateChat(c: pg.PoolClient, row: Claimed, to: number): Promise<void> {
  const from = Number(row.chat_id);
  const own = await c.query<{ active: boolean }>('SELECT active FROM subscriptions WHERE chat_id = $1', [to]);
  const hasOwnDelivery = await c.query('SELECT 1 FROM deliveries WHERE run_id = $1 AND chat_id = $2', [row.run_id, to]);
  if (own.rows.length) await c.query('DELETE FROM subscriptions WHERE chat_id = $1', [from]);
  else {
    await c.query(
      `UPDATE subscriptions SET chat_id = $2, chat_type = CASE WHEN chat_type = 'group' THEN 'supergroup' ELSE chat_type END WHERE chat_id = $1`,
      [from, to],
    );
  }
  if ((own.rows.length && !own.rows[0]!.active) || hasOwnDelivery.rows.length) {
    await c.query(`UPDATE deliveries SET status = 'dropped', last_error = $3 WHERE run_id = $1 AND chat_id = $2`, [row.run_id, from, `migrated to ${to}`]);
  } else {
    await c.query('UPDATE deliveries SET chat_id = $3, not_before = now() WHERE run_id = $1 AND chat_id = $2', [row.run_id, from, to]);
  }
  await c.query('SELECT pg_notify($1, $2), pg_notify($1, $3)', [STATE_CHANNEL, String(from), String(to)]);
}

/** Run ids that sort by time and differ between instances firing in the same millisecond. */
export function newRunId(reason: Run['reason'], at: Date): string {
  return `${reason[0]}${at.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
}

export interface SharedRunResult {
  runId: string;
  /** False when another instance had already recorded this tick's run. */
  created: boolean;
  deliveries: number;
  nothingNew: number;
}

/**
 * The tick a scheduled firing belongs to: every instance's cron fires at
 * the same wall-clock minute (second, for six-field patterns), give or take
 * its timer's lateness, so they agree on the key.
 */
export function tickOf(firedAt: Date, withSeconds = false): string {
  const ms = withSeconds ? 1000 : 60_000;
  return `scheduled:${new Date(Math.floor(firedAt.getTime() / ms) * ms).toISOString()}`;
}

/**
 * Digest runs for instances sharing one database: what is new for whom is
 * composed as the lowdb runner does it, and recorded once per tick (or per
 * /broadcast, /digest); the shared outbox sends it.
 */
export class SharedDigestRunner {
  private creating = false;

  constructor(
    private readonly state: PostgresStateStore,
    private readonly knowledge: () => KnowledgeBase,
    private readonly outbox: SharedOutbox,
    private readonly log: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** One run for every subscribed chat; undefined when this instance is already recording one. */
  runAll(reason: 'scheduled' | 'manual', tick?: string): Promise<SharedRunResult> | undefined {
    if (this.creating) return undefined;
    this.creating = true;
    return this.record(reason, this.state.activeSubscriptions(), tick).finally(() => {
      this.creating = false;
    });
  }

  /** 即时 chats' digests after the watcher ingested news; skipped (not queued) while this instance records another run. */
  runInstant(): Promise<SharedRunResult> | undefined {
    if (this.creating) return undefined;
    this.creating = true;
    const subs = this.state.activeSubscriptions().filter((s) => s.filter.instant);
    return this.record('instant', subs).finally(() => {
      this.creating = false;
    });
  }

  async runOne(chatId: number): Promise<'queued' | 'nothing' | 'in_progress' | 'not_subscribed'> {
    const sub = this.state.subscription(chatId);
    if (!sub?.active) return 'not_subscribed';
    const result = await this.record('single', [sub]);
    if (result.deliveries) return 'queued';
    return result.owed ? 'in_progress' : 'nothing';
  }

  private record(reason: Run['reason'], subs: readonly Subscription[], tick?: string): Promise<SharedRunResult & { owed: boolean }> {
    return this.state.exclusiveRunCreation(async () => {
      const kb = this.knowledge();
      const at = this.clock();
      const runId = newRunId(reason, at);
      const { owed, partial } = await this.state.outstanding();
      const digests: Record<string, OutMessage[]> = {};
      const deliveries: Delivery[] = [];
      const nothingNew: number[] = [];
      let wasOwed = false;
      for (const sub of subs) {
        // Still owed a digest by an unfinished run: its cursor has not moved, so it would be composed the same news twice.
        if (owed.has(sub.chatId)) {
          wasOwed = true;
          continue;
        }
        const half = partial.get(sub.chatId);
        const halfMessages = half && (await this.state.digest(half.digest));
        if (half && halfMessages) {
          digests[half.digest] = halfMessages;
          deliveries.push(half);
          continue;
        }
        const sections = composeDigest(kb, sub.cursor, kb.seq, sub.filter);
        if (!sections.length) {
          if (sub.cursor < kb.seq) nothingNew.push(sub.chatId);
          continue;
        }
        const messages = renderDigest(sections, kb, describeFilter(sub.filter, kb));
        const key = createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 16);
        digests[key] = messages;
        deliveries.push({ chatId: sub.chatId, digest: key, uptoSeq: kb.seq, sentParts: 0, status: 'pending', attempts: 0 });
      }
      if (!deliveries.length && !nothingNew.length) return { runId, created: false, deliveries: 0, nothingNew: 0, owed: wasOwed };
      const run: Run = { id: runId, reason, startedAt: at.toISOString(), uptoSeq: kb.seq, deliveries, nothingNew };
      const { created, runId: id } = await this.state.createRun({ run, digests, ...(tick ? { tick } : {}) });
      if (created) {
        this.log.info('digest run recorded', { runId: id, reason, deliveries: deliveries.length, nothingNew: nothingNew.length });
        this.outbox.poke();
      } else this.log.info('digest run already recorded by another instance', { runId: id, tick });
      return { runId: id, created, deliveries: created ? deliveries.length : 0, nothingNew: created ? nothingNew.length : 0, owed: wasOwed };
    });
  }
}

export interface SharedDigestServiceDeps {
  state: PostgresStateStore;
  runner: SharedDigestRunner;
  knowledge: () => KnowledgeBase;
  log: Logger;
  schedule: string;
  nextRun: () => Date | undefined;
  isGroupAdmin: (chatId: number, userId: number) => Promise<boolean>;
}

/** The digest features over the shared state, as handlers see them (the lowdb twin is bot/digest-service.ts). */
export function createSharedDigestService(d: SharedDigestServiceDeps): DigestService & { refresh(): Promise<void> } {
  let running: RunProgress[] = [];
  return {
    async refresh() {
      running = await d.state.progress();
    },
    subscription(chatId) {
      const s = d.state.subscription(chatId);
      if (!s) return undefined;
      return { filter: s.filter, active: s.active, since: s.since, ...(s.endedReason ? { endedReason: s.endedReason } : {}) };
    },
    subscribe(chat: Chat, filter: DigestFilter) {
      const existing = d.state.subscription(chat.id);
      const cursor = existing?.active ? existing.cursor : d.knowledge().seq;
      const since = existing?.active ? existing.since : new Date().toISOString();
      d.state.subscribe({ chatId: chat.id, chatType: chat.type, filter, cursor, active: true, since });
    },
    unsubscribe(chatId) {
      if (!d.state.subscription(chatId)?.active) return false;
      d.state.unsubscribe(chatId, '用户退订');
      return true;
    },
    async canManage(chat, userId) {
      if (chat.type !== 'group' && chat.type !== 'supergroup') return true;
      try {
        return await d.isGroupAdmin(chat.id, userId);
      } catch (error) {
        d.log.warn('could not check group admin rights', { chatId: chat.id, error });
        return false;
      }
    },
    sendNow(chat) {
      return d.runner.runOne(chat.id);
    },
    broadcastNow() {
      if (running.some((r) => r.pending > 0)) return 'busy';
      const run = d.runner.runAll('manual');
      if (!run) return 'busy';
      run.catch((error: unknown) => d.log.error('broadcast failed', { error }));
      return 'started';
    },
    stats() {
      const subs = d.state.allSubscriptions();
      const next = d.nextRun();
      return {
        subscribers: subs.filter((s) => s.active).length,
        unsubscribed: subs.filter((s) => !s.active).length,
        ...d.state.totals(),
        running,
        ...(next ? { nextRun: next } : {}),
      };
    },
    schedule: d.schedule,
  };
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

/**
 * Runs `lead` on one instance at a time: whoever holds a session advisory
 * lock on its own connection. If that instance dies, its session ends, the
 * lock is free, and another instance takes over at its next try. Returns a
 * stop function (which also ends the lead, if this instance has it).
 */
export function whileLeader(
  connectionString: string,
  key: number,
  lead: () => Promise<() => Promise<void>>,
  log: Logger,
  retryMs = 15_000,
): () => Promise<void> {
  let stopped = false;
  let client: pg.Client | undefined;
  let endLead: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const lose = async (why: unknown): Promise<void> => {
    const end = endLead;
    endLead = undefined;
    client = undefined;
    if (end) {
      log.warn('lost the lead; stopping until it is ours again', { error: why });
      await end().catch(() => undefined);
    }
  };
  const attempt = async (): Promise<void> => {
    if (stopped || endLead) return;
    const c = new pg.Client({ connectionString });
    c.on('error', (e) => {
      if (client === c) void lose(e);
    });
    c.on('end', () => {
      if (client === c) void lose(new Error('connection ended'));
    });
    try {
      await c.connect();
      const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
      if (!rows[0]?.ok || stopped) {
        await c.end();
        return;
      }
      client = c;
      endLead = await lead();
    } catch (e) {
      await c.end().catch(() => undefined);
      log.warn('could not try for the lead', { error: e });
    }
  };
  const loop = (): void => {
    void attempt().finally(() => {
      if (!stopped) timer = setTimeout(loop, retryMs);
    });
  };
  loop();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const end = endLead;
    endLead = undefined;
    await end?.().catch(() => undefined);
    await client?.end().catch(() => undefined);
  };
}
