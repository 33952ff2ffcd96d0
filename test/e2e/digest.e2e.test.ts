import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSchedule } from '../../bot/digest-schedule.ts';
import { answers, type BotApiCall } from '../helpers/bot-api-proxy.ts';
import { buttonsOf, onlyReply, useBot, type BotHarness, type BotMessage, type ChatRef, type Interaction } from '../helpers/e2e-harness.ts';
import { readShipped } from '../helpers/knowledge.ts';
import { runCli } from '../helpers/run-cli.ts';
import { telegramHtmlProblem } from '../helpers/telegram-html.ts';

/**
 * Digests end to end, through the real bot process: subscribing (and who
 * may, in a group), /digest with nothing new, a bulletin added with
 * `npm run ingest` while the bot runs, the digest about it, and the admin's
 * /broadcast and /stats. One bot for the file; the tests run in order and
 * build on each other (who is subscribed to what, what has been sent).
 */

/** A schedule that never comes round during a test run (29 February, 04:00), so only the tests start runs. */
const DIGEST_CRON = '0 4 29 2 *';
const SCHEDULE = describeSchedule(DIGEST_CRON, 'Asia/Shanghai');

const BOT_ADMIN = 8001;
const ADMIN_CHAT: ChatRef = { id: BOT_ADMIN, type: 'private' };
/** Subscribes to everything; gets the digest by /digest. */
const ALICE: ChatRef = { id: 8101, type: 'private' };
/** Subscribes to 吉林 反诈 only: the 辽宁 bulletin is not for her. */
const BOB: ChatRef = { id: 8102, type: 'private' };
/** Tries every subscription command, and ends unsubscribed. */
const CAROL: ChatRef = { id: 8103, type: 'private' };
const GROUP_ADMIN = 8301;
const GROUP_MEMBER = 8302;
const GROUP: ChatRef = { id: -8201, type: 'group', userId: GROUP_MEMBER, title: '消保工作群' };

const FILTER_HELP =
  '可以写省份(<code>吉林</code>)、运营商(<code>吉林移动</code>)或类别(<code>反诈</code>、<code>适老</code>、<code>垃圾短信</code>…),几项可以组合,例如 <code>/subscribe 吉林 反诈</code>。';
const subscribed = (verb: string, what: string): string =>
  `✅ ${verb}:${what}\n有新通告时,${SCHEDULE}推送摘要;没有新内容就不打扰。\n发送 /digest 立即查看,/subscriptions 查看设置,/unsubscribe 退订。`;
const NOTHING_NEW = '自上次摘要以来,没有符合订阅条件的新通告。';
const GROUP_ADMINS_ONLY = '只有本群管理员可以修改本群的订阅。';

const LIAONING_TITLE = '2023年下半年辽宁省电信服务质量通告';

