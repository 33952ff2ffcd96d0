import type { OutMessage } from '../handlers/reply.ts';
import type { Logger } from './logger.ts';
import { WindowLimiter, type Finish } from './rate-limiter.ts';
import type { StateStore } from './state-store.ts';
import { classifyTelegramError, sleep } from './telegram-errors.ts';

/** Sends one message; throws Telegraf's errors unchanged so they can be classified. */
export interface Sender {
  send(chatId: number, message: OutMessage): Promise<void>;
}

export interface BroadcastLimits {
  /** Messages per second across all chats (Telegram: about 30). */
  perSecond: number;
  /** Gap between two messages to one chat (Telegram: about 1 per second). */
  perChatGapMs: number;
  /** Messages per minute to one group (Telegram: 20). */
  perGroupPerMinute: number;
  /** Requests in flight at once; enough to keep the pace while each takes tens of milliseconds. */
  maxInFlight: number;
  /** Waits before retrying a 5xx or network failure; after the last one the delivery waits for the next run. */
  retryDelaysMs: readonly number[];
  /** Extra width of the one-second window, against jitter between here and Telegram. */
  slackMs: number;
}

export const DEFAULT_LIMITS: BroadcastLimits = {
  perSecond: 30,
  perChatGapMs: 1000,
  perGroupPerMinute: 20,
  maxInFlight: 8,
  retryDelaysMs: [500, 1000, 2000],
  slackMs: 25,
};

interface Job {
  runId: string;
  chatId: number;
  parts: OutMessage[];
  readyAt: number;
  failures: number;
  /** Telegram asked for this very message again after a 429: it goes before anything new. */
  resendFirst?: boolean;
}

export interface RunProgress {
  runId: string;
  total: number;
  sent: number;
  dropped: number;
  deferred: number;
  pending: number;
}

/**
 * The next job that may go at `t`: a message Telegram asked to have resent
 * (429) before anything new, else the first ready one. Jobs put back while
 * a 429 pause lasted would otherwise queue up in front of it.
 */
function nextJob(queue: readonly Job[], t: number, busyChats: ReadonlySet<number>): number {
  const ready = (j: Job): boolean => j.readyAt <= t && !busyChats.has(j.chatId);
  const resend = queue.findIndex((j) => j.resendFirst === true && ready(j));
  return resend >= 0 ? resend : queue.findIndex(ready);
}

/**
 * Sends a run's digests from the durable outbox without tripping Telegram's
 * limits: one pace for all chats, a gap per chat, a budget per group. Every
 * accepted message is marked in the state journal before the next part
 * goes, so a crash resumes exactly where it stopped.
 *
 * - 429: everything waits retry_after, then the same message is sent again;
 * - 403 / chat not found: the chat is unsubscribed with the reason;
 * - group migrated to a supergroup: the subscription moves and delivery goes on there;
 * - 5xx / network: exponential backoff, then the delivery waits for the next run.
 */
export class Broadcaster {
  private readonly global: WindowLimiter;
  private readonly groups = new Map<number, WindowLimiter>();
  private readonly lastSentTo = new Map<number, number>();
  private pausedUntil = 0;
  private readonly active = new Set<string>();

  constructor(
    private readonly state: StateStore,
    private readonly sender: Sender,
    private readonly log: Logger,
    private readonly limits: BroadcastLimits = DEFAULT_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.global = new WindowLimiter(limits.perSecond, 1000, limits.slackMs, now);
  }

  progress(): RunProgress[] {
    return [...this.active].map((runId) => {
      const run = this.state.run(runId);
      const deliveries = run?.deliveries ?? [];
      const count = (s: string): number => deliveries.filter((d) => d.status === s).length;
      return { runId, total: deliveries.length, sent: count('sent'), dropped: count('dropped'), deferred: count('deferred'), pending: count('pending') };
    });
  }

  /** Sends every outstanding part of a run; resolves when each delivery is sent, dropped or deferred. */
  async drain(runId: string): Promise<void> {
    const run = this.state.run(runId);
    if (!run || run.finishedAt) return;
    this.active.add(runId);
    const queue: Job[] = [];
    for (const d of run.deliveries) {
      const parts = this.state.digest(d.digest) ?? [];
      if (d.status === 'pending' && d.sentParts < parts.length) queue.push({ runId, chatId: d.chatId, parts, readyAt: 0, failures: 0 });
    }
    const inFlight = new Set<Promise<void>>();
    const busyChats = new Set<number>();
    try {
      while (queue.length || inFlight.size) {
        const t = this.now();
        const index = nextJob(queue, t, busyChats);
        if (index < 0 || inFlight.size >= this.limits.maxInFlight || this.pausedUntil > t) {
          const nextReady = Math.min(...queue.map((j) => j.readyAt), this.pausedUntil > t ? this.pausedUntil : Infinity);
          const waitMs = Number.isFinite(nextReady) ? Math.max(1, nextReady - t) : 50;
          await Promise.race([sleep(Math.min(waitMs, 1000)), ...inFlight]);
          continue;
        }
        const job = queue.splice(index, 1)[0]!;
        job.resendFirst = false;
        const chatWait = this.chatDelay(job.chatId);
        if (chatWait > 0) {
          job.readyAt = t + chatWait;
          queue.push(job);
          continue;
        }
        const finish = await this.global.acquire();
        if (this.pausedUntil > this.now()) {
          // A 429 arrived while we waited for the slot: put the job back and honour the pause.
          finish();
          queue.unshift(job);
          continue;
        }
        busyChats.add(job.chatId);
        const sending = this.sendNext(job, queue, finish).finally(() => {
          busyChats.delete(job.chatId);
          inFlight.delete(sending);
        });
        inFlight.add(sending);
      }
      this.state.finishRun(runId);
    } finally {
      this.active.delete(runId);
      this.forgetQuietChats();
    }
  }

