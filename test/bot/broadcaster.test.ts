import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelegramError } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Broadcaster, DEFAULT_LIMITS, type BroadcastLimits, type Sender } from '../../bot/broadcaster.ts';
import { createLogger } from '../../bot/logger.ts';
import { StateStore } from '../../bot/state-store.ts';
import type { OutMessage } from '../../handlers/reply.ts';
import { NO_FILTER } from '../../knowledge/digests/subscription-filter.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-bc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const quiet = createLogger('silent');
const fast: BroadcastLimits = { ...DEFAULT_LIMITS, perSecond: 200, perChatGapMs: 50, retryDelaysMs: [10, 20, 40] };

function telegramError(code: number, description: string, parameters?: Record<string, number>): TelegramError {
  return new TelegramError({ error_code: code, description, ...(parameters ? { parameters } : {}) });
}

interface Sent {
  chatId: number;
  html: string;
  at: number;
}

/** A Bot API stand-in: records what was accepted and fails on cue. */
class FakeTelegram implements Sender {
  readonly accepted: Sent[] = [];
  readonly attempts: Sent[] = [];
  private readonly plans = new Map<number, Array<TelegramError | Error>>();

  failNext(chatId: number, ...errors: Array<TelegramError | Error>): void {
    this.plans.set(chatId, [...(this.plans.get(chatId) ?? []), ...errors]);
  }

  async send(chatId: number, message: OutMessage): Promise<void> {
    const entry = { chatId, html: message.html, at: performance.now() };
    this.attempts.push(entry);
    await new Promise((r) => setTimeout(r, 2));
    const plan = this.plans.get(chatId);
    const error = plan?.shift();
    if (error) throw error;
    if (chatId === 404) throw telegramError(400, 'Bad Request: chat not found');
    this.accepted.push(entry);
  }

  to(chatId: number): Sent[] {
    return this.accepted.filter((s) => s.chatId === chatId);
  }
}

async function setup(chats: number[], parts = 1, chatType: 'private' | 'group' = 'private') {
  const state = new StateStore(dir);
  await state.open();
  for (const chatId of chats) state.subscribe({ chatId, chatType, filter: NO_FILTER, cursor: 0, active: true, since: 'x' });
  const messages = Array.from({ length: parts }, (_, i) => ({ html: `part ${i + 1}` }));
  state.startRun(
    { id: 'r1', reason: 'manual', startedAt: 'x', uptoSeq: 3, nothingNew: [], deliveries: chats.map((chatId) => ({ chatId, digest: 'd', uptoSeq: 3, sentParts: 0, status: 'pending' as const, attempts: 0 })) },
    { d: messages },
  );
  return state;
}

describe('broadcaster', () => {
  it('delivers every part once, in order, with a gap between parts to one chat', async () => {
    const state = await setup([1, 2, 3], 3);
    const tg = new FakeTelegram();
    await new Broadcaster(state, tg, quiet, fast).drain('r1');
    for (const chatId of [1, 2, 3]) {
      const got = tg.to(chatId);
      expect(got.map((s) => s.html)).toEqual(['part 1', 'part 2', 'part 3']);
      expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(fast.perChatGapMs - 1);
    }
    expect(state.run('r1')!.finishedAt).toBeDefined();
    expect(state.subscription(1)!.cursor).toBe(3);
  });

  it('waits retry_after on 429 and sends the same message again', async () => {
    const state = await setup([1, 2]);
    const tg = new FakeTelegram();
    tg.failNext(1, telegramError(429, 'Too Many Requests: retry after 1', { retry_after: 1 }));
    const started = performance.now();
    await new Broadcaster(state, tg, quiet, fast).drain('r1');
    expect(tg.to(1).map((s) => s.html)).toEqual(['part 1']);
    const [first429, retry] = tg.attempts.filter((a) => a.chatId === 1);
    expect(retry!.at - first429!.at).toBeGreaterThanOrEqual(990);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('unsubscribes blocked and missing chats and does not try them again', async () => {
    const state = await setup([1, 403, 404]);
    const tg = new FakeTelegram();
    tg.failNext(403, telegramError(403, 'Forbidden: bot was blocked by the user'));
    await new Broadcaster(state, tg, quiet, fast).drain('r1');
    expect(tg.to(1)).toHaveLength(1);
    expect(state.subscription(403)).toMatchObject({ active: false, endedReason: 'Forbidden: bot was blocked by the user' });
    expect(state.subscription(404)).toMatchObject({ active: false, endedReason: 'Bad Request: chat not found' });
    expect(tg.attempts.filter((a) => a.chatId === 403 || a.chatId === 404)).toHaveLength(2);
    expect(state.activeSubscriptions().map((s) => s.chatId)).toEqual([1]);
  });

  it('follows a group to its new supergroup and delivers there', async () => {
    const state = await setup([-5], 1, 'group');
    const tg = new FakeTelegram();
    tg.failNext(-5, telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1005 }));
    await new Broadcaster(state, tg, quiet, fast).drain('r1');
    expect(tg.to(-1005)).toHaveLength(1);
    expect(state.subscription(-1005)?.active).toBe(true);
    expect(state.subscription(-5)).toBeUndefined();
  });

  it('backs off on 5xx and network errors, then keeps the delivery for the next run', async () => {
    const state = await setup([1, 2]);
    const tg = new FakeTelegram();
    tg.failNext(1, telegramError(502, 'Bad Gateway'), new Error('socket hang up'));
    tg.failNext(2, ...Array.from({ length: 4 }, () => telegramError(500, 'Internal Server Error')));
    await new Broadcaster(state, tg, quiet, { ...fast, retryDelaysMs: [100, 200, 400] }).drain('r1');
    expect(tg.to(1)).toHaveLength(1);
    const tries = tg.attempts.filter((a) => a.chatId === 2);
    expect(tries).toHaveLength(4);
    const gaps = [tries[1]!.at - tries[0]!.at, tries[2]!.at - tries[1]!.at, tries[3]!.at - tries[2]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(99);
    expect(gaps[1]).toBeGreaterThanOrEqual(199);
    expect(gaps[2]).toBeGreaterThanOrEqual(399);
    const delivery = state.run('r1')!.deliveries.find((d) => d.chatId === 2)!;
    expect(delivery).toMatchObject({ status: 'deferred', sentParts: 0, lastError: '500 Internal Server Error' });
    expect(state.subscription(2)).toMatchObject({ active: true, cursor: 0 });
  });

  it('never starts more than the limit in any one-second window', async () => {
    const chats = Array.from({ length: 70 }, (_, i) => i + 1);
    const state = await setup(chats);
    const tg = new FakeTelegram();
    await new Broadcaster(state, tg, quiet, { ...DEFAULT_LIMITS, perSecond: 30 }).drain('r1');
    const times = tg.attempts.map((a) => a.at).sort((a, b) => a - b);
    expect(times).toHaveLength(70);
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(30);
    }
  });
});

