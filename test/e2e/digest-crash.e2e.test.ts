import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../bot/broadcaster.ts';
import { StateStore } from '../../bot/state-store.ts';
import { SHIPPED_SOURCES } from '../../knowledge/ingest/ingest.ts';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { NO_FILTER } from '../../knowledge/digests/subscription-filter.ts';
import type { BotApiCall } from '../helpers/bot-api-proxy.ts';
import { BotHarness, onlyReply, type ChatRef } from '../helpers/e2e-harness.ts';
import { readShipped } from '../helpers/knowledge.ts';
import { runCli } from '../helpers/run-cli.ts';

/**
 * kill -9 in the middle of a broadcast, and a restart on the same DATA_DIR:
 * the bot resumes the interrupted run at startup and every chat ends with
 * exactly one digest, counted on the Bot API proxy's log across both lives.
 *
 * The bot starts with its subscribers already in its state (written by the
 * real StateStore) and a bulletin newer than their cursors (ingested by
 * the real CLI). The proxy makes "Telegram" answer sendMessage in 30 ms, so
 * the run takes seconds and the kill lands mid-run.
 *
 * Where exactly the kill lands matters, and each test says where:
 * - while messages are on their way but none is yet at Telegram: nothing
 *   may be lost or doubled;
 * - anywhere at all: nothing may be lost, and a chat may get its digest
 *   twice only if Telegram accepted it and the bot died before its journal
 *   had it. The bot cannot know of a message it never heard back about, and
 *   the Bot API has no way to ask, so such a message is sent again (at least
 *   once, rather than perhaps never). That window is the answer's way back
 *   plus the journal append: here a few milliseconds of every ~34 ms slot,
 *   longer while a dying process's sockets stay open (the kernel frees its
 *   memory before it closes them); in practice the one or two sends in
 *   flight at the crash.
 */

const ADMIN = 9001;
const ADMIN_CHAT: ChatRef = { id: ADMIN, type: 'private' };
/** A schedule that never comes round during a test run (29 February, 04:00). */
const DIGEST_CRON = '0 4 29 2 *';
const TELEGRAM_LATENCY_MS = 30;
const LIAONING_TITLE = '2023年下半年辽宁省电信服务质量通告';

describe('a broadcast killed while messages are on their way, then restarted', () => {
  const subscribers = range(60_001, 240);
  const bot = useCrashTestBot(subscribers);
  let beforeCrash: BotApiCall[] = [];
  let dropped: BotApiCall[] = [];
  let restartedAtSeq = 0;

  it('is killed about halfway, with every message Telegram accepted already in the journal', async () => {
    await broadcastUntilHalfway(bot, subscribers);

    // From now on "Telegram" sees nothing: the next sends wait at the proxy, as if still on the wire.
    const gate = bot.proxy.hold('sendMessage');
    await bot.waitUntil(() => gate.held().length > 0, 5_000, 'a send to be held');
    const passed = (c: BotApiCall): boolean => !gate.held().includes(c);
    await bot.waitUntil(() => bot.proxy.callsTo('sendMessage').filter(passed).every((c) => c.respondedAt !== undefined), 5_000, 'earlier sends to be answered');
    // The bot journals each accepted message as soon as it hears back; wait until it has heard of all.
    await bot.waitUntil(() => journaledParts(bot.dataDir).length === digestCalls(bot, subscribers).length, 5_000, 'the journal to catch up');
    await bot.kill();
    await delay(100); // let the proxy notice the dropped connections
    gate.release();
    // The bot is dead, so not bot.waitUntil (which gives up when the bot exits).
    for (const deadline = performance.now() + 5_000; !gate.held().every((c) => c.respondedAt !== undefined); await delay(10)) {
      if (performance.now() > deadline) throw new Error('held sends were never settled');
    }

    beforeCrash = digestCalls(bot, subscribers);
    dropped = gate.held().filter((c) => c.answeredBy === 'dropped');
    console.log(`killed after ${beforeCrash.length}/${subscribers.length} digests; ${dropped.length} send(s) in flight never reached Telegram`);
    expect(beforeCrash.length).toBeGreaterThanOrEqual(subscribers.length / 2);
    expect(beforeCrash.length).toBeLessThan(subscribers.length);
    expect(dropped.length).toBeGreaterThan(0);
  });

  it('resumes the run at startup, refusing a second run meanwhile, and shows its progress', async () => {
    restartedAtSeq = bot.proxy.calls.length + 1;
    await bot.restart();
    // The interrupted run is still going: another now would compose the owed digests a second time.
    expect(replyIn(await bot.say('/broadcast', ADMIN_CHAT), ADMIN_CHAT)).toBe('已有一次推送正在进行,请等它结束。发送 /stats 查看进度。');
    const progress = replyIn(await bot.say('/stats', ADMIN_CHAT), ADMIN_CHAT);
    const [, sent, total] = /⏳ 正在推送 \S+:(\d+)\/(\d+) 已送达/.exec(progress) ?? [];
    expect(Number(total)).toBe(subscribers.length);
    expect(Number(sent)).toBeGreaterThanOrEqual(beforeCrash.length);
    expect(bot.logs().some((l) => l.msg === 'resuming an interrupted broadcast')).toBe(true);
  });

  it('ends with exactly one digest in every chat, across both lives', async () => {
    await bot.waitUntil(() => new Set(digestCalls(bot, subscribers).map((c) => c.chatId)).size === subscribers.length, 30_000, 'every chat to get its digest');
    const stats = await waitForIdleStats(bot);
    expect(stats).toContain(`已送达摘要 ${subscribers.length} 份`);

    expect(chatsWithout(bot, subscribers, 1)).toEqual([]);
    // The sends dropped at the kill were made again after the restart, and only those chats' and the rest.
    for (const call of dropped) expect(digestCalls(bot, [Number(call.chatId)]).every((c) => c.seq > restartedAtSeq)).toBe(true);
    // One run in all: the one recorded before the kill.
    expect(bot.logs().filter((l) => l.msg === 'digest run recorded')).toHaveLength(1);
  });
});

