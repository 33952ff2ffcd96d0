import { randomBytes } from 'node:crypto';
import type { OutMessage } from '../handlers/reply.ts';
import type { Chat, DigestService } from '../handlers/request.ts';
import { DigestFilter } from '../knowledge/digests/subscription-filter.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { RunProgress } from './broadcaster.ts';
import { planRun } from './digest-runner.ts';
import type { Logger } from './logger.ts';
import type { SharedOutbox } from './shared-outbox.ts';
import type { PostgresStateStore } from './state-store-postgres.ts';
import type { Delivery, Run, Subscription } from './state-store.ts';

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
      // The run is created under the database lock below, so the half-sent digests can be read before planning.
      const halves = new Map<number, { delivery: Delivery; messages: OutMessage[] }>();
      for (const [chatId, half] of partial) {
        const messages = await this.state.digest(half.digest);
        if (messages) halves.set(chatId, { delivery: half, messages });
      }
      const { digests, deliveries, nothingNew, skippedOwed: wasOwed } = planRun(kb, subs, {
        owed: (chatId) => owed.has(chatId),
        halfSent: (chatId) => halves.get(chatId),
      });
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
