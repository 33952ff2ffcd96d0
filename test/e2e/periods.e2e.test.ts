import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_SOURCES } from '../../knowledge/ingest/ingest.ts';
import type { UploadedFile } from '../helpers/bot-api-proxy.ts';
import { buttonsOf, onlyReply, PRIVATE_CHAT, useBot, type BotHarness } from '../helpers/e2e-harness.ts';
import { runCli } from '../helpers/run-cli.ts';
import { JILIN_FILES, NATIONAL_FILES } from '../fixtures/periods/index.ts';

/**
 * Periods end to end: the real bot with 吉林 over five periods and the
 * national quarterly series ingested, answering /trend with text and a PNG
 * chart (sendPhoto, which the proxy stubs and whose upload it records),
 * /compare, the card by period and a question in plain words.
 */
const CHART_WAIT_MS = 15_000;

describe('periods on the Bot API', () => {
  const bot = useBot({
    readyTimeoutMs: 60_000,
    prepareDataDir: async (dataDir) => {
      const shipped = readdirSync(SHIPPED_SOURCES)
        .filter((n) => n.endsWith('.txt'))
        .sort()
        .map((n) => join(SHIPPED_SOURCES, n));
      const fixtures = [...JILIN_FILES, ...NATIONAL_FILES].map((n) => fileURLToPath(new URL(`../fixtures/periods/${n}`, import.meta.url)));
      const cli = await runCli('bot/cli/ingest.ts', [...shipped, ...fixtures], { DATA_DIR: dataDir });
      if (cli.code !== 0) throw new Error(`ingest failed\n${cli.stdout}${cli.stderr}`);
    },
  });

  it('answers /trend with the numbers as text, then the chart as a PNG photo with a caption', async () => {
    const photosBefore = bot.proxy.callsTo('sendPhoto', PRIVATE_CHAT.id).length;
    const text = onlyReply(await bot.say('/trend 吉林电信 爱心翼站'));
    expect(text.text.split('\n')[0]).toBe('📈 <b>吉林电信 · 爱心翼站</b>(4 期)');
    expect(text.text).toContain('<b>2024年上半年</b>:500家(较2023下半年 443家 +57)');
    const photo = await chartSent(bot, photosBefore);
    expect(photo.params['caption']).toBe('📈 <b>吉林电信 · 爱心翼站</b>\n2023下半年 443家 → 2024上半年 500家 → 2024下半年 520家 → 2025第一季度 531家');
    expect(photo.params['parse_mode']).toBe('HTML');
    const file = photo.params['photo'] as UploadedFile;
    expect(file.head).toBe('89504e470d0a1a0a');
    expect(file.png).toEqual({ width: 720, height: 420 });
    expect(file.bytes).toBeGreaterThan(5_000);
  });

  it('answers 吉林电信爱心翼站有多少家 with the figure, and its 📈 趋势 button sends the chart', async () => {
    const answer = onlyReply(await bot.say('吉林电信爱心翼站有多少家'));
    expect(answer.text.split('\n').slice(0, 3)).toEqual([
      '📊 <b>吉林电信 · 爱心翼站</b>',
      '2025年第一季度:<b>531家</b>',
      '较2024下半年 520家:口径不同:周期不同(半年/季度)',
    ]);
    const trend = buttonsOf(answer).find((b) => b.text === '📈 趋势');
    expect(trend?.callbackData).toMatch(/^tr:ct-jl:/);
    const photosBefore = bot.proxy.callsTo('sendPhoto', PRIVATE_CHAT.id).length;
    const pressed = await bot.press(trend!.callbackData!);
    expect(pressed.sent.map((m) => m.text.split('\n')[0])).toEqual(['📈 <b>吉林电信 · 爱心翼站</b>(4 期)']);
    await chartSent(bot, photosBefore);
  });

  it('compares the province’s carriers for one period', async () => {
    const reply = onlyReply(await bot.say('/compare 吉林'));
    expect(reply.text.split('\n').slice(0, 5)).toEqual([
      '⚖️ <b>吉林各运营商</b> · 2025年第一季度',
      '',
      '<b>共同指标</b>',
      '• <b>申告率</b>',
      '  吉林移动 0.38件/百万用户 · 吉林联通 0.66件/百万用户 · 吉林电信 0.51件/百万用户',
    ]);
  });

  it('shows the card by period, with older periods behind 🕘 往期', async () => {
    const card = onlyReply(await bot.say('/carrier 吉林电信'));
    expect(card.text).toContain('🗓 <b>2025年第一季度</b>(最新一期)');
    const older = buttonsOf(card).find((b) => b.text === '🕘 往期');
    const list = onlyReply(await bot.press(older!.callbackData!));
    expect(list.via).toBe('editMessageText');
    const h1 = buttonsOf(list).find((b) => b.callbackData === 'cp:ct-jl:2024h1');
    const past = onlyReply(await bot.press(h1!.callbackData!));
    expect(past.text).toContain('• 爱心翼站 500家(2023下半年 443家,+57)');
  });
});

/** Waits for the chart the bot sends after its text reply (it renders off the update path). */
async function chartSent(bot: BotHarness, before: number) {
  return bot.waitUntil(() => bot.proxy.callsTo('sendPhoto', PRIVATE_CHAT.id)[before], CHART_WAIT_MS, 'the chart to be sent as a photo');
}
