import pg from 'pg';
import type { Logger } from './logger.ts';

/**
 * Runs `lead` on one instance at a time: whoever holds a session advisory
 * lock on its own connection. If that instance dies, its session ends, the
 * lock is free, and another instance takes over at its next try. Returns a
 * stop function (which also ends the lead, if this instance has it).
 */
export function whileLeader(
  connectionString: string,
  key: number,
  lead: () => Promise<() => Promise<void>>,
  log: Logger,
  retryMs = 15_000,
): () => Promise<void> {
  let stopped = false;
  let client: pg.Client | undefined;
  let endLead: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const lose = async (why: unknown): Promise<void> => {
    const end = endLead;
    endLead = undefined;
    client = undefined;
    if (end) {
      log.warn('lost the lead; stopping until it is ours again', { error: why });
      await end().catch(() => undefined);
    }
  };
  const attempt = async (): Promise<void> => {
    if (stopped || endLead) return;
    const c = new pg.Client({ connectionString });
    c.on('error', (e) => {
      if (client === c) void lose(e);
    });
    c.on('end', () => {
      if (client === c) void lose(new Error('connection ended'));
    });
    try {
      await c.connect();
      const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
      if (!rows[0]?.ok || stopped) {
        await c.end();
        return;
      }
      client = c;
      endLead = await lead();
    } catch (e) {
      await c.end().catch(() => undefined);
      log.warn('could not try for the lead', { error: e });
    }
  };
  const loop = (): void => {
    void attempt().finally(() => {
      if (!stopped) timer = setTimeout(loop, retryMs);
    });
  };
  loop();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const end = endLead;
    endLead = undefined;
    await end?.().catch(() => undefined);
    await client?.end().catch(() => undefined);
  };
}
