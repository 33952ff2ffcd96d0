import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Telegraf } from 'telegraf';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broadcaster, DEFAULT_LIMITS } from '../../bot/broadcaster.ts';
import { DigestRunner, type RunResult } from '../../bot/digest-runner.ts';
import { createLogger } from '../../bot/logger.ts';
import { StateStore, type Subscription } from '../../bot/state-store.ts';
import { telegramSender } from '../../bot/telegram.ts';
import type { OutMessage } from '../../handlers/reply.ts';
import { NO_FILTER } from '../../knowledge/digests/subscription-filter.ts';
import { BotApiProxy, faults, type BotApiCall } from '../helpers/bot-api-proxy.ts';
import { startEmulator } from '../helpers/e2e-harness.ts';
import { shippedKnowledge } from '../helpers/knowledge.ts';

/**
 * A digest run to a few hundred chats through the real pieces: DigestRunner,
 * Broadcaster, StateStore (journal on disk) and the bot's Telegraf sender,
 * over HTTP to a BotApiProxy in front of the telegram-test-api emulator.
 * The proxy plays Telegram's bad days: blocked users, vanished chats, a
 * flood-control 429, a group that became a supergroup, 5xx that pass and
 * 5xx that last. Everything is judged on the proxy's log, where Telegram
 * would judge it: what arrived, when, and what was accepted.
 *
 * Two runs: the first meets every fault; the second comes after the
 * lasting 5xx has cleared, and must reach exactly the chats still owed.
 */

const PER_SECOND = 30;
const TOKEN = '123456789:broadcast_proxy_test_token_000';

const HEALTHY = range(20_001, 300);
/** Its one 429 lands mid-run; it stays healthy and is counted with the others. */
const RATE_LIMITED = HEALTHY[149]!;
const BLOCKED = range(30_001, 5);
const MISSING = range(31_001, 5);
/** 502 twice, then fine: retried within the run. */
const FLAKY = range(32_001, 3);
/** 500 for the whole first run: deferred, delivered by the second. */
const DOWN = range(33_001, 2);
const OLD_GROUP = -4_001;
const SUPERGROUP = -1_000_004_001;

