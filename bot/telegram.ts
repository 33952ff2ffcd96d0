import { Telegraf, type Context } from 'telegraf';
import type { InlineKeyboardButton, InlineQueryResult } from 'telegraf/types';
import { COMMANDS } from '../handlers/commands.ts';
import { answerInline, type InlineArticle } from '../handlers/inline.ts';
import type { Button, OutMessage, Reply } from '../handlers/reply.ts';
import { parseText, type Chat, type Request, type Services } from '../handlers/request.ts';
import { handle } from '../handlers/router.ts';
import { formatOf, uploadName } from '../knowledge/ingest/read-source.ts';
import type { Sender } from './broadcaster.ts';
import { ChartQueue, renderChart } from './chart.ts';
import type { Config } from './config.ts';
import { FLOOD_NOTICE, FloodGuard } from './flood-guard.ts';
import type { Logger } from './logger.ts';
import { classifyTelegramError, retryOn429 } from './telegram-errors.ts';

export interface TelegramDeps {
  config: Config & { BOT_TOKEN: string };
  log: Logger;
  services: Services;
}

const APOLOGY = '抱歉,处理您的请求时出了点问题。请稍后再试,或发送 /help。';

/**
 * Telegraf fetches the next updates only when the current ones are handled,
 * so waiting out a 429 inside a handler holds up every chat. Short waits are
 * worth it; past this the user is better served by trying again.
 */
const REPLY_RETRY = { attempts: 3, maxWaitMs: 5_000 };

/**
 * Builds the Telegram adapter: it turns updates into handler requests and
 * replies into Bot API calls. No feature logic lives here.
 */
export function createTelegramBot({ config, log, services }: TelegramDeps): Telegraf {
  const bot = new Telegraf(config.BOT_TOKEN, {
    telegram: config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {},
    handlerTimeout: 30_000,
  });
  const admins = new Set(config.ADMIN_IDS);
  const charts = new ChartQueue();
  const send = (ctx: Context, r: Reply): Promise<void> => sendReply(ctx, r, charts, log);

  // The one error boundary: a failing handler is logged with its update id and the user gets an apology,
  // unless the chat is unreachable (blocked, kicked), where an apology would only fail again.
  bot.catch(async (error, ctx) => {
    log.error('update failed', { updateId: ctx.update.update_id, error });
    if (classifyTelegramError(error).kind === 'gone') return;
    try {
      if (ctx.callbackQuery) await retryOn429(() => ctx.answerCbQuery('出错了,请重试'), REPLY_RETRY);
      else if (ctx.chat) await retryOn429(() => ctx.reply(APOLOGY, { parse_mode: 'HTML' }), REPLY_RETRY);
    } catch (e) {
      log.warn('could not send apology', { updateId: ctx.update.update_id, error: e });
    }
  });

  // Flood protection runs before any feature: past the limit a user gets one notice, then silence.
  // Inline queries are not counted; Telegram already paces them as the user types.
  const flood = new FloodGuard();
  bot.use(async (ctx, next) => {
    if (!ctx.from || !(ctx.callbackQuery || addressedToBot(ctx))) return next();
    const verdict = flood.check(ctx.from.id);
    if (verdict === 'ok') return next();
    if (ctx.callbackQuery) await ctx.answerCbQuery(verdict === 'notify' ? FLOOD_NOTICE : undefined);
    else if (verdict === 'notify' && ctx.chat) await ctx.reply(FLOOD_NOTICE, { parse_mode: 'HTML' });
    if (verdict === 'notify') log.warn('flood protection engaged', { userId: ctx.from.id });
  });

  bot.on('message', async (ctx) => {
    const msg = ctx.message;
    if (!ctx.from) return;
    const chat = chatOf(ctx);
    const user = { id: ctx.from.id, isAdmin: admins.has(ctx.from.id) };
    const text = 'text' in msg ? msg.text : 'caption' in msg ? (msg.caption ?? '') : '';
    const parsed = parseText(text, ctx.botInfo?.username);
    if (parsed.kind === 'other_bot') return;

    // A file: sent privately, captioned /ingest, or a /ingest reply to a message carrying one.
    const replied = 'reply_to_message' in msg ? msg.reply_to_message : undefined;
    const asksIngest = parsed.kind === 'command' && parsed.command.toLowerCase() === 'ingest';
    const doc =
      'document' in msg && (chat.type === 'private' || asksIngest)
        ? msg.document
        : asksIngest && replied && 'document' in replied
          ? replied.document
          : undefined;
    if (doc) {
      const fileName = doc.file_name ?? uploadName(doc.mime_type);
      const size = doc.file_size ?? 0;
      const wanted = user.isAdmin && size <= services.maxUploadBytes && formatOf(fileName) !== undefined;
      const bytes = wanted ? await download(ctx, doc.file_id, log) : undefined;
      await send(ctx, await handle({ kind: 'document', fileName, size, ...(bytes ? { bytes } : {}), chat, user }, services));
      return;
    }

    if (!('text' in msg)) return;
    let req: Request;
    if (parsed.kind === 'command') req = { kind: 'command', command: parsed.command, args: parsed.args, chat, user };
    else if (chat.type === 'private') req = { kind: 'text', text: parsed.text, chat, user };
    else return; // Group chatter is not for us.
    await send(ctx, await handle(req, services));
  });

  bot.on('callback_query', async (ctx) => {
    const cb = ctx.callbackQuery;
    if (!('data' in cb) || !ctx.from) return ctx.answerCbQuery();
    const chat = ctx.chat ? chatOf(ctx) : { id: ctx.from.id, type: 'private' as const };
    const r = await handle({ kind: 'callback', data: cb.data, chat, user: { id: ctx.from.id, isAdmin: admins.has(ctx.from.id) } }, services);
    await retryOn429(() => ctx.answerCbQuery(r.notice), REPLY_RETRY);
    await send(ctx, r);
  });

  // Inline mode (@bot 吉林电信): needs /setinline at @BotFather, or Telegram never sends these.
  bot.on('inline_query', async (ctx) => {
    const q = ctx.inlineQuery;
    const answer = answerInline({ kind: 'inline', query: q.query, user: { id: q.from.id, isAdmin: admins.has(q.from.id) } }, services);
    await retryOn429(() => ctx.answerInlineQuery(answer.results.map(inlineResult), { cache_time: answer.cacheSeconds }), REPLY_RETRY);
  });

  return bot;
}

