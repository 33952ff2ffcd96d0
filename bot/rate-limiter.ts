import { sleep } from './telegram-errors.ts';

/**
 * How late a start may be and still count as on time: timers fire a
 * millisecond or two after they are due, and that lateness must not push
 * every later start back with it.
 */
const ON_TIME_MS = 4;

/** A start whose answer never came is forgotten after this long, so a hung request cannot block the window for ever. */
const UNFINISHED_FORGOTTEN_MS = 120_000;

/** Called when the request a start stood for has its answer (or has failed). */
export type Finish = () => void;

interface Start {
  readonly at: number;
  endedAt?: number;
}

/**
 * At most `limit` starts in any window of `windowMs`, evenly spaced.
 *
 * The limit is judged where the requests arrive, and a request can reach
 * the far end later than it left here (a busy event loop, a slow socket),
 * which would crowd it against the ones after it. So a start keeps
 * counting against the window until `windowMs` after its answer came back
 * (the latest moment the far end can have seen it), and at least until
 * `windowMs + slackMs` after it began, for requests still in flight.
 * Callers report the answer by calling the Finish that acquire() gives.
 *
 * Starts follow a fixed schedule, one slot every (windowMs + slackMs) /
 * limit, rather than "a gap after the last start": otherwise each timer's
 * lateness would add up and the pace sink below the limit. The window
 * check on the real times stays the hard bound.
 */
export class WindowLimiter {
  private starts: Start[] = [];
  private readonly gap: number;
  private nextSlot = Number.NEGATIVE_INFINITY;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly slackMs = 0,
    private readonly now: () => number = () => performance.now(),
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {
    this.gap = (windowMs + slackMs) / limit;
  }

  /** How long until a start would be allowed; 0 if now. */
  delay(): number {
    const t = this.now();
    this.forget(t);
    const countingUntil = this.starts
      .map((s) => this.countsUntil(s))
      .filter((c) => c > t)
      .sort((a, b) => b - a);
    const byWindow = countingUntil.length >= this.limit ? countingUntil[this.limit - 1]! - t : 0;
    return Math.max(0, this.nextSlot - t, byWindow);
  }

  /** Waits for a slot and takes it; call the Finish when the request has its answer. Callers are served in order. */
  acquire(): Promise<Finish> {
    const turn = this.chain.then(async () => {
      for (let d = this.delay(); d > 0; d = this.delay()) await this.wait(d);
      return this.take();
    });
    this.chain = turn.then(() => undefined);
    return turn;
  }

  /** Takes a slot without waiting, for a request taken as answered at once; false if none is free. */
  tryTake(): boolean {
    if (this.delay() > 0) return false;
    this.take()();
    return true;
  }

  /** Records a start now; the next slot is a gap after the slot this one was due, or after now if it came well after that (idle). */
  private take(): Finish {
    const t = this.now();
    const start: Start = { at: t };
    this.starts.push(start);
    const due = t - this.nextSlot <= ON_TIME_MS ? this.nextSlot : t;
    this.nextSlot = due + this.gap;
    return () => {
      start.endedAt ??= this.now();
    };
  }

  private countsUntil(s: Start): number {
    return Math.max(s.at + this.windowMs + this.slackMs, (s.endedAt ?? s.at) + this.windowMs);
  }

  /** Drops starts that no longer count; unfinished ones stay, since their answer may yet move their time. */
  private forget(t: number): void {
    this.starts = this.starts.filter((s) => this.countsUntil(s) > t || (s.endedAt === undefined && s.at > t - UNFINISHED_FORGOTTEN_MS));
  }
}