describe('a broadcast killed at an arbitrary moment, then restarted', () => {
  const subscribers = range(70_001, 200);
  const bot = useCrashTestBot(subscribers);

  it('loses nothing, and doubles at most a message Telegram took but the bot never heard back about', async () => {
    await broadcastUntilHalfway(bot, subscribers);
    // Anywhere within one send's cycle (a slot is about 34 ms): on the wire, at Telegram, on the way back, in the journal.
    await delay(Math.random() * 40);
    await bot.kill();
    await delay(200);
    // What Telegram had accepted from the first life, and what the first life had journaled.
    const accepted = new Set(digestCalls(bot, subscribers).map((c) => Number(c.chatId)));
    const journaled = new Set(journaledParts(bot.dataDir));
    const unheard = [...accepted].filter((chatId) => !journaled.has(chatId));

    await bot.restart();
    await bot.waitUntil(() => new Set(digestCalls(bot, subscribers).map((c) => c.chatId)).size === subscribers.length, 30_000, 'every chat to get its digest');
    await waitForIdleStats(bot);

    const doubled = subscribers.filter((chatId) => digestCalls(bot, [chatId]).length > 1);
    console.log(`killed after ${accepted.size} digests; accepted but not journaled: ${unheard.length}; doubled: ${doubled.length}`);
    expect(chatsWithout(bot, subscribers, 1).filter((chatId) => !doubled.includes(chatId))).toEqual([]);
    // Every journaled message is final; only an unheard one can come twice, and only twice.
    expect(doubled.filter((chatId) => !unheard.includes(chatId))).toEqual([]);
    for (const chatId of doubled) expect(digestCalls(bot, [chatId])).toHaveLength(2);
    // At most the sends in flight at the kill (usually one or two here; never more than the broadcaster lets out at once).
    expect(unheard.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxInFlight);
  });
});

/** A bot whose DATA_DIR holds the shipped bulletins, a newer 辽宁 one, and `subscribers` whose cursors sit before it; started and stopped around the describe. */
function useCrashTestBot(subscribers: readonly number[]): BotHarness {
  const bot = crashTestBot(subscribers);
  beforeAll(async () => {
    await bot.start();
    slowTelegram(bot, subscribers);
  }, 90_000);
  afterAll(() => bot.stop());
  return bot;
}

