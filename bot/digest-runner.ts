import { createHash } from 'node:crypto';
import { renderDigest } from '../handlers/digest-format.ts';
import type { OutMessage } from '../handlers/reply.ts';
import { composeDigest } from '../knowledge/digests/compose.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { describeFilter } from '../knowledge/digests/subscription-filter.ts';
import type { Broadcaster } from './broadcaster.ts';
import type { Logger } from './logger.ts';
import type { Delivery, Run, StateStore, Subscription } from './state-store.ts';

export interface RunResult {
  runId: string;
  deliveries: number;
  nothingNew: number;
}

/**
 * What is new for one chat since its cursor, rendered and keyed by its
 * content; undefined when nothing matches its filter. Both runners, on
 * files and on PostgreSQL, freeze digests this way.
 */
function freshDigest(kb: KnowledgeBase, sub: Subscription): { messages: OutMessage[]; delivery: Delivery } | undefined {
  const sections = composeDigest(kb, sub.cursor, kb.seq, sub.filter);
  if (!sections.length) return undefined;
  const messages = renderDigest(sections, kb, describeFilter(sub.filter, kb));
  const key = createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 16);
  return { messages, delivery: { chatId: sub.chatId, digest: key, uptoSeq: kb.seq, sentParts: 0, status: 'pending', attempts: 0 } };
}

/** What one run will send: each chat's frozen digest, and the chats that had news none of which matched. */
export interface RunPlan {
  digests: Record<string, OutMessage[]>;
  deliveries: Delivery[];
  nothingNew: number[];
  /** Some chat was skipped because an unfinished run still owes it a digest. */
  skippedOwed: boolean;
}

/**
 * Plans a run for these chats, whichever store holds the state: a chat
 * still owed a digest by an unfinished run gets nothing more until it has it
 * (its cursor has not moved yet, so it would be composed the same news
 * twice); a chat with half a digest gets that one finished, and what is
 * newer waits for the next run; any other gets what is new since its cursor.
 * Synchronous on purpose: the file runner plans and records a run in one
 * turn of the event loop, so two runs started together cannot both count a
 * chat as not owed.
 */
export function planRun(
  kb: KnowledgeBase,
  subs: readonly Subscription[],
  lookup: {
    owed: (chatId: number) => boolean;
    halfSent: (chatId: number) => { delivery: Delivery; messages: OutMessage[] } | undefined;
  },
): RunPlan {
  const plan: RunPlan = { digests: {}, deliveries: [], nothingNew: [], skippedOwed: false };
  for (const sub of subs) {
    if (lookup.owed(sub.chatId)) {
      plan.skippedOwed = true;
      continue;
    }
    const half = lookup.halfSent(sub.chatId);
    const next = half ?? freshDigest(kb, sub);
    if (!next) {
      if (sub.cursor < kb.seq) plan.nothingNew.push(sub.chatId);
      continue;
    }
    plan.digests[next.delivery.digest] = next.messages;
    plan.deliveries.push(next.delivery);
  }
  return plan;
}

/**
 * Turns "what is new for whom" into a recorded run and has it delivered.
 * A run is recorded in full (every chat's digest, frozen) before the first
 * message goes out, so ingesting a bulletin mid-broadcast cannot change a
 * digest halfway, and a crash cannot lose or repeat one.
 */
export class DigestRunner {
  /** The run (or the resumption of interrupted ones) going on now; runAll waits its turn by refusing. */
  private running: Promise<unknown> | undefined;
  /** News arrived for 即时 chats while a run was going on. */
  private instantWaiting = false;

  constructor(
    private readonly state: StateStore,
    private readonly knowledge: () => KnowledgeBase,
    private readonly broadcaster: Broadcaster,
    private readonly log: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Finishes runs a crash interrupted. Call once at startup, before any new
   * run. It counts as a run: a scheduled run or /broadcast meanwhile is
   * refused, since it would compose again the digests still owed here.
   */
  async resume(): Promise<void> {
    await this.exclusively(async () => {
      for (const run of this.state.unfinishedRuns()) {
        this.log.info('resuming an interrupted broadcast', { runId: run.id });
        await this.broadcaster.drain(run.id);
      }
    });
  }

  /**
   * One digest run for every subscribed chat. Runs never overlap: a run
   * asked for while one is going returns undefined.
   */
  runAll(reason: 'scheduled' | 'manual'): Promise<RunResult> | undefined {
    return this.exclusively(() => this.execute(reason, this.state.activeSubscriptions()));
  }

  /**
   * 即时 chats' digests, right after the watcher ingested news. Asked for
   * while another run goes on, it follows that run instead of being dropped.
   */
  runInstant(): Promise<RunResult> | undefined {
    const run = this.exclusively(() => this.execute('instant', this.state.activeSubscriptions().filter((s) => s.filter.instant)));
    if (!run) this.instantWaiting = true;
    return run;
  }

  private exclusively<T>(work: () => Promise<T>): Promise<T> | undefined {
    if (this.running) return undefined;
    const running = work().finally(() => {
      this.running = undefined;
      if (this.instantWaiting) {
        this.instantWaiting = false;
        this.runInstant()?.catch((error: unknown) => this.log.error('instant digest run failed', { error }));
      }
    });
    this.running = running;
    return running;
  }

  /** /digest: this chat's pending digest, now. 'nothing' when there is nothing new. */
  async runOne(chatId: number): Promise<'queued' | 'nothing' | 'in_progress' | 'not_subscribed'> {
    const sub = this.state.subscription(chatId);
    if (!sub?.active) return 'not_subscribed';
    if (this.state.unfinishedRuns().some((r) => r.deliveries.some((d) => d.chatId === chatId && d.status === 'pending'))) {
      return 'in_progress';
    }
    const result = await this.execute('single', [sub]);
    return result.deliveries ? 'queued' : 'nothing';
  }

  private async execute(reason: Run['reason'], subs: readonly Subscription[]): Promise<RunResult> {
    const kb = this.knowledge();
    const at = this.clock();
    const runId = `${reason[0]}${at.getTime().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const owed = new Set(this.state.unfinishedRuns().flatMap((r) => r.deliveries.filter((d) => d.status === 'pending').map((d) => d.chatId)));
    const { digests, deliveries, nothingNew } = planRun(kb, subs, {
      owed: (chatId) => owed.has(chatId),
      halfSent: (chatId) => {
        const partial = this.state.partlyDelivered(chatId);
        const messages = partial && this.state.digest(partial.digest);
        return partial && messages ? { delivery: { ...partial, status: 'pending', attempts: 0 }, messages } : undefined;
      },
    });
    if (!deliveries.length && !nothingNew.length) return { runId, deliveries: 0, nothingNew: 0 };
    const run: Run = { id: runId, reason, startedAt: at.toISOString(), uptoSeq: kb.seq, deliveries, nothingNew };
    this.state.startRun(run, digests);
    this.log.info('digest run recorded', { runId, reason, deliveries: deliveries.length, nothingNew: nothingNew.length });
    await this.broadcaster.drain(runId);
    await this.state.compact();
    this.log.info('digest run finished', { runId, ...this.broadcaster.progress().find((p) => p.runId === runId) });
    return { runId, deliveries: deliveries.length, nothingNew: nothingNew.length };
  }
}