  /** Chats whose gap has passed need no entry; without this the map would hold every chat ever sent to. */
  private forgetQuietChats(): void {
    const t = this.now();
    for (const [chatId, at] of this.lastSentTo) if (at + this.limits.perChatGapMs <= t) this.lastSentTo.delete(chatId);
  }

  /** Milliseconds before this chat may get another message. */
  private chatDelay(chatId: number): number {
    const t = this.now();
    const last = this.lastSentTo.get(chatId);
    const byGap = last === undefined ? 0 : last + this.limits.perChatGapMs - t;
    const sub = this.state.subscription(chatId);
    if (sub?.chatType === 'group' || sub?.chatType === 'supergroup') {
      let limiter = this.groups.get(chatId);
      if (!limiter) {
        limiter = new WindowLimiter(this.limits.perGroupPerMinute, 60_000, 0, this.now);
        this.groups.set(chatId, limiter);
      }
      return Math.max(byGap, limiter.delay());
    }
    return Math.max(0, byGap);
  }

  /** Sends the job's next part; `finish` tells the global limiter when Telegram's answer is in. */
  private async sendNext(job: Job, queue: Job[], finish: Finish): Promise<void> {
    const run = this.state.run(job.runId);
    const delivery = run?.deliveries.find((d) => d.chatId === job.chatId);
    const message = delivery?.status === 'pending' ? job.parts[delivery.sentParts] : undefined;
    if (!delivery || !message) {
      finish();
      return;
    }
    const part = delivery.sentParts;
    this.lastSentTo.set(job.chatId, this.now());
    this.groups.get(job.chatId)?.tryTake();
    try {
      await this.sender.send(job.chatId, message).finally(finish);
    } catch (e) {
      this.onFailure(job, queue, e);
      return;
    }
    this.state.markSent(job.runId, job.chatId, part);
    job.failures = 0;
    if (part + 1 < job.parts.length) {
      job.readyAt = this.now() + this.limits.perChatGapMs;
      queue.push(job);
    }
  }

  private onFailure(job: Job, queue: Job[], e: unknown): void {
    const failure = classifyTelegramError(e);
    const t = this.now();
    switch (failure.kind) {
      case 'rate_limited':
        this.pausedUntil = Math.max(this.pausedUntil, t + failure.retryAfterMs);
        job.readyAt = t + failure.retryAfterMs;
        job.resendFirst = true;
        queue.unshift(job);
        this.log.warn('broadcast rate limited; pausing', { chatId: job.chatId, retryAfterMs: failure.retryAfterMs });
        return;
      case 'gone':
        this.state.markGone(job.runId, job.chatId, failure.reason);
        this.log.info('chat unreachable; unsubscribed', { chatId: job.chatId, reason: failure.reason });
        return;
      case 'migrated': {
        const delivery = this.state.run(job.runId)?.deliveries.find((d) => d.chatId === job.chatId);
        this.state.markMigrated(job.chatId, failure.toChatId);
        // The delivery moves with the group, unless the supergroup has its own (or unsubscribed): then it is void.
        const moved = delivery?.chatId === failure.toChatId && delivery.status === 'pending';
        this.log.info('group migrated to a supergroup; subscription moved', { from: job.chatId, to: failure.toChatId, moved });
        if (!moved) return;
        job.chatId = failure.toChatId;
        job.readyAt = 0;
        queue.unshift(job);
        return;
      }
      case 'transient':
      case 'rejected': {
        const delay = this.limits.retryDelaysMs[job.failures];
        job.failures++;
        if (delay !== undefined && failure.kind === 'transient') {
          job.readyAt = t + delay;
          queue.push(job);
          return;
        }
        this.state.markFailure(job.runId, job.chatId, failure.reason, true);
        this.log.warn('delivery deferred to the next run', { chatId: job.chatId, reason: failure.reason });
      }
    }
  }
}
