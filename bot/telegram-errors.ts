import { TelegramError } from 'telegraf';

/** What a failed Bot API call means for the caller. */
export type SendFailure =
  /** 429: wait this long, then send the same message again. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** The chat cannot be reached again: blocked, kicked, deactivated, or not found. */
  | { kind: 'gone'; reason: string }
  /** A group became a supergroup; send there instead. */
  | { kind: 'migrated'; toChatId: number }
  /** 5xx or the network: worth another try later. */
  | { kind: 'transient'; reason: string }
  /** Anything else the API refused: retrying the same call will not help. */
  | { kind: 'rejected'; reason: string };

const GONE = /bot was blocked by the user|bot was kicked|user is deactivated|chat not found|bot is not a member|group chat was deactivated|have no rights to send/i;

export function classifyTelegramError(e: unknown): SendFailure {
  if (e instanceof TelegramError) {
    const { code, description, parameters } = e;
    if (code === 429) return { kind: 'rate_limited', retryAfterMs: Math.max(1, parameters?.retry_after ?? 1) * 1000 };
    if (parameters?.migrate_to_chat_id) return { kind: 'migrated', toChatId: parameters.migrate_to_chat_id };
    if (code === 403 || (code === 400 && GONE.test(description))) return { kind: 'gone', reason: description };
    if (code >= 500) return { kind: 'transient', reason: `${code} ${description}` };
    return { kind: 'rejected', reason: `${code} ${description}` };
  }
  return { kind: 'transient', reason: e instanceof Error ? e.message : String(e) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a Bot API call, and on 429 waits the retry_after Telegram asked for
 * and tries the same call again. Telegraf does not do this on its own.
 * Gives up (rethrowing) after `attempts` tries or if Telegram asks for a
 * wait longer than `maxWaitMs`, which for an interactive reply would be
 * worse than failing.
 */
export async function retryOn429<T>(call: () => Promise<T>, options: { attempts?: number; maxWaitMs?: number; wait?: (ms: number) => Promise<void> } = {}): Promise<T> {
  const { attempts = 3, maxWaitMs = 60_000, wait = sleep } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const failure = classifyTelegramError(e);
      if (failure.kind !== 'rate_limited' || attempt >= attempts || failure.retryAfterMs > maxWaitMs) throw e;
      await wait(failure.retryAfterMs);
    }
  }
}
