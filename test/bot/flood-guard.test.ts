import { describe, expect, it } from 'vitest';
import { FloodGuard } from '../../bot/flood-guard.ts';

describe('flood guard', () => {
  it('lets 20 commands in 10 s through, then one notice, then silence until the window passes', () => {
    let now = 0;
    const guard = new FloodGuard(20, 10_000, () => now);
    const verdicts: string[] = [];
    for (let i = 0; i < 25; i++) {
      verdicts.push(guard.check(1));
      now += 100;
    }
    expect(verdicts.slice(0, 20)).toEqual(Array(20).fill('ok'));
    expect(verdicts.slice(20)).toEqual(['notify', 'silent', 'silent', 'silent', 'silent']);
    // Another user is not affected.
    expect(guard.check(2)).toBe('ok');
    now += 10_000;
    expect(guard.check(1)).toBe('ok');
  });

  it('stays silent while the user keeps flooding, and notifies again after calming down', () => {
    let now = 0;
    const guard = new FloodGuard(3, 1000, () => now);
    const run = (n: number, step: number): string[] =>
      Array.from({ length: n }, () => {
        const v = guard.check(9);
        now += step;
        return v;
      });
    expect(run(6, 10)).toEqual(['ok', 'ok', 'ok', 'notify', 'silent', 'silent']);
    expect(run(3, 10)).toEqual(['silent', 'silent', 'silent']);
    now += 2000;
    expect(run(5, 10)).toEqual(['ok', 'ok', 'ok', 'notify', 'silent']);
  });
});
