import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broadcaster, DEFAULT_LIMITS } from '../../bot/broadcaster.ts';
import { DigestRunner } from '../../bot/digest-runner.ts';
import { createDigestService } from '../../bot/digest-service.ts';
import { createLogger } from '../../bot/logger.ts';
import { StateStore } from '../../bot/state-store.ts';
import { COMMANDS } from '../../handlers/commands.ts';
import { MAX_CALLBACK_BYTES, MAX_MESSAGE_CHARS } from '../../handlers/reply.ts';
import { ingestBytes } from '../../knowledge/ingest/ingest.ts';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { startInProcessBot, type ApiCall } from '../helpers/in-process-bot.ts';
import { servicesFor, shippedKnowledge } from '../helpers/knowledge.ts';
import { telegramHtmlProblem } from '../helpers/telegram-html.ts';

const ADMIN = 777;
const quiet = createLogger('silent');
let dir: string;
let state: StateStore;
let harness: Awaited<ReturnType<typeof startInProcessBot>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-fuzz-'));
  const kb = shippedKnowledge();
  state = new StateStore(dir);
  await state.open();
  const broadcaster = new Broadcaster(state, { send: async () => undefined }, quiet, { ...DEFAULT_LIMITS, perChatGapMs: 0 });
  const runner = new DigestRunner(state, () => kb, broadcaster, quiet);
  const store = new LowdbKnowledgeStore(join(dir, 'kb'));
  const services = servicesFor(kb, {
    ingest: (bytes, name) => ingestBytes(store, bytes, name),
    digests: createDigestService({ state, runner, broadcaster, knowledge: () => kb, log: quiet, schedule: '工作日 09:00(Asia/Shanghai)', nextRun: () => undefined, isGroupAdmin: async () => false, canBroadcast: true }),
  });
  harness = await startInProcessBot(services, { admins: [ADMIN] });
});

