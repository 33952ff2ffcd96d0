import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DIGEST_CRON, DEFAULT_DIGEST_TZ, describeSchedule, isValidTimezone, scheduleDigests } from '../../bot/digest-schedule.ts';
import { createLogger } from '../../bot/logger.ts';
import { loadConfig } from '../../bot/config.ts';

const quiet = createLogger('silent');

afterEach(() => {
  vi.useRealTimers();
});

describe('digest schedule', () => {
  it('describes schedules in words', () => {
    expect(describeSchedule(DEFAULT_DIGEST_CRON, DEFAULT_DIGEST_TZ)).toBe('工作日 09:00(Asia/Shanghai)');
    expect(describeSchedule('30 8 * * *', 'Asia/Shanghai')).toBe('每天 08:30(Asia/Shanghai)');
    expect(describeSchedule('0 0 17 * * 1,3', 'Asia/Urumqi')).toBe('每周一、三 17:00(Asia/Urumqi)');
    expect(describeSchedule('*/5 * * * *', 'UTC')).toBe('按计划 */5 * * * *(UTC)');
  });

  it('validates DIGEST_CRON and DIGEST_TZ at startup', () => {
    expect(loadConfig({ DIGEST_CRON: '0 0 9 * * 1-5' }).DIGEST_CRON).toBe('0 0 9 * * 1-5');
    expect(() => loadConfig({ DIGEST_CRON: '61 9 * * *' })).toThrow(/DIGEST_CRON/);
    expect(() => loadConfig({ DIGEST_TZ: 'Mars/Olympus' })).toThrow(/DIGEST_TZ/);
    expect(isValidTimezone('Asia/Shanghai')).toBe(true);
  });

  it('runs at 09:00 Beijing time on weekdays only, and never twice at once', async () => {
    vi.useFakeTimers();
    // Friday 2026-11-20 08:59:30 in Shanghai (UTC+8).
    vi.setSystemTime(new Date('2026-11-20T00:59:30Z'));
    const runs: string[] = [];
    let finish: (() => void) | undefined;
    const task = scheduleDigests(DEFAULT_DIGEST_CRON, DEFAULT_DIGEST_TZ, () => {
      runs.push(new Date().toISOString());
      return new Promise<void>((r) => (finish = r));
    }, quiet);
    try {
      expect(task.getNextRun()?.toISOString()).toBe('2026-11-20T01:00:00.000Z');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(runs).toEqual(['2026-11-20T01:00:00.000Z']);
      // No run over the weekend; on Monday the Friday run is still going, so Monday's is skipped.
      expect(task.getNextRun()?.toISOString()).toBe('2026-11-23T01:00:00.000Z');
      await vi.advanceTimersByTimeAsync(3 * 24 * 3600_000);
      expect(runs).toHaveLength(1);
      finish?.();
      await vi.advanceTimersByTimeAsync(24 * 3600_000);
      expect(runs).toEqual(['2026-11-20T01:00:00.000Z', '2026-11-24T01:00:00.000Z']);
    } finally {
      await task.stop();
    }
  });
});
