import pg from 'pg';
import type { OutMessage } from '../handlers/reply.ts';
import { DigestFilter } from '../knowledge/digests/subscription-filter.ts';
import { inTransaction, withClient } from '../knowledge/store/migrate.ts';
import type { RunProgress } from './broadcaster.ts';
import type { Logger } from './logger.ts';
import type { Delivery, Run, Subscription, SubscriptionStore, Totals } from './state-store.ts';

/** Finished runs kept, as in the lowdb store. */
const RUNS_KEPT = 5;

/** Serialises run creation across instances: the "owed" check and the insert see one world. */
const RUN_CREATION_LOCK = 7_424_201;
/** Every instance LISTENs here for subscription changes; the outbox notifies it too when a chat is gone or has moved. */
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
 * runs and their outbox, totals, the send budget, processed updates. The
 * work done over these tables lives beside it, so that each piece can be
 * read alone: shared-outbox.ts drains the outbox, shared-digests.ts records
 * one run per tick, watch-state-postgres.ts holds the watcher's memory and
 * leadership.ts picks the one instance that polls the sources.
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

/**
 * Ends a subscription and voids what was still to be sent to it, as the
 * lowdb store does. Takes the caller's client so that the outbox can end a
 * chat Telegram refused in the same transaction that records the refusal.
 */
export async function endSubscription(c: pg.PoolClient, chatId: number, reason: string, at: string, byTelegram: boolean): Promise<void> {
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