afterAll(async () => {
  await harness.stop();
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

// --- generators of hostile input ---

const hostileText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('<b>x</b>&amp;', '<script>alert(1)</script>', '*_[]()~`>#+-=|{}.!', '\u202e吉林电信\u202c', '\u0000\u0001\u0007', ' \t\n ', '😀👩‍👩‍👧‍👦🇨🇳', '吉林電信', 'jldx', '0431-12300 & <12300>', '\uD800', '&#x1F600;'),
  fc.integer({ min: 1, max: 6000 }).map((n) => '吉'.repeat(n)),
  fc.integer({ min: 4990, max: 5010 }).map((n) => 'x'.repeat(n)),
);

const commandName = fc.oneof(fc.constantFrom(...COMMANDS.map((c) => c.name), 'start', 'complain', 'channels'), fc.stringMatching(/^[A-Za-z0-9_]{1,40}$/));
const mention = fc.constantFrom('', '@CarrierWatchBot', '@carrierwatchbot', '@OtherBot');
const commandText = fc.tuple(commandName, mention, fc.constantFrom(' ', '  ', '\n'), hostileText).map(([c, m, sep, args]) => `/${c}${m}${sep}${args}`);

const chat = fc.oneof(
  fc.integer({ min: 1, max: 1e9 }).map((id) => ({ id, type: 'private' as const, first_name: 'u' })),
  fc.integer({ min: 1, max: 1e9 }).map((id) => ({ id: -id, type: 'group' as const, title: 'g' })),
  fc.integer({ min: 1, max: 1e9 }).map((id) => ({ id: -1e12 - id, type: 'supergroup' as const, title: 's' })),
);
const user = fc.oneof(fc.integer({ min: 1, max: 1e9 }), fc.constant(ADMIN)).map((id) => ({ id, is_bot: false, first_name: 'u' }));

const validData = fc.constantFrom('c:ct-jl', 'f:ct-jl:0:0', 'f:cm-jl:7:1', 'bl:0', 'b:jl-2023h2-official', 'rf:jl-2023h2-official:0', 'cl:0', 'f:ct-jl:3:999');
const forgedData = fc.oneof(
  validData,
  fc.string({ maxLength: 64 }),
  fc.stringMatching(/^[a-z]{1,2}:[a-z0-9:-]{0,40}$/),
  fc.constantFrom('c:', 'f:ct-jl:99:0', 's:AAAAAAAAAA:0', 'b:../../etc/passwd', 'f:ct-jl:0:-1', '\u0000'),
);

let updateId = 1;
const messageUpdate = fc.tuple(chat, user, fc.oneof(commandText, hostileText), fc.boolean()).map(([c, u, text, edited]): Update => {
  const message = { message_id: updateId, date: 0, chat: c, from: u, text };
  return (edited ? { update_id: updateId++, edited_message: { ...message, edit_date: 1 } } : { update_id: updateId++, message }) as Update;
});
const callbackUpdate = fc.tuple(chat, user, forgedData).map(([c, u, data]): Update => ({
  update_id: updateId++,
  callback_query: { id: String(updateId), from: u, chat_instance: 'x', data, message: { message_id: 1, date: 0, chat: c, text: 'old' } },
}) as Update);
const documentUpdate = fc.tuple(chat, user, fc.constantFrom('a.txt', 'b.html', 'c.pdf', 'noext', '<x>.md'), fc.constantFrom('', '/ingest', '/ingest@OtherBot')).map(([c, u, name, caption]): Update => ({
  update_id: updateId++,
  message: { message_id: updateId, date: 0, chat: c, from: u, caption, document: { file_id: 'f', file_unique_id: 'u', file_name: name, file_size: 100 } },
}) as Update);

const anyUpdate = fc.oneof({ weight: 5, arbitrary: messageUpdate }, { weight: 3, arbitrary: callbackUpdate }, { weight: 1, arbitrary: documentUpdate });

function checkCalls(calls: ApiCall[]): void {
  const sends = calls.filter((c) => c.method === 'sendMessage' || c.method === 'editMessageText');
  expect(sends.length).toBeLessThanOrEqual(5);
  for (const c of sends) {
    const text = String(c.params.text);
    expect(c.params.parse_mode).toBe('HTML');
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(telegramHtmlProblem(text), text.slice(0, 200)).toBeUndefined();
    expect(text).not.toMatch(/at .+\.ts:\d+|\/work\/|node_modules|Error:/);
    const markup = c.params.reply_markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined;
    for (const b of markup?.inline_keyboard?.flat() ?? []) {
      if (b.callback_data !== undefined) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    }
  }
  for (const c of calls.filter((x) => x.method === 'answerCallbackQuery')) {
    expect(String(c.params.text ?? '').length).toBeLessThanOrEqual(200);
  }
}

describe('fuzzing every command and button through the Telegram path', () => {
  it('answers hostile input with a handful of valid Telegram messages and never throws', async () => {
    const methods = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(anyUpdate, async (update) => {
        const calls = await harness.handle(update);
        for (const c of calls) methods.set(c.method, (methods.get(c.method) ?? 0) + 1);
        checkCalls(calls);
      }),
      { seed: 20261123, numRuns: 2000, interruptAfterTimeLimit: 60_000 },
    );
    // The property must have exercised the bot, not passed vacuously.
    expect(methods.get('sendMessage') ?? 0).toBeGreaterThan(400);
    expect(methods.get('answerCallbackQuery') ?? 0).toBeGreaterThan(250);
  }, 90_000);

  it('ignores commands for other bots and group chatter, and answers /cmd@ThisBot', async () => {
    const group = { id: -55, type: 'group' as const, title: 'g' };
    const from = { id: 5, is_bot: false, first_name: 'u' };
    const say = (text: string): Promise<ApiCall[]> => harness.handle({ update_id: updateId++, message: { message_id: 1, date: 0, chat: group, from, text } } as Update);
    expect((await say('/help@OtherBot')).filter((c) => c.method === 'sendMessage')).toEqual([]);
    expect((await say('吉林电信怎么样')).filter((c) => c.method === 'sendMessage')).toEqual([]);
    const own = (await say('/help@CarrierWatchBot')).filter((c) => c.method === 'sendMessage');
    expect(own).toHaveLength(1);
    expect(String(own[0]!.params.text)).toContain('/carrier');
  });

  it('sends one polite notice to a flooding user, then silence', async () => {
    const me = { id: 4242, type: 'private' as const, first_name: 'u' };
    const from = { id: 4242, is_bot: false, first_name: 'u' };
    const replies: string[] = [];
    for (let i = 0; i < 26; i++) {
      const calls = await harness.handle({ update_id: updateId++, message: { message_id: i, date: 0, chat: me, from, text: '/help' } } as Update);
      for (const c of calls.filter((x) => x.method === 'sendMessage')) replies.push(String(c.params.text));
    }
    expect(replies).toHaveLength(21);
    expect(replies[20]).toBe('您发送得太快了,请稍等几秒再试。');
  });
});
