import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { loadConfig } from '../../bot/config.ts';
import { createLogger, type Logger } from '../../bot/logger.ts';
import { createTelegramBot } from '../../bot/telegram.ts';
import type { Services } from '../../handlers/request.ts';

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
}

export const TEST_TOKEN = '123456789:INPROCESS_token_abcdefghij';
export const BOT_USERNAME = 'CarrierWatchBot';

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        resolve(body ? (JSON.parse(body) as Record<string, unknown>) : {});
      } catch {
        resolve(Object.fromEntries(new URLSearchParams(body)));
      }
    });
  });
}

/** What a Bot API answers, well enough for the bot to carry on. */
function answer(method: string, params: Record<string, unknown>, messageId: number): unknown {
  switch (method) {
    case 'sendMessage':
    case 'editMessageText':
      return { message_id: messageId, date: 0, chat: { id: Number(params.chat_id ?? 0), type: 'private' }, text: String(params.text ?? '') };
    case 'getChatMember':
      return { status: 'member', user: { id: Number(params.user_id ?? 0), is_bot: false, first_name: 'x' } };
    case 'getFile':
      return { file_id: String(params.file_id ?? ''), file_unique_id: 'u', file_path: 'documents/none.txt' };
    default:
      return true;
  }
}

/**
 * The real Telegram adapter, run in-process: updates go through
 * bot.handleUpdate exactly as long polling delivers them, and Bot API calls
 * land on a local stub that records them. For fuzzing, where starting a
 * process per input would be far too slow.
 */
export async function startInProcessBot(services: Services, options: { admins?: number[]; log?: Logger } = {}) {
  const calls: ApiCall[] = [];
  let nextId = 1;
  const server: Server = createServer(async (req, res) => {
    const method = (req.url ?? '').split('/').pop() ?? '';
    const params = await readBody(req);
    calls.push({ method, params });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, result: answer(method, params, nextId++) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const config = loadConfig({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
    ADMIN_IDS: (options.admins ?? []).join(','),
    DATA_DIR: '/nonexistent',
  });
  const bot: Telegraf = createTelegramBot({ config: { ...config, BOT_TOKEN: TEST_TOKEN }, log: options.log ?? createLogger('silent'), services });
  bot.botInfo = { id: 42, is_bot: true, first_name: 'carrier-watch', username: BOT_USERNAME, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: true };
  return {
    bot,
    calls,
    /** Handles one update; returns the Bot API calls it caused. */
    async handle(update: Update): Promise<ApiCall[]> {
      const before = calls.length;
      await bot.handleUpdate(update);
      return calls.slice(before);
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