function inlineResult(a: InlineArticle): InlineQueryResult {
  return {
    type: 'article',
    id: a.id,
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    input_message_content: { message_text: a.html, parse_mode: 'HTML', link_preview_options: { is_disabled: true } },
  };
}

/** Fetches an uploaded file through the Bot API's file endpoint; undefined if Telegram will not give it. */
async function download(ctx: Context, fileId: string, log: Logger): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    const link = await retryOn429(() => ctx.telegram.getFileLink(fileId), REPLY_RETRY);
    const res = await fetch(link);
    if (!res.ok) throw new Error(`file download failed with HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  } catch (error) {
    log.warn('could not download an uploaded file', { updateId: ctx.update.update_id, error });
    return undefined;
  }
}

/** A message the bot would act on: anything in a private chat, a command or a file caption in a group. */
function addressedToBot(ctx: Context): boolean {
  const msg = ctx.message;
  if (!msg) return false;
  if (ctx.chat?.type === 'private') return true;
  const text = 'text' in msg ? msg.text : 'caption' in msg ? (msg.caption ?? '') : '';
  return text.trimStart().startsWith('/');
}

function chatOf(ctx: Context): Chat {
  const c = ctx.chat!;
  return { id: c.id, type: c.type };
}

function keyboard(buttons: Button[][] | undefined): { inline_keyboard: InlineKeyboardButton[][] } | undefined {
  if (!buttons?.length) return undefined;
  return {
    inline_keyboard: buttons.map((row) =>
      row.map((b): InlineKeyboardButton => ('url' in b ? { text: b.text, url: b.url } : { text: b.text, callback_data: b.data })),
    ),
  };
}

function extra(m: OutMessage): { parse_mode: 'HTML'; link_preview_options: { is_disabled: true }; reply_markup?: { inline_keyboard: InlineKeyboardButton[][] } } {
  const markup = keyboard(m.buttons);
  return { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(markup ? { reply_markup: markup } : {}) };
}

/**
 * Sends a reply. A button press that asks to edit replaces its own message
 * when it is a single part; otherwise, or if Telegram refuses the edit, the
 * parts are sent as new messages.
 */
async function sendReply(ctx: Context, r: Reply, charts: ChartQueue, log: Logger): Promise<void> {
  const photos = r.messages.filter((m) => m.chart);
  if (photos.length) {
    // Text goes out now; charts render and follow from a queue the update handler does not wait for,
    // so one chart's ~250 ms never holds up other chats' replies.
    const texts = r.messages.filter((m) => !m.chart);
    if (texts.length) await sendReply(ctx, { ...r, messages: texts }, charts, log);
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    for (const m of photos) {
      void charts
        .run(async () => {
          const { png } = await renderChart(m.chart!);
          await retryOn429(() => ctx.telegram.sendPhoto(chatId, { source: png, filename: 'chart.png' }, { caption: m.html, parse_mode: 'HTML', ...(keyboard(m.buttons) ? { reply_markup: keyboard(m.buttons)! } : {}) }), REPLY_RETRY);
        })
        .catch((error: unknown) => log.warn('could not send a chart', { updateId: ctx.update.update_id, error }));
    }
    return;
  }
  const [first, ...rest] = r.messages;
  // A button on a message sent through inline mode has no chat to answer in.
  if (!first || !ctx.chat) return;
  if (r.edit && ctx.callbackQuery?.message && rest.length === 0) {
    try {
      await retryOn429(() => ctx.editMessageText(first.html, extra(first)), REPLY_RETRY);
      return;
    } catch (e) {
      if (String((e as Error).message).includes('message is not modified')) return;
      if (classifyTelegramError(e).kind !== 'rejected') throw e;
      // An edit Telegram refuses (message too old, deleted): send the page as a new message instead.
    }
  }
  for (const m of r.messages) await retryOn429(() => ctx.reply(m.html, extra(m)), REPLY_RETRY);
}

/** The broadcaster's way out: one HTML message with its buttons; errors stay Telegraf's, for classification. */
export function telegramSender(bot: () => Telegraf): Sender {
  return {
    async send(chatId, message) {
      await bot().telegram.sendMessage(chatId, message.html, extra(message));
    },
  };
}

/** Registers the command menu phones show. Failure is only a warning: the bot works without it. */
export async function publishCommands(bot: Telegraf, log: Logger): Promise<void> {
  try {
    await bot.telegram.setMyCommands(COMMANDS.filter((c) => !c.adminOnly).map((c) => ({ command: c.name, description: c.description })));
  } catch (e) {
    log.warn('setMyCommands failed; continuing without the command menu', { error: e });
  }
}

