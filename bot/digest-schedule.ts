import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from './logger.ts';

export const DEFAULT_DIGEST_CRON = '0 9 * * 1-5';
export const DEFAULT_DIGEST_TZ = 'Asia/Shanghai';

const WEEKDAYS = '日一二三四五六日';

/** The schedule in words for users: "工作日 09:00(Asia/Shanghai)"; unusual patterns are shown as written. */
export function describeSchedule(expression: string, timezone: string): string {
  const fields = expression.trim().split(/\s+/);
  const [minute, hour, dom, month, dow] = fields.length === 6 ? fields.slice(1) : fields;
  const simple = /^\d+$/.test(minute ?? '') && /^\d+$/.test(hour ?? '') && dom === '*' && month === '*';
  if (!simple || (fields.length === 6 && fields[0] !== '0')) return `按计划 ${expression}(${timezone})`;
  const time = `${hour!.padStart(2, '0')}:${minute!.padStart(2, '0')}`;
  let days: string;
  if (dow === '*') days = '每天';
  else if (dow === '1-5') days = '工作日';
  else if (/^[0-7](,[0-7])*$/.test(dow ?? '')) days = `每周${dow!.split(',').map((d) => WEEKDAYS[Number(d)]).join('、')}`;
  else return `按计划 ${expression}(${timezone})`;
  return `${days} ${time}(${timezone})`;
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs digests on the cron schedule (node-cron 4, seconds field allowed).
 * noOverlap keeps a slow broadcast from starting a second one on top; the
 * runner refuses overlaps as well, for runs started by /broadcast.
 */
export function scheduleDigests(expression: string, timezone: string, run: () => Promise<unknown> | undefined, log: Logger): ScheduledTask {
  return cron.schedule(
    expression,
    async () => {
      const started = run();
      if (!started) log.warn('digest run skipped: the previous one is still going');
      else await started;
    },
    { timezone, noOverlap: true, name: 'digests' },
  );
}