describe('digests in the running bot', () => {
  const bot = useBot({ env: { ADMIN_IDS: String(BOT_ADMIN), DIGEST_CRON } });
  let scratch = '';
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'carrier-watch-digest-e2e-'));
    // Telegram's answer to "what is this user in this group?": one admin, everyone else a member.
    bot.proxy.respond('getChatMember', (call) => {
      const userId = Number(call.params['user_id']);
      return answers.chatMember(userId, userId === GROUP_ADMIN ? 'administrator' : 'member');
    });
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('answers /subscribe, /subscribe 吉林 反诈, /subscriptions and /unsubscribe exactly', async () => {
    expect(await text(bot.say('/subscriptions', CAROL))).toBe(`本聊天没有订阅摘要。\n发送 /subscribe 订阅全部新通告,或 ${FILTER_HELP}`);
    expect(await text(bot.say('/subscribe', CAROL))).toBe(subscribed('已订阅', '全部新通告'));
    expect(await text(bot.say('/subscribe 吉林 反诈', CAROL))).toBe(subscribed('订阅已更新', '吉林 · 反诈'));
    expect(withoutDate(await text(bot.say('/subscriptions', CAROL)))).toBe(
      `📬 <b>本聊天的订阅</b>\n范围:吉林 · 反诈\n推送:${SCHEDULE}\n订阅时间:DATE\n\n修改:/subscribe 条件 · 立即查看:/digest · 退订:/unsubscribe`,
    );
    expect(await text(bot.say('/subscribe 火星', CAROL))).toBe(`没看懂 “火星”,订阅未改动。\n${FILTER_HELP}`);
    expect(await text(bot.say('/unsubscribe', CAROL))).toBe('已退订,不会再推送摘要。随时可以 /subscribe 重新订阅。');
    expect(await text(bot.say('/unsubscribe', CAROL))).toBe('本聊天没有订阅,无需退订。');
    expect(withoutDate(await text(bot.say('/subscriptions', CAROL)))).toBe(
      `本聊天没有订阅摘要(已于 DATE 起的订阅已停止:用户退订)。\n发送 /subscribe 订阅全部新通告,或 ${FILTER_HELP}`,
    );
  });

  it('lets only group admins change a group’s subscription, asking Telegram who is one', async () => {
    const refused = await bot.say('/subscribe', GROUP, { from: GROUP_MEMBER });
    expect(onlyReply(refused).text).toBe(GROUP_ADMINS_ONLY);
    expect(memberQueries(refused)).toEqual([{ chat_id: GROUP.id, user_id: GROUP_MEMBER }]);

    const accepted = await bot.say('/subscribe', GROUP, { from: GROUP_ADMIN });
    expect(onlyReply(accepted).text).toBe(subscribed('已订阅', '全部新通告'));
    expect(memberQueries(accepted)).toEqual([{ chat_id: GROUP.id, user_id: GROUP_ADMIN }]);

    expect(await text(bot.say('/unsubscribe', GROUP, { from: GROUP_MEMBER }))).toBe(GROUP_ADMINS_ONLY);
    // Anyone may look; the subscription stands.
    expect(await text(bot.say('/subscriptions', GROUP, { from: GROUP_MEMBER }))).toContain('范围:全部新通告');
  });

  it('says so when /digest finds nothing new, or the chat is not subscribed', async () => {
    expect(await text(bot.say('/digest', BOB))).toBe('本聊天还没有订阅。发送 /subscribe 订阅新通告摘要。');
    expect(await text(bot.say('/subscribe', ALICE))).toBe(subscribed('已订阅', '全部新通告'));
    expect(await text(bot.say('/subscribe 吉林 反诈', BOB))).toBe(subscribed('已订阅', '吉林 · 反诈'));
    expect(await text(bot.say('/digest', ALICE))).toBe(NOTHING_NEW);
  });

  it('sends a digest of a bulletin `npm run ingest` added, once', async () => {
    const reloadsBefore = reloads(bot);
    const file = join(scratch, `${LIAONING_TITLE}.txt`);
    await writeFile(file, readShipped('000').replaceAll('吉林', '辽宁'), 'utf8');
    const cli = await runCli('bot/cli/ingest.ts', [file], { DATA_DIR: bot.dataDir });
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    // The bot notices the file change by polling its mtime.
    await bot.waitUntil(() => reloads(bot) > reloadsBefore, 10_000, 'the bot to reload its knowledge');

    const digest = await bot.say('/digest', ALICE);
    const messages = digest.sent.filter((m) => m.chatId === ALICE.id);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    expect(messages.every((m) => m.delivered && m.parseMode === 'HTML')).toBe(true);
    const all = messages.map((m) => m.text).join('\n');
    expect(all).toContain('📬 <b>新通告摘要</b>(1 份 · 全部新通告)');
    expect(all).toContain(`🆕 <b>${LIAONING_TITLE}</b>`);
    expect(all).toContain('官方通告 · 辽宁省通信管理局 · 2023年下半年 · 辽宁');
    // Per carrier, its count and its most notable facts with their figures and paragraphs.
    for (const carrier of ['辽宁移动', '辽宁联通', '辽宁电信']) {
      const [heading, ...facts] = all.split('\n\n').find((block) => block.startsWith(`<b>${carrier}</b>`))?.split('\n') ?? [];
      expect(heading).toMatch(new RegExp(`^<b>${carrier}</b>\\(\\d+ 条\\)$`));
      expect(facts.length).toBeGreaterThanOrEqual(1);
      for (const fact of facts) expect(fact).toMatch(/^• .+ <i>第[\d、]+段<\/i>$/);
      expect(facts.some((fact) => /【.+】/.test(fact))).toBe(true);
    }
    expect(all).not.toContain('吉林');
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(4096);
      expect(telegramHtmlProblem(m.text)).toBeUndefined();
    }
    const buttons = messages.flatMap(buttonsOf);
    expect(buttons.map((b) => b.text)).toEqual(expect.arrayContaining(['📄 查看通告', '辽宁移动', '辽宁联通', '辽宁电信']));
    for (const b of buttons) expect(Buffer.byteLength(b.callbackData ?? '', 'utf8')).toBeLessThanOrEqual(64);

    // The buttons open the bulletin and the carrier card.
    const bulletin = await bot.press(buttonData(messages, '📄 查看通告'), { chat: ALICE });
    expect(bulletin.replies.map((r) => r.text).join('\n')).toContain(LIAONING_TITLE);
    const card = await bot.press(buttonData(messages, '辽宁移动'), { chat: ALICE });
    expect(card.replies.map((r) => r.text).join('\n')).toContain('<b>辽宁移动</b>');

    // Once sent, it is no longer new; and Bob's filter (吉林 反诈) never wanted it.
    expect(await text(bot.say('/digest', ALICE))).toBe(NOTHING_NEW);
    expect(await text(bot.say('/digest', BOB))).toBe(NOTHING_NEW);
    expect(digestsTo(bot, ALICE)).toHaveLength(1);
  });

  it("refuses a non-admin's /broadcast and /stats", async () => {
    const runsBefore = bot.logs().filter((l) => l.msg === 'digest run recorded').length;
    expect(await text(bot.say('/broadcast', BOB))).toContain('抱歉,只有管理员可以发起推送');
    expect(await text(bot.say('/stats', BOB))).toContain('抱歉,只有管理员可以查看统计');
    expect(bot.logs().filter((l) => l.msg === 'digest run recorded')).toHaveLength(runsBefore);
  });

  it('runs /broadcast for an admin: every chat still owed the digest gets it once, and /stats tells', async () => {
    const finishedBefore = finishedRuns(bot);
    const started = await bot.say('/broadcast', ADMIN_CHAT);
    expect(started.sent.filter((m) => m.chatId === ADMIN_CHAT.id).map((m) => m.text)).toEqual(['📤 已开始向所有订阅者推送摘要。发送 /stats 查看进度。']);
    await bot.waitUntil(() => finishedRuns(bot) > finishedBefore, 10_000, 'the broadcast to finish');

    // The group subscribed before the bulletin came: it is owed the digest. Alice has it already; Bob's filter excludes it.
    expect(digestsTo(bot, GROUP)).toHaveLength(1);
    expect(digestsTo(bot, ALICE)).toHaveLength(1);
    expect(digestsTo(bot, BOB)).toEqual([]);
    const parts = accepted(bot.proxy.callsTo('sendMessage', GROUP.id)).filter((c) => c.seq >= digestsTo(bot, GROUP)[0]!.seq).length;

    const stats = await text(bot.say('/stats', ADMIN_CHAT), ADMIN_CHAT);
    expect(stats).toContain('📊 <b>推送统计</b>');
    expect(stats).toContain('订阅中 3 个聊天 · 已退订 1 个(其中 0 个因屏蔽或群不存在被自动退订)');
    expect(stats).toContain(`已送达摘要 2 份 · 消息 ${parts * 2} 条 · 推迟到下次推送 0 次`);
    expect(stats).toContain('当前没有进行中的推送。');
  });
});

