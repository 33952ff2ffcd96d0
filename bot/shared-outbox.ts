import type pg from 'pg';
import type { OutMessage } from '../handlers/reply.ts';
import { inTransaction } from '../knowledge/store/migrate.ts';
import type { BroadcastLimits, Sender } from './broadcaster.ts';
import type { Logger } from './logger.ts';
import { endSubscription, STATE_CHANNEL, type PostgresStateStore } from './state-store-postgres.ts';
import { classifyTelegramError, sleep } from './telegram-errors.ts';

/** See SharedOutbox.gapMs. */
const SHARED_SLACK_MS = 100;
/** A send this far behind its slot gives the slot up (see SharedOutbox.sendAt). */
const LATE_MS = 25;

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
        // The chat's gap counts from now, after the send: now() is when the round's transaction began,
        // before the batch waited for its slots, and the chat's next part would come that much early.
        await c.query(
          `UPDATE deliveries SET sent_parts = sent_parts + 1, attempts = 0, status = $3,
             not_before = clock_timestamp() + make_interval(secs => $4 / 1000.0) WHERE run_id = $1 AND chat_id = $2`,
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
