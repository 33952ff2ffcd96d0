import { describe, expect, it } from 'vitest';
import { faults, isRecord } from '../helpers/bot-api-proxy.ts';
import { buttonsOf, GROUP_CHAT, onlyReply, PRIVATE_CHAT, useBot, type BotHarness, type BotMessage, type ChatRef } from '../helpers/e2e-harness.ts';

/**
 * The real bot process (`tsx bot/main.ts`, as `npm start` runs it) against
 * the telegram-test-api emulator behind a BotApiProxy. One bot per describe
 * block: starting one costs about a second (ingesting the shipped bulletins).
 * Tests inside a block share the bot and run in order.
 */

const JILIN_LEGAL_NAME = '中国电信股份有限公司吉林分公司';
/** A private chat whose user has blocked the bot (the proxy answers 403 to every send there). */
const BLOCKED_CHAT: ChatRef = { id: 3003, type: 'private' };

describe('carrier-watch on the Bot API', () => {
  const bot = useBot();

  it('answers /start with help that lists the commands', async () => {
    const reply = onlyReply(await bot.say('/start'));
    expect(reply.via).toBe('sendMessage');
    expect(reply.delivered).toBe(true);
    for (const command of ['/carrier', '/search', '/bulletins']) expect(reply.text).toContain(command);
  });

  it('registers its command menu with setMyCommands at startup', () => {
    const calls = bot.proxy.callsTo('setMyCommands');
    expect(calls.map((c) => [c.status, c.answeredBy])).toEqual([[200, 'stub']]);
    expect(commandNames(calls[0]!.params['commands'])).toEqual(expect.arrayContaining(['carrier', 'search', 'bulletins', 'help']));
  });

  it('shows the 吉林电信 card with its category buttons for /carrier 吉林电信', async () => {
    const card = await jilinCard(bot, '/carrier 吉林电信');
    expect(card.text).toContain('<b>吉林电信</b>');
    expect(card.text).toContain(JILIN_LEGAL_NAME);
    expect(card.text).toContain('<code>10000</code>');
    expect(buttonsOf(card).map((b) => b.text)).toContainEqual(expect.stringContaining('适老服务'));
  });

  it('edits the card in place into the 适老服务 facts, with their source, when that button is pressed', async () => {
    const card = await jilinCard(bot, '/carrier 吉林电信');
    const button = buttonsOf(card).find((b) => b.text.includes('适老服务'));
    expect(button?.callbackData).toBeDefined();

    const pressed = await bot.press(button!.callbackData!);

    // A single-part answer to a button replaces the message the button was on.
    expect(pressed.sent).toHaveLength(0);
    const page = onlyReply(pressed);
    expect(page.via).toBe('editMessageText');
    expect(page.messageId).toBe(card.messageId);
    expect(pressed.callbackAnswers).toHaveLength(1);
    const block = page.text.split('\n\n').find((b) => b.includes('爱心翼站已拓展到443家'));
    expect(block).toBeDefined();
    const source = block!.split('\n').find((line) => line.includes('📎'));
    expect(source).toContain('2023年下半年吉林省电信服务质量通告');
    expect(source).toContain('第64段');
    // The page offers a way back to the card.
    expect(buttonsOf(page).map((b) => b.text)).toContain('↩ 返回吉林电信');
  });

  it('resolves the initials jldx to the same 吉林电信 card', async () => {
    const byName = await jilinCard(bot, '/carrier 吉林电信');
    const byInitials = await jilinCard(bot, '/carrier jldx');
    expect(byInitials.text).toBe(byName.text);
    expect(byInitials.keyboard).toEqual(byName.keyboard);
  });

  it('resolves the city 长春电信 to the 吉林电信 card, saying it is the provincial branch', async () => {
    const byName = await jilinCard(bot, '/carrier 吉林电信');
    const byCity = await jilinCard(bot, '/carrier 长春电信');
    expect(byCity.text.endsWith(byName.text)).toBe(true);
    expect(byCity.text).toContain('长春');
  });

  it('lists the 吉林电信 facts for /search 爱心翼站', async () => {
    const reply = onlyReply(await bot.say('/search 爱心翼站'));
    expect(reply.text).toContain('<b>吉林电信</b>');
    expect(reply.text).toContain('爱心翼站已拓展到443家');
    expect(reply.text).toContain('第64段');
  });

  it('answers an unknown command politely and points to /help', async () => {
    const reply = onlyReply(await bot.say('/foo'));
    expect(reply.text).toBe('没有 /foo 这个命令。发送 /help 查看全部命令。');
  });

  it('answers a 5000-character argument with one short message and keeps working', async () => {
    const long = await bot.say(`/carrier ${'x'.repeat(5000)}`);
    const reply = onlyReply(long);
    expect(reply.delivered).toBe(true);
    expect(reply.text.length).toBeLessThanOrEqual(200);
    expect(reply.text).toContain('太长');

    const next = onlyReply(await bot.say('/help'));
    expect(next.text).toContain('/carrier');
  });

  it('ignores plain chatter in a group but answers commands there', async () => {
    const chatter = await bot.say('吉林电信', GROUP_CHAT);
    expect(chatter.calls).toHaveLength(0);

    const addressedElsewhere = await bot.say('/help@SomeOtherBot', GROUP_CHAT);
    expect(addressedElsewhere.calls).toHaveLength(0);

    const help = onlyReply(await bot.say('/help', GROUP_CHAT));
    expect(help.chatId).toBe(GROUP_CHAT.id);
    expect(help.text).toContain('/carrier');
  });

  it('survives a user who blocked it: the failure is logged and other chats are still served', async () => {
    const unblock = bot.proxy.injectFault({ method: 'sendMessage', chatIds: [BLOCKED_CHAT.id], reply: faults.blockedByUser() });
    try {
      const refused = await bot.say('/help', BLOCKED_CHAT);
      expect(refused.sent.length).toBeGreaterThan(0);
      expect(refused.sent.every((m) => !m.delivered)).toBe(true);
      expect(refused.calls.every((c) => c.status === 403 && c.answeredBy === 'fault')).toBe(true);
      await bot.waitForLog((l) => l.level === 'error' && l.msg === 'update failed' && JSON.stringify(l).includes('bot was blocked by the user'));
    } finally {
      unblock();
    }
    expect(onlyReply(await bot.say('/help', PRIVATE_CHAT)).delivered).toBe(true);
  });

  it('delivered its replies to the emulator, not only to the proxy', async () => {
    expect(await bot.emulatorBotTexts()).toContain('没有 /foo 这个命令。发送 /help 查看全部命令。');
  });

  // Runs last on purpose: it checks every message the tests above made the bot send.
  it('sent every message as HTML with callback data within 64 bytes, and never logged its token', () => {
    // The blocked chat is left out: after a failed reply the error boundary's apology goes out as plain
    // text (no parse_mode), which is harmless for that text and reported separately; nothing reached that user anyway.
    const messageCalls = bot.proxy.calls.filter(
      (c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && c.chatId !== BLOCKED_CHAT.id,
    );
    expect(messageCalls.length).toBeGreaterThan(10);
    for (const call of messageCalls) {
      expect(call.params['parse_mode'], `${call.method} #${call.seq}`).toBe('HTML');
      expect(String(call.params['text']).length, `${call.method} #${call.seq}`).toBeLessThanOrEqual(4096);
    }

    const callbackData = messageCalls.flatMap((c) => callbackDataIn(c.params['reply_markup']));
    expect(callbackData.length).toBeGreaterThan(10);
    for (const data of callbackData) expect(Buffer.byteLength(data, 'utf8'), data).toBeLessThanOrEqual(64);

    expectTokenNeverLogged(bot);
  });
});

describe('carrier-watch when setMyCommands fails', () => {
  const bot = useBot({ faults: [{ method: 'setMyCommands', reply: faults.serverError(500) }] });

  it('logs a warning and still answers', async () => {
    expect(bot.proxy.callsTo('setMyCommands').map((c) => c.status)).toEqual([500]);
    const warning = await bot.waitForLog((l) => l.level === 'warn' && l.msg.includes('setMyCommands'));
    expect(warning.msg).toBe('setMyCommands failed; continuing without the command menu');

    const help = onlyReply(await bot.say('/help'));
    expect(help.text).toContain('/carrier');
    expectTokenNeverLogged(bot);
  });
});

/** Sends a /carrier command and returns its single reply, checked to be the 吉林电信 card. */
async function jilinCard(bot: BotHarness, command: string): Promise<BotMessage> {
  const card = onlyReply(await bot.say(command));
  expect(card.via).toBe('sendMessage');
  expect(card.text).toContain(JILIN_LEGAL_NAME);
  return card;
}

function commandNames(commands: unknown): unknown[] {
  const list: unknown[] = Array.isArray(commands) ? commands : [];
  return list.map((c) => (isRecord(c) ? c['command'] : c));
}

/** Read straight from the raw request, independent of the harness's own parsing. */
function callbackDataIn(markup: unknown): string[] {
  const rows: unknown = isRecord(markup) ? markup['inline_keyboard'] : undefined;
  const buttons: unknown[] = Array.isArray(rows) ? rows.flat() : [];
  return buttons.flatMap((b) => (isRecord(b) && typeof b['callback_data'] === 'string' ? [b['callback_data']] : []));
}

/** Neither the token nor its secret half (nor their URL-encoded forms) may reach the log. */
function expectTokenNeverLogged(bot: BotHarness): void {
  const stderr = bot.stderrLines.join('\n');
  expect(stderr.length).toBeGreaterThan(0);
  const secret = bot.token.split(':')[1]!;
  for (const needle of [bot.token, encodeURIComponent(bot.token), secret]) expect(stderr).not.toContain(needle);
}