/** The admin's /broadcast, then until Telegram has accepted half the digests. */
async function broadcastUntilHalfway(bot: BotHarness, subscribers: readonly number[]): Promise<void> {
  expect(replyIn(await bot.say('/broadcast', ADMIN_CHAT), ADMIN_CHAT)).toBe('📤 已开始向所有订阅者推送摘要。发送 /stats 查看进度。');
  await bot.waitUntil(() => digestCalls(bot, subscribers).length >= subscribers.length / 2, 20_000, 'half the digests');
}

function crashTestBot(subscribers: readonly number[]): BotHarness {
  return new BotHarness({
    env: { ADMIN_IDS: String(ADMIN), DIGEST_CRON },
    readyTimeoutMs: 60_000,
    replyTimeoutMs: 15_000,
    prepareDataDir: async (dataDir) => {
      const liaoning = join(dataDir, 'liaoning.txt');
      await writeFile(liaoning, readShipped('000').replaceAll('吉林', '辽宁'), 'utf8');
      const shipped = readdirSync(SHIPPED_SOURCES)
        .filter((n) => n.endsWith('.txt'))
        .sort()
        .map((n) => join(SHIPPED_SOURCES, n));
      // The shipped bulletins first (the bot finds them present and leaves them), then the new one.
      const cli = await runCli('bot/cli/ingest.ts', [...shipped, liaoning], { DATA_DIR: dataDir });
      if (cli.code !== 0) throw new Error(`ingest failed\n${cli.stdout}${cli.stderr}`);
      const knowledge = await new LowdbKnowledgeStore(dataDir).load();
      const newest = knowledge.bulletins.reduce((a, b) => (b.seq > a.seq ? b : a));
      if (newest.title !== LIAONING_TITLE) throw new Error(`expected the 辽宁 bulletin last, got ${newest.title}`);

      const state = new StateStore(dataDir);
      await state.open();
      const since = new Date().toISOString();
      for (const chatId of subscribers) state.subscribe({ chatId, chatType: 'private', filter: NO_FILTER, cursor: newest.seq - 1, active: true, since });
      await state.close();
    },
  });
}

/** Telegram takes a while to answer the digests: long enough for a run of a few hundred chats to last seconds. */
function slowTelegram(bot: BotHarness, subscribers: readonly number[]): void {
  const slow = new Set(subscribers);
  bot.proxy.slowDown('sendMessage', (call) => (slow.has(Number(call.chatId)) ? TELEGRAM_LATENCY_MS : 0));
}

/** Digests Telegram accepted for these chats, by their first part. */
function digestCalls(bot: BotHarness, chats: readonly number[]): BotApiCall[] {
  const wanted = new Set(chats);
  return bot.proxy.callsTo('sendMessage').filter((c) => {
    if (c.status !== 200 || !wanted.has(Number(c.chatId))) return false;
    const text = String(c.params['text']);
    return text.startsWith('📬 <b>新通告摘要</b>') && text.includes(LIAONING_TITLE);
  });
}

function chatsWithout(bot: BotHarness, chats: readonly number[], count: number): number[] {
  return chats.filter((chatId) => digestCalls(bot, [chatId]).length !== count);
}

/**
 * Chats whose messages the bot's journal says Telegram accepted. Read from
 * the file (never through StateStore.open, which may repair it: a write).
 */
function journaledParts(dataDir: string): number[] {
  let journal = '';
  try {
    journal = readFileSync(join(dataDir, 'state.journal'), 'utf8');
  } catch {
    return [];
  }
  return journal.split('\n').flatMap((line) => {
    if (!line.includes('"e":"part"')) return [];
    try {
      return [(JSON.parse(line) as { chatId: number }).chatId];
    } catch {
      return []; // being written
    }
  });
}

/** /stats, asked until no broadcast is in progress; once a second, well under the bot's flood limit. */
async function waitForIdleStats(bot: BotHarness): Promise<string> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const stats = replyIn(await bot.say('/stats', ADMIN_CHAT), ADMIN_CHAT);
    if (stats.includes('当前没有进行中的推送。')) return stats;
    if (performance.now() > deadline) throw new Error(`the broadcast did not finish:\n${stats}`);
    await delay(1000);
  }
}

/** The update's one reply in its own chat (a broadcast's sends to other chats are interleaved in the call log). */
function replyIn(interaction: Awaited<ReturnType<BotHarness['say']>>, chat: ChatRef): string {
  return onlyReply({ ...interaction, replies: interaction.replies.filter((r) => r.chatId === chat.id) }).text;
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}
