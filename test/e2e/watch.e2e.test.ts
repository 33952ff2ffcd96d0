import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import type { BotApiCall } from '../helpers/bot-api-proxy.ts';
import { onlyReply, useBot, type BotHarness, type ChatRef, type Interaction } from '../helpers/e2e-harness.ts';
import { telegramHtmlProblem } from '../helpers/telegram-html.ts';
import { FixtureSite } from '../watch/fixture-site.ts';
import { articlePage, bulletinTitle, listPage, type BulletinSpec } from '../watch/site-content.ts';

/**
 * The watcher in the running bot: a sources file points at a loopback
 * provincial site; the first check is a silent baseline; a bulletin
 * published afterwards reaches a 即时 chat at once and a scheduled chat in
 * its next digest, each exactly once, with a link to the original; and a
 * kill -9 right as a bulletin is ingested, then a restart, doubles nothing
 * and loses nothing. One bot for the file; the tests build on each other.
 */

const ADMIN = 7001;
const ADMIN_CHAT: ChatRef = { id: ADMIN, type: 'private' };
/** Subscribed to everything, on the schedule (which never comes round: only /digest and /broadcast send). */
const ALICE: ChatRef = { id: 7101, type: 'private' };
/** Subscribed to everything, 即时. */
const BOB: ChatRef = { id: 7102, type: 'private' };
const DIGEST_CRON = '0 4 29 2 *';
const LIST = '/zwgk/tzgg/index.html';
const NOTHING_NEW = '自上次摘要以来,没有符合订阅条件的新通告。';

const spec = (year: number, quarter: 1 | 2 | 3 | 4): BulletinSpec => ({ province: '湖南', year, quarter, seed: year * 10 + quarter });
const pathOf = (b: BulletinSpec): string => `/zwgk/tzgg/art/${b.year}/art_${b.year}q${b.quarter}.html`;
/** Five listed before the bot first looks, newest first. */
const history = [spec(2024, 4), spec(2024, 3), spec(2024, 2), spec(2024, 1), spec(2023, 4)];
const PUBLISHED = spec(2025, 1);
const DURING_CRASH = spec(2025, 2);

