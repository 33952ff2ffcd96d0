import { sleep } from './telegram-errors.ts';

/**
 * At most `limit` starts in any window of `windowMs`, evenly spaced.
 * `slackMs` widens the window a little: the limit is judged where the
 * messages arrive, and network jitter can bring two sends closer there
 * than they left here.
 */
export class WindowLimiter {
  private readonly starts: number[] = [];
  private readonly gap: number;
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
    const span = this.windowMs + this.slackMs;
    while (this.starts.length && this.starts[0]! <= t - span) this.starts.shift();
    const last = this.starts.at(-1);
    const byGap = last === undefined ? 0 : last + this.gap - t;
    const byWindow = this.starts.length >= this.limit ? this.starts[this.starts.length - this.limit]! + span - t : 0;
    return Math.max(0, byGap, byWindow);
  }

  /** Waits for a slot and takes it. Callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.chain.then(async () => {
      for (let d = this.delay(); d > 0; d = this.delay()) await this.wait(d);
      this.starts.push(this.now());
    });
    this.chain = turn;
    return turn;
  }

  /** Takes a slot without waiting; false if none is free. */
  tryTake(): boolean {
    if (this.delay() > 0) return false;
    this.starts.push(this.now());
    return true;
  }
}