/**
 * The one reply an update got in its own chat. Messages a broadcast sent
 * meanwhile to other chats show up among the calls of whichever update the
 * bot was handling (or waiting for), so they are left out when `chat` is given.
 */
async function text(interaction: Promise<Interaction>, chat?: ChatRef): Promise<string> {
  const done = await interaction;
  if (!chat) return onlyReply(done).text;
  const own = done.replies.filter((r) => r.chatId === chat.id);
  if (own.length !== 1) throw new Error(`expected one reply in chat ${chat.id}, got ${own.length}`);
  return own[0]!.text;
}

/** Subscription dates are the day the test ran. */
function withoutDate(s: string): string {
  return s.replace(/\d{4}-\d{2}-\d{2}/g, 'DATE');
}

function memberQueries(interaction: Interaction): Array<{ chat_id: number; user_id: number }> {
  return interaction.calls.filter((c) => c.method === 'getChatMember').map((c) => ({ chat_id: Number(c.params['chat_id']), user_id: Number(c.params['user_id']) }));
}

function accepted(calls: readonly BotApiCall[]): BotApiCall[] {
  return calls.filter((c) => c.status === 200);
}

/** Digests of the 辽宁 bulletin Telegram accepted for a chat, by their first part. */
function digestsTo(bot: BotHarness, chat: ChatRef): BotApiCall[] {
  return accepted(bot.proxy.callsTo('sendMessage', chat.id)).filter((c) => {
    const sent = String(c.params['text']);
    return sent.startsWith('📬 <b>新通告摘要</b>') && sent.includes(LIAONING_TITLE);
  });
}

function buttonData(messages: readonly BotMessage[], label: string): string {
  const data = messages.flatMap(buttonsOf).find((b) => b.text === label)?.callbackData;
  if (!data) throw new Error(`no button ${label}`);
  return data;
}

function reloads(bot: BotHarness): number {
  return bot.logs().filter((l) => l.msg === 'knowledge reloaded').length;
}

function finishedRuns(bot: BotHarness): number {
  return bot.logs().filter((l) => l.msg === 'digest run finished').length;
}

