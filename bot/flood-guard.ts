/** What to do with one more update from a user. */
export type FloodVerdict = 'ok' | 'notify' | 'silent';

/**
 * Per-user flood protection: beyond `limit` updates in `windowMs`, the
 * user gets one polite notice and then silence until their rate drops
 * back under the limit. Memory stays bounded: idle users are forgotten.
 */
export class FloodGuard {
  private readonly seen = new Map<number, { times: number[]; notified: boolean }>();
  private lastSweep = 0;

  constructor(
    readonly limit = 20,
    readonly windowMs = 10_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  check(userId: number): FloodVerdict {
    const t = this.now();
    this.sweep(t);
    const entry = this.seen.get(userId) ?? { times: [], notified: false };
    this.seen.set(userId, entry);
    while (entry.times.length && entry.times[0]! <= t - this.windowMs) entry.times.shift();
    entry.times.push(t);
    if (entry.times.length <= this.limit) {
      entry.notified = false;
      return 'ok';
    }
    if (entry.notified) return 'silent';
    entry.notified = true;
    return 'notify';
  }

  private sweep(t: number): void {
    if (t - this.lastSweep < this.windowMs) return;
    this.lastSweep = t;
    for (const [id, e] of this.seen) if (!e.times.length || e.times.at(-1)! <= t - this.windowMs) this.seen.delete(id);
  }
}

export const FLOOD_NOTICE = '您发送得太快了,请稍等几秒再试。';