describe('a broadcast to 300+ chats through the Bot API proxy', () => {
  let dir: string;
  let emulator: TelegramServer;
  let proxy: BotApiProxy;
  let state: StateStore;
  let digest: OutMessage[];
  let first: RunResult;
  let second: RunResult;
  /** Proxy log positions where the second run began. */
  let secondRunFromSeq: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-broadcast-proxy-'));
    emulator = await startEmulator();
    proxy = await BotApiProxy.start({ upstream: emulator.config.apiURL });
    const kb = shippedKnowledge();
    state = new StateStore(dir);
    await state.open();
    for (const sub of subscriptions(kb.seq - 1)) state.subscribe(sub);

    proxy.injectFault({ method: 'sendMessage', chatIds: BLOCKED, reply: faults.blockedByUser() });
    proxy.injectFault({ method: 'sendMessage', chatIds: MISSING, reply: faults.chatNotFound() });
    proxy.injectFault({ method: 'sendMessage', chatIds: [RATE_LIMITED], times: 1, reply: faults.tooManyRequests(1) });
    proxy.injectFault({ method: 'sendMessage', chatIds: [OLD_GROUP], reply: faults.migratedTo(SUPERGROUP) });
    for (const chatId of FLAKY) proxy.injectFault({ method: 'sendMessage', chatIds: [chatId], times: 2, reply: faults.serverError(502) });
    const down = proxy.injectFault({ method: 'sendMessage', chatIds: DOWN, reply: faults.serverError(500) });

    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: proxy.url } });
    const log = createLogger('silent');
    const broadcaster = new Broadcaster(state, telegramSender(() => bot), log, { ...DEFAULT_LIMITS, perSecond: PER_SECOND });
    const runner = new DigestRunner(state, () => kb, broadcaster, log);

    first = await runner.runAll('manual')!;
    digest = state.digest(state.run(first.runId)!.deliveries[0]!.digest)!;
    down();
    secondRunFromSeq = proxy.calls.length + 1;
    second = await runner.runAll('manual')!;
  }, 60_000);

  afterAll(async () => {
    await state?.close();
    await proxy?.close();
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records one delivery per subscribed chat and sends the same one-message digest to each', () => {
    expect(first.deliveries).toBe(HEALTHY.length + BLOCKED.length + MISSING.length + FLAKY.length + DOWN.length + 1);
    expect(digest).toHaveLength(1);
    expect(digest[0]!.html).toContain('新通告摘要');
  });

  it('gives every healthy chat exactly one digest, whatever happened on the way', () => {
    const wrong = [...HEALTHY, ...FLAKY, ...DOWN, SUPERGROUP].filter((chatId) => {
      const texts = accepted(proxy, chatId).map((c) => c.params['text']);
      return texts.length !== 1 || texts[0] !== digest[0]!.html;
    });
    expect(wrong).toEqual([]);
    expect(state.totals()).toMatchObject({ digestsDelivered: HEALTHY.length + FLAKY.length + DOWN.length + 1 });
  });

  it('unsubscribes blocked and vanished chats with the reason, and leaves them alone on the next run', () => {
    for (const chatId of BLOCKED) {
      expect(state.subscription(chatId)).toMatchObject({ active: false, endedReason: 'Forbidden: bot was blocked by the user' });
    }
    for (const chatId of MISSING) {
      expect(state.subscription(chatId)).toMatchObject({ active: false, endedReason: 'Bad Request: chat not found' });
    }
    // One attempt each, in the first run; none in the second.
    for (const chatId of [...BLOCKED, ...MISSING]) expect(proxy.callsTo('sendMessage', chatId)).toHaveLength(1);
    expect(state.totals().unsubscribedByTelegram).toBe(BLOCKED.length + MISSING.length);
  });

  it('honours a 429: nothing else is sent until retry_after has passed, then the same message goes again', () => {
    const [refused, retried, ...more] = proxy.callsTo('sendMessage', RATE_LIMITED);
    expect(more).toEqual([]);
    expect(refused!.status).toBe(429);
    expect(retried!.status).toBe(200);
    expect(retried!.params['text']).toBe(refused!.params['text']);
    expect(retried!.at - refused!.respondedAt!).toBeGreaterThanOrEqual(990);
    // Requests already on the wire when the 429 came back may still land; nothing may be started after it.
    const botHeardIt = refused!.respondedAt! + 50;
    const around = proxy.callsTo('sendMessage').filter((c) => c.at > refused!.at - 200 && c.at < retried!.at + 100);
    console.log(around.map((c) => `${c.seq} ${c.chatId} ${c.status} at=${(c.at - refused!.at).toFixed(1)} resp=${(c.respondedAt! - refused!.at).toFixed(1)}`).join('\n'));
    const meanwhile = proxy.callsTo('sendMessage').filter((c) => c.at > botHeardIt && c.at < retried!.at);
    expect(meanwhile).toEqual([]);
    // And the retry is the first thing sent after the pause.
    expect(proxy.callsTo('sendMessage').find((c) => c.at > botHeardIt)).toBe(retried);
  });

  it('follows a group that became a supergroup: the digest goes to the new id and the subscription moves', () => {
    expect(proxy.callsTo('sendMessage', OLD_GROUP).map((c) => c.status)).toEqual([400]);
    expect(proxy.callsTo('sendMessage', SUPERGROUP).map((c) => c.status)).toEqual([200]);
    expect(state.subscription(OLD_GROUP)).toBeUndefined();
    expect(state.subscription(SUPERGROUP)).toMatchObject({ active: true });
  });

  it('retries passing 5xx with growing waits within the run', () => {
    for (const chatId of FLAKY) {
      const calls = proxy.callsTo('sendMessage', chatId);
      expect(calls.map((c) => c.status)).toEqual([502, 502, 200]);
      expect(calls[1]!.at - calls[0]!.respondedAt!).toBeGreaterThanOrEqual(DEFAULT_LIMITS.retryDelaysMs[0]! - 10);
      expect(calls[2]!.at - calls[1]!.respondedAt!).toBeGreaterThanOrEqual(DEFAULT_LIMITS.retryDelaysMs[1]! - 10);
    }
  });

  it('defers a chat whose 5xx outlasts the retries, and delivers it on the next run, and nothing else', () => {
    const attempts = DEFAULT_LIMITS.retryDelaysMs.length + 1;
    for (const chatId of DOWN) {
      const calls = proxy.callsTo('sendMessage', chatId);
      expect(calls.map((c) => c.status)).toEqual([...Array<number>(attempts).fill(500), 200]);
      expect(state.run(first.runId)!.deliveries.find((d) => d.chatId === chatId)).toMatchObject({ status: 'deferred', lastError: '500 Internal Server Error' });
    }
    expect(second.deliveries).toBe(DOWN.length);
    const secondRun = proxy.callsTo('sendMessage').filter((c) => c.seq >= secondRunFromSeq);
    expect(secondRun.map((c) => c.chatId).sort()).toEqual([...DOWN].sort());
    expect(state.unfinishedRuns()).toEqual([]);
  });

  it(`never lets more than ${PER_SECOND} requests arrive within any one second`, () => {
    const times = proxy.sendTimes();
    const busiest = maxInAnySecond(times);
    const accepted200 = proxy.callsTo('sendMessage').filter((c) => c.status === 200 && c.seq < secondRunFromSeq);
    const spanS = (accepted200.at(-1)!.at - accepted200[0]!.at) / 1000;
    console.log(`${times.length} sendMessage requests; busiest second ${busiest}; first run: ${accepted200.length} accepted in ${spanS.toFixed(1)} s, the 429's 1 s pause included`);
    expect(busiest).toBeLessThanOrEqual(PER_SECOND);
  });
});

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** Healthy chats in order, with the troubled ones spread among them so their faults land mid-run. */
function subscriptions(cursor: number): Subscription[] {
  const sub = (chatId: number, chatType: Subscription['chatType'] = 'private'): Subscription => ({
    chatId,
    chatType,
    filter: NO_FILTER,
    cursor,
    active: true,
    since: '2026-01-01T00:00:00.000Z',
  });
  // The lasting 5xx early, so its retries finish well inside the run.
  const troubled = [...DOWN.map((c) => sub(c)), sub(OLD_GROUP, 'group'), ...[...BLOCKED, ...MISSING, ...FLAKY].map((c) => sub(c))];
  const subs: Subscription[] = [];
  HEALTHY.forEach((chatId, i) => {
    if (i % 15 === 5 && troubled.length) subs.push(troubled.shift()!);
    subs.push(sub(chatId));
  });
  return [...subs, ...troubled];
}

function accepted(proxy: BotApiProxy, chatId: number): BotApiCall[] {
  return proxy.callsTo('sendMessage', chatId).filter((c) => c.status === 200);
}

function maxInAnySecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + 1000) end++;
    best = Math.max(best, end - start);
  }
  return best;
}