describe('broadcaster, fixed cases', () => {
  it('resends the message a 429 refused before the messages that waited behind the pause', async () => {
    const state = await setup([1, 2, 3]);
    const attempts: number[] = [];
    let refused = false;
    // Answers at once, so the 429 is in before the next slot (10 ms later) comes up.
    const sender: Sender = {
      send: async (chatId) => {
        attempts.push(chatId);
        if (chatId === 1 && !refused) {
          refused = true;
          throw telegramError(429, 'Too Many Requests: retry after 1', { retry_after: 1 });
        }
      },
    };
    await new Broadcaster(state, sender, quiet, { ...fast, perSecond: 100 }).drain('r1');
    // Chat 2 had its slot while the pause began; it must not jump ahead of the message Telegram asked for again.
    expect(attempts).toEqual([1, 1, 2, 3]);
  });

  it('sends one digest, not two, when a group migrates into a supergroup that subscribed on its own', async () => {
    const state = await setup([-5, -1005], 1, 'group');
    const tg = new FakeTelegram();
    tg.failNext(-5, telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1005 }));
    await new Broadcaster(state, tg, quiet, fast).drain('r1');
    expect(tg.to(-1005)).toHaveLength(1);
    expect(state.allSubscriptions().filter((s) => s.chatId === -1005)).toHaveLength(1);
    expect(state.subscription(-5)).toBeUndefined();
    expect(state.run('r1')!.deliveries.map((d) => [d.chatId, d.status])).toEqual([
      [-5, 'dropped'],
      [-1005, 'sent'],
    ]);
  });

  it('sends nothing to a supergroup that unsubscribed on its own, when its old group turns out to have moved there', async () => {
    const state = await setup([-5], 1, 'group');
    state.subscribe({ chatId: -1005, chatType: 'supergroup', filter: NO_FILTER, cursor: 0, active: true, since: 'x' });
    state.unsubscribe(-1005, '用户退订');
    const tg = new FakeTelegram();
    tg.failNext(-5, telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1005 }));
    await new Broadcaster(state, tg, quiet, fast).drain('r1');
    expect(tg.to(-1005)).toEqual([]);
    expect(state.subscription(-1005)).toMatchObject({ active: false, endedReason: '用户退订' });
    expect(state.subscription(-5)).toBeUndefined();
    expect(state.run('r1')!.deliveries[0]!.status).toBe('dropped');
  });

  it('sends nothing more to a chat that unsubscribes while the run is going', async () => {
    const state = await setup([1, 2, 3]);
    const tg = new FakeTelegram();
    state.unsubscribe(2, '用户退订');
    await new Broadcaster(state, tg, quiet, fast).drain('r1');
    expect(tg.attempts.map((a) => a.chatId)).toEqual([1, 3]);
    expect(state.run('r1')!.deliveries.find((d) => d.chatId === 2)!.status).toBe('dropped');
    expect(state.run('r1')!.finishedAt).toBeDefined();
  });
});