describe('watching a provincial site in the running bot', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'carrier-watch-watch-e2e-'));
  const sourcesFile = join(scratch, 'sources.json');
  let site: FixtureSite;
  let listed: BulletinSpec[] = [...history];
  const publish = (b?: BulletinSpec): void => {
    if (b) {
      site.html(pathOf(b), articlePage(b));
      listed = [b, ...listed];
    }
    site.html(LIST, listPage(listed.map((x) => ({ href: pathOf(x), title: bulletinTitle(x), date: `${x.year}-01-01` }))), { etag: `"v${listed.length}"` });
  };

  // Registered before useBot's: the site and the sources file exist before the bot starts.
  beforeAll(async () => {
    site = await FixtureSite.start();
    for (const b of history) site.html(pathOf(b), articlePage(b));
    await writeFile(sourcesFile, JSON.stringify([{ name: '湖南省通信管理局', url: site.url(LIST), verified: true }]));
  });
  const bot = useBot({
    env: {
      ADMIN_IDS: String(ADMIN),
      DIGEST_CRON,
      WATCH: 'on',
      WATCH_SOURCES_FILE: sourcesFile,
      WATCH_CRON: '*/2 * * * * *',
      WATCH_BACKFILL: '3',
      WATCH_ALLOW_PRIVATE: '1',
      WATCH_USER_AGENT: 'carrier-watch-e2e/1.0 (+https://example.org/contact)',
    },
    readyTimeoutMs: 60_000,
  });
  afterAll(async () => {
    await site.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('refuses /sources to non-admins; subscribes one chat on schedule and one 即时', async () => {
    expect(await text(bot.say('/sources', ALICE))).toBe('抱歉,只有管理员可以管理监测来源。');
    expect(await text(bot.say('/subscribe', ALICE))).toContain('✅ 已订阅:全部新通告');
    expect(await text(bot.say('/subscribe 即时', BOB))).toBe(
      '✅ 已订阅:全部新通告\n⚡ 即时推送:监测到新通告并收录后立即推送摘要;没有新内容就不打扰。\n发送 /digest 立即查看,/subscriptions 查看设置,/unsubscribe 退订。',
    );
    expect(await text(bot.say('/subscriptions', BOB))).toContain('推送:即时(新通告收录后立即推送)');
  });

  it('makes the first check a silent baseline: the latest three stored with their URLs, nobody told', { timeout: 60_000 }, async () => {
    publish();
    // The list may already have been polled (404 while it did not exist): a manual check ignores the backoff.
    const started = await bot.say('/sources check 1', ADMIN_CHAT);
    expect(onlyReply(started).text).toBe('🔎 已开始检查第 1 个来源,完成后发送 /sources 查看结果。');
    await eventually(async () => (await watched(bot)).length >= 3, 30_000, 'the baseline');
    const baseline = await watched(bot);
    expect(baseline.map((b) => b.id).sort()).toEqual(['hn-2024q2-official', 'hn-2024q3-official', 'hn-2024q4-official']);
    expect(baseline.every((b) => b.silent === true && b.url === site.url(pathOf(spec(b.period.year, b.period.quarter as 2 | 3 | 4))))).toBe(true);
    await eventually(async () => (await text(bot.say('/sources', ADMIN_CHAT))).includes('收录 3 份'), 10_000, '/sources to show the baseline');
    expect(await text(bot.say('/digest', ALICE))).toBe(NOTHING_NEW);
    expect(digestsTo(bot, BOB)).toEqual([]);
    expect(digestsTo(bot, ALICE)).toEqual([]);
  });

  it('sends a bulletin published later to the 即时 chat at once and to the other in its next digest, once each, linking the original', { timeout: 60_000 }, async () => {
    publish(PUBLISHED);
    const title = bulletinTitle(PUBLISHED);
    const link = `<a href="${site.url(pathOf(PUBLISHED))}">原文</a>`;
    const instant = await bot.waitUntil(() => digestsTo(bot, BOB, title)[0], 30_000, 'the 即时 digest');
    const sent = String(instant.params['text']);
    expect(sent).toContain('📬 <b>新通告摘要</b>(1 份 · 全部新通告)');
    expect(sent).toContain(`🆕 <b>${title}</b>`);
    expect(sent).toContain(`📎 <i>出处:《${title}》</i> · ${link}`);
    expect(telegramHtmlProblem(sent)).toBeUndefined();
    // Nothing went to the scheduled chat yet; its next digest has it.
    expect(digestsTo(bot, ALICE, title)).toEqual([]);
    const digest = await bot.say('/digest', ALICE);
    expect(digest.sent.filter((m) => m.chatId === ALICE.id).map((m) => m.text).join('\n')).toContain(link);
    // The next run for everyone sends it to nobody again.
    expect(onlyReply(await bot.say('/broadcast', ADMIN_CHAT)).text).toBe('📤 已开始向所有订阅者推送摘要。发送 /stats 查看进度。');
    await eventually(async () => (await text(bot.say('/stats', ADMIN_CHAT))).includes('当前没有进行中的推送。'), 10_000, 'the broadcast to end');
    expect(digestsTo(bot, BOB, title)).toHaveLength(1);
    expect(digestsTo(bot, ALICE, title)).toHaveLength(1);
    expect((await watched(bot)).filter((b) => b.id === 'hn-2025q1-official').map((b) => b.silent)).toEqual([undefined]);
  });

  it('after kill -9 the moment a bulletin is ingested, and a restart: nothing doubled, nothing lost', { timeout: 90_000 }, async () => {
    const title = bulletinTitle(DURING_CRASH);
    const before = bot.logs().length;
    // "Telegram" hears nothing from this life: a digest it accepted in the instant before the kill, before the
    // journal had it, would be sent again (the Bot API's own at-least-once window, which the digest crash tests
    // cover). Held at the proxy, it is dropped with the connection, so any double here is the watcher's fault.
    const gate = bot.proxy.hold('sendMessage');
    publish(DURING_CRASH);
    await bot.waitUntil(
      () => bot.logs().slice(before).some((l) => l.msg === 'watched bulletin ingested' && l['id'] === 'hn-2025q2-official'),
      30_000,
      'the bulletin to be ingested',
    );
    await bot.kill();
    await delay(100); // let the proxy notice the dropped connections
    gate.release();
    expect(gate.held().every((c) => c.answeredBy === undefined || c.answeredBy === 'dropped')).toBe(true);
    await bot.restart();
    // Whatever the crash interrupted (recording the link as seen, the 即时 digest), the new life finishes it.
    await bot.waitUntil(() => digestsTo(bot, BOB, title)[0], 30_000, 'the 即时 digest after the restart');
    // Let a few more checks pass: the list is unchanged, so nothing more may come of it.
    const checks = site.requestsTo(LIST).length;
    await bot.waitUntil(() => site.requestsTo(LIST).length >= checks + 2 || undefined, 15_000, 'two more checks');
    const stored = await watched(bot);
    expect(stored.filter((b) => b.id === 'hn-2025q2-official')).toHaveLength(1);
    expect(stored.map((b) => b.id).sort()).toEqual(['hn-2024q2-official', 'hn-2024q3-official', 'hn-2024q4-official', 'hn-2025q1-official', 'hn-2025q2-official']);
    expect(digestsTo(bot, BOB, title)).toHaveLength(1);
    expect(digestsTo(bot, BOB, bulletinTitle(PUBLISHED))).toHaveLength(1);
    const digest = await bot.say('/digest', ALICE);
    expect(digest.sent.filter((m) => m.chatId === ALICE.id).map((m) => m.text).join('\n')).toContain(`🆕 <b>${title}</b>`);
    expect(await text(bot.say('/digest', ALICE))).toBe(NOTHING_NEW);
    expect(digestsTo(bot, ALICE, title)).toHaveLength(1);
    // The baseline never comes back as news.
    for (const b of history) expect(digestsTo(bot, BOB, bulletinTitle(b))).toEqual([]);
  });
});

/** Polls an asynchronous check (bot.waitUntil takes synchronous probes only). */
async function eventually(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await probe()); await delay(200)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

async function text(interaction: Promise<Interaction>): Promise<string> {
  return onlyReply(await interaction).text;
}

/** Bulletins the watcher stored (the ones with a URL), read from the bot's knowledge file. */
async function watched(bot: BotHarness) {
  return (await new LowdbKnowledgeStore(bot.dataDir).load()).bulletins.filter((b) => b.url);
}

/** Digests Telegram accepted for a chat, by their first part; only those naming `title` when given. */
function digestsTo(bot: BotHarness, chat: ChatRef, title?: string): BotApiCall[] {
  return bot.proxy.callsTo('sendMessage', chat.id).filter((c) => {
    const sent = String(c.params['text']);
    return c.status === 200 && sent.startsWith('📬 <b>新通告摘要</b>') && (!title || sent.includes(title));
  });
}
