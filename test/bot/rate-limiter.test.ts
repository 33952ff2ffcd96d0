import { describe, expect, it } from 'vitest';
import { WindowLimiter } from '../../bot/rate-limiter.ts';

/** A clock that only moves when the limiter waits, by what it asked plus the timer's lateness. */
function fakeClock(latenessMs: number): { now: () => number; wait: (ms: number) => Promise<void> } {
  let t = 0;
  return {
    now: () => t,
    wait: async (ms) => {
      t += ms + latenessMs;
    },
  };
}

describe('window limiter', () => {
  it('keeps the full pace when every timer fires late', async () => {
    const clock = fakeClock(1.5);
    const limiter = new WindowLimiter(30, 1000, 25, clock.now, clock.wait);
    const starts: number[] = [];
    for (let i = 0; i < 121; i++) {
      const finish = await limiter.acquire();
      starts.push(clock.now());
      finish();
    }
    const gap = 1025 / 30;
    // Lateness that added up would make this 120 × (gap + 1.5) = 4280 ms: 4.4 % slower, below 28 a second.
    // What remains is a few ms each time the window check, on the late real times, holds a start back.
    expect(starts.at(-1)! - starts[0]!).toBeLessThanOrEqual(120 * gap + 10);
    for (let i = 30; i < starts.length; i++) expect(starts[i]! - starts[i - 30]!).toBeGreaterThanOrEqual(1025);
  });

  it('counts a start against the window until a window after its answer came back', async () => {
    const clock = fakeClock(0);
    const limiter = new WindowLimiter(3, 1000, 0, clock.now, clock.wait);
    const finishA = await limiter.acquire();
    const startedA = clock.now();
    (await limiter.acquire())();
    (await limiter.acquire())();
    // A's answer takes 300 ms: the far end may have seen it as late as that.
    await clock.wait(300 - (clock.now() - startedA));
    finishA();
    await limiter.acquire();
    expect(clock.now() - startedA).toBeGreaterThanOrEqual(1300);
  });

  it('spaces starts evenly instead of letting a burst through', async () => {
    const clock = fakeClock(0);
    const limiter = new WindowLimiter(20, 60_000, 0, clock.now, clock.wait);
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
    expect(limiter.delay()).toBe(3000);
  });
});
