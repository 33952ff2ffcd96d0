import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll } from 'vitest';
import { BotApiProxy, isRecord, type BotApiCall, type DeliveredUpdate, type FaultRule } from './bot-api-proxy.ts';
import { botBundle } from './bot-bundle.ts';

/**
 * Runs the real bot (bundled as `npm start` runs it, under plain node) against the
 * telegram-test-api emulator, with a BotApiProxy in between, and lets tests
 * talk to it as a Telegram user would: `say('/carrier 吉林电信')`,
 * `press('f:ct-jl:0:0')`, `upload(hostDocument('通告.txt', bytes))`. Each call returns exactly what the bot did for
 * that one update, known to be complete because the bot asked for the next
 * update (see BotApiProxy): no sleeps, no "wait a bit and hope".
 */

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChatRef {
  readonly id: number;
  readonly type: 'private' | 'group' | 'supergroup';
  /** Who speaks in the chat. Default: the chat id (right for private chats). Options' `from` overrides it per message. */
  readonly userId?: number;
  readonly title?: string;
}

/** A message as Telegram delivers it in an update (the bot's view). */
export type TelegramMessage = Readonly<Record<string, unknown>>;

/** Telegram's Document object: what a message carrying a file shows the bot. */
export interface DocumentAttachment {
  readonly file_id: string;
  readonly file_unique_id: string;
  readonly file_name: string;
  readonly file_size: number;
  readonly mime_type: string;
}

/** Who sends a user message, and what it replies to. */
export interface SayOptions {
  /** The sender's user id. Default: chat.userId, else the chat id. */
  readonly from?: number;
  /** The message this one replies to (Telegram's reply_to_message), e.g. postedMessage(earlierInteraction). */
  readonly replyTo?: TelegramMessage;
}

export interface UploadOptions extends SayOptions {
  /** Default: PRIVATE_CHAT. */
  readonly chat?: ChatRef;
  readonly caption?: string;
}

export const PRIVATE_CHAT: ChatRef = { id: 1001, type: 'private' };
export const GROUP_CHAT: ChatRef = { id: -2002, type: 'group', userId: 1001, title: '维权站工作群' };

export interface InlineButton {
  readonly text: string;
  readonly callbackData?: string;
  readonly url?: string;
}

/** A message as the bot sent it (sendMessage) or rewrote it (editMessageText). */
export interface BotMessage {
  readonly via: 'sendMessage' | 'editMessageText';
  readonly chatId: number | string | undefined;
  readonly messageId: number | undefined;
  /** Exactly the text the bot sent: Telegram HTML when parseMode is 'HTML'. */
  readonly text: string;
  readonly parseMode: string | undefined;
  /** Rows of inline buttons; empty when the message has none. */
  readonly keyboard: readonly (readonly InlineButton[])[];
  /** Whether the Bot API accepted it (a fault may have refused it). */
  readonly delivered: boolean;
}

export interface CallbackAnswer {
  readonly callbackQueryId: string | undefined;
  readonly text: string | undefined;
}

/** Everything the bot did while handling one update. */
export interface Interaction {
  readonly updateId: number;
  /** The update as the bot received it. */
  readonly update: Readonly<Record<string, unknown>>;
  /** Every Bot API call made for this update, in order (getUpdates excluded). */
  readonly calls: readonly BotApiCall[];
  readonly sent: readonly BotMessage[];
  readonly edited: readonly BotMessage[];
  /** sent and edited, in the order the bot made them. */
  readonly replies: readonly BotMessage[];
  readonly callbackAnswers: readonly CallbackAnswer[];
}

export interface LogEntry {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface BotHarnessOptions {
  /** Default: a fresh valid-looking token per harness. */
  readonly token?: string;
  /** Faults active from before the bot starts, e.g. a failing setMyCommands. */
  readonly faults?: readonly FaultRule[];
  /** Extra environment for the bot (ADMIN_IDS, LOG_LEVEL, …). */
  readonly env?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
  readonly replyTimeoutMs?: number;
  /** Fills the fresh DATA_DIR before the bot first starts (state to resume, knowledge to serve). */
  readonly prepareDataDir?: (dataDir: string) => Promise<void>;
}

/** The part of telegram-test-api's client the harness uses. Its own typings need the absent `typegram`. */
interface EmulatorUserMessage {
  readonly text: string;
}
interface EmulatorCallback {
  readonly data: string;
}
interface EmulatorClient {
  makeMessage(text: string): EmulatorUserMessage;
  makeCommand(text: string): EmulatorUserMessage;
  makeCallbackQuery(data: string, options: { message: { message_id: number; text: string } }): EmulatorCallback;
  sendMessage(message: EmulatorUserMessage): Promise<unknown>;
  sendCommand(message: EmulatorUserMessage): Promise<unknown>;
  sendCallback(callback: EmulatorCallback): Promise<unknown>;
  getUpdatesHistory(): Promise<unknown>;
}

export type ExitStatus = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

export class BotHarness {
  readonly token: string;
  /** Everything the bot wrote to stderr, line by line. */
  readonly stderrLines: string[] = [];
  readonly stdoutLines: string[] = [];
  private emulatorServer: TelegramServer | undefined;
  private apiProxy: BotApiProxy | undefined;
  private child: ChildProcess | undefined;
  private exited: ExitStatus | undefined;
  private tempDataDir: string | undefined;
  /** Emulator clients by "chatId:userId": one chat can have several speakers. */
  private readonly clients = new Map<string, EmulatorClient>();
  /** Ids for messages the harness builds itself, far from the emulator's own numbering. */
  private nextMessageId = 1_000_000;
  private nextFileNumber = 1;
  /** The latest known state of each bot message, by "chatId:messageId". */
  private readonly messages = new Map<string, BotMessage>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly killOnExit = (): void => this.signalBot('SIGKILL');
  private readonly readyTimeoutMs: number;
  private readonly replyTimeoutMs: number;

  constructor(private readonly options: BotHarnessOptions = {}) {
    this.token = options.token ?? `${100_000_000 + Math.floor(Math.random() * 800_000_000)}:e2e_${randomBytes(12).toString('hex')}`;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
  }

  get proxy(): BotApiProxy {
    if (!this.apiProxy) throw new Error('harness not started');
    return this.apiProxy;
  }

  get emulator(): TelegramServer {
    if (!this.emulatorServer) throw new Error('harness not started');
    return this.emulatorServer;
  }

  /** The bot's DATA_DIR (a temporary directory, removed by stop()). */
  get dataDir(): string {
    if (!this.tempDataDir) throw new Error('harness not started');
    return this.tempDataDir;
  }

  /** How the bot process ended, once it has. */
  get exitStatus(): ExitStatus | undefined {
    return this.exited;
  }

  /** stderr lines that are JSON log entries. */
  logs(): LogEntry[] {
    return this.stderrLines.flatMap((line) => {
      const entry = parseLogLine(line);
      return entry ? [entry] : [];
    });
  }

  /** Starts emulator, proxy and bot; resolves once the bot logged "bot ready" and is polling. */
  async start(): Promise<void> {
    this.emulatorServer = await startEmulator();
    this.apiProxy = await BotApiProxy.start({ upstream: this.emulatorServer.config.apiURL });
    for (const rule of this.options.faults ?? []) this.apiProxy.injectFault(rule);
    this.tempDataDir = await mkdtemp(join(tmpdir(), 'carrier-watch-e2e-'));
    await this.options.prepareDataDir?.(this.tempDataDir);
    await this.launchBot();
  }

  /**
   * kill -9 of the bot's whole process group (the bot and anything it started), as a
   * crash or the OOM killer would: no shutdown handlers, no final writes.
   * Resolves once it has exited.
   */
  async kill(): Promise<void> {
    this.signalBot('SIGKILL');
    if (!(await this.waitForExit(5_000))) throw new Error('the bot did not die from SIGKILL within 5 s');
  }

  /**
   * Starts the bot again on the same DATA_DIR, emulator and proxy (after
   * kill() or a crash); resolves once the new process is ready and polling.
   * Logs and the proxy's call log keep both lives.
   */
  async restart(): Promise<void> {
    if (this.child && !this.exited) await this.kill();
    await this.launchBot();
  }

  /** Spawns the bot and waits for this life's "bot ready" and its first getUpdates. */
  private async launchBot(): Promise<void> {
    const linesBefore = this.stderrLines.length;
    const callsBefore = this.proxy.calls.length;
    this.exited = undefined;
    this.spawnBot(this.proxy.url, this.dataDir);
    await this.waitFor(
      () =>
        this.stderrLines.slice(linesBefore).some((line) => parseLogLine(line)?.msg === 'bot ready') &&
        this.proxy.calls.slice(callsBefore).some((c) => c.method === 'getUpdates'),
      this.readyTimeoutMs,
      'the bot to log "bot ready" and start polling',
    );
  }

  /**
   * Sends text as the chat's user (or options.from); resolves with what the
   * bot did about it. A reply (options.replyTo) is built by the harness and
   * injected, since the emulator cannot make one.
   */
  say(text: string, chat: ChatRef = PRIVATE_CHAT, options: SayOptions = {}): Promise<Interaction> {
    if (options.replyTo) return this.inject({ message: this.userMessage(chat, options, textContent(text)) });
    const speaker: ChatRef = options.from === undefined ? chat : { ...chat, userId: options.from };
    return this.serially(async () => {
      const client = this.clientFor(speaker);
      const seen = this.proxy.deliveredUpdates().length;
      // Commands go in with a bot_command entity, as Telegram sends them.
      if (text.startsWith('/')) await client.sendCommand(client.makeCommand(text));
      else await client.sendMessage(client.makeMessage(text));
      const delivery = await this.waitForDelivery(seen, (u) => {
        const m = u['message'];
        return isRecord(m) && m['text'] === text && chatIdIn(m) === chat.id;
      }, `the bot to fetch the message ${JSON.stringify(clipForError(text))}`);
      return this.collect(delivery);
    });
  }

  /**
   * Presses an inline button. By default the button must be on a message
   * the bot sent to the chat (the newest one showing it); pass messageId to
   * press data no current message shows (stale or forged buttons).
   */
  press(callbackData: string, options: { chat?: ChatRef; messageId?: number } = {}): Promise<Interaction> {
    const chat = options.chat ?? PRIVATE_CHAT;
    return this.serially(async () => {
      const message = options.messageId !== undefined ? this.messages.get(`${chat.id}:${options.messageId}`) : this.messageShowing(chat, callbackData);
      const messageId = options.messageId ?? message?.messageId;
      if (messageId === undefined) throw new Error(`no message in chat ${chat.id} shows a button with callback_data ${JSON.stringify(callbackData)}`);
      const client = this.clientFor(chat);
      const seen = this.proxy.deliveredUpdates().length;
      await client.sendCallback(client.makeCallbackQuery(callbackData, { message: { message_id: messageId, text: message?.text ?? '' } }));
      const delivery = await this.waitForDelivery(seen, (u) => {
        const q = u['callback_query'];
        return isRecord(q) && q['data'] === callbackData;
      }, `the bot to fetch the button press ${JSON.stringify(callbackData)}`);
      return this.collect(delivery);
    });
  }

  /**
   * Hosts bytes as a file on "Telegram" (see BotApiProxy.hostFile) and
   * returns the Document a message carrying it shows; pass it to upload().
   */
  hostDocument(fileName: string, bytes: Uint8Array, mimeType = mimeTypeOf(fileName)): DocumentAttachment {
    // Real file ids are long opaque strings; these only need to be unique per harness.
    const fileId = `BQACAgIAAx-e2e-${this.nextFileNumber++}-${randomBytes(6).toString('hex')}`;
    const hosted = this.proxy.hostFile(fileId, bytes, fileName);
    return { file_id: hosted.file_id, file_unique_id: hosted.file_unique_id, file_name: fileName, file_size: hosted.file_size, mime_type: mimeType };
  }

  /**
   * A user sends a message carrying a document (with an optional caption,
   * optionally as a reply); resolves with what the bot did about it. The
   * message itself is in the result's update: see postedMessage().
   */
  upload(document: DocumentAttachment, options: UploadOptions = {}): Promise<Interaction> {
    const chat = options.chat ?? PRIVATE_CHAT;
    const content: Record<string, unknown> = { document, ...(options.caption === undefined ? {} : captionContent(options.caption)) };
    return this.inject({ message: this.userMessage(chat, options, content) });
  }

  /** Hands the bot a raw update through the proxy (for updates the emulator cannot make). */
  inject(update: Record<string, unknown>): Promise<Interaction> {
    return this.serially(async () => {
      const seen = this.proxy.deliveredUpdates().length;
      const updateId = this.proxy.injectUpdate(update);
      const delivery = await this.waitForDelivery(seen, (_u, d) => d.updateId === updateId, `the bot to fetch injected update ${updateId}`);
      return this.collect(delivery);
    });
  }

  /** The current state of a message the bot sent, after any edits. */
  message(chatId: number, messageId: number): BotMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  /**
   * Texts of the bot's messages in a chat as the emulator stored them (edits
   * applied): proof that replies got past the proxy to "Telegram".
   */
  async emulatorBotTexts(chat: ChatRef = PRIVATE_CHAT): Promise<string[]> {
    const history = await this.clientFor(chat).getUpdatesHistory();
    if (!Array.isArray(history)) return [];
    return history.flatMap((stored: unknown) => {
      // Bot messages are stored as the sendMessage parameters (chat_id, text); user updates have chat objects.
      const m = isRecord(stored) ? stored['message'] : undefined;
      return isRecord(m) && String(m['chat_id']) === String(chat.id) && typeof m['text'] === 'string' ? [m['text']] : [];
    });
  }

  /**
   * Waits until probe gives a value (not undefined or false), e.g. for work
   * the bot does in the background; fails with the bot's last words and calls.
   */
  waitUntil<T>(probe: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
    return this.waitFor(probe, timeoutMs, what);
  }

  /** Waits for a log entry, e.g. a warning logged in the background. */
  waitForLog(predicate: (entry: LogEntry) => boolean, timeoutMs = this.replyTimeoutMs): Promise<LogEntry> {
    return this.waitFor(() => this.logs().find(predicate), timeoutMs, 'a matching log entry');
  }

  /** Stops the bot (SIGTERM, then SIGKILL after a grace period), the proxy and the emulator; removes DATA_DIR. */
  async stop(): Promise<void> {
    if (this.child && !this.exited) {
      this.signalBot('SIGTERM');
      if (!(await this.waitForExit(3_000))) {
        this.signalBot('SIGKILL');
        await this.waitForExit(3_000);
      }
    }
    process.off('exit', this.killOnExit);
    await this.apiProxy?.close().catch(() => undefined);
    await this.emulatorServer?.stop().catch(() => undefined);
    if (this.tempDataDir) await rm(this.tempDataDir, { recursive: true, force: true });
  }

  private spawnBot(apiRoot: string, dataDir: string): void {
    const child = spawn(process.execPath, ['--enable-source-maps', botBundle()], {
      cwd: PROJECT_ROOT,
      env: {
        ...inheritedEnv(),
        BOT_TOKEN: this.token,
        TELEGRAM_API_ROOT: apiRoot,
        DATA_DIR: dataDir,
        ADMIN_IDS: '',
        LOG_LEVEL: 'info',
        // Tests never reach the real sources; the watcher's own tests turn it on against a loopback site.
        WATCH: 'off',
        ...this.options.env,
      },
      // Its own process group, so teardown reaches anything the bot starts as well.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.once('exit', (code, signal) => {
      // A previous life's exit must not mark a restarted bot as gone.
      if (this.child === child) this.exited = { code, signal };
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderrLines.push(line));
    createInterface({ input: child.stdout! }).on('line', (line) => this.stdoutLines.push(line));
    // A crashed test run must not leave a polling bot behind (one listener, however often the bot restarts).
    process.off('exit', this.killOnExit);
    process.once('exit', this.killOnExit);
  }

  private signalBot(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.exited) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }

  private async waitForExit(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.exited && Date.now() < deadline) await delay(20);
    return this.exited !== undefined;
  }

  /** A user message as Telegram would deliver it: the chat, the sender, the content, and what it replies to. */
  private userMessage(chat: ChatRef, options: SayOptions, content: Record<string, unknown>): Record<string, unknown> {
    const userId = options.from ?? chat.userId ?? chat.id;
    return {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chat.type === 'private' ? { id: chat.id, type: chat.type, ...userNames(userId) } : { id: chat.id, type: chat.type, title: chat.title ?? `群${chat.id}` },
      from: { id: userId, is_bot: false, ...userNames(userId) },
      ...content,
      ...(options.replyTo ? { reply_to_message: options.replyTo } : {}),
    };
  }

  private clientFor(chat: ChatRef): EmulatorClient {
    const userId = chat.userId ?? chat.id;
    const key = `${chat.id}:${userId}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.emulator.getClient(this.token, {
        chatId: chat.id,
        userId,
        type: chat.type,
        firstName: userNames(userId).first_name,
        userName: userNames(userId).username,
        chatTitle: chat.title ?? `用户${userId}`,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  private messageShowing(chat: ChatRef, callbackData: string): BotMessage | undefined {
    const candidates = [...this.messages.values()].filter(
      (m) => String(m.chatId) === String(chat.id) && m.keyboard.some((row) => row.some((b) => b.callbackData === callbackData)),
    );
    return candidates.sort((a, b) => (b.messageId ?? 0) - (a.messageId ?? 0))[0];
  }

  /** say/press/inject run one at a time, so every Bot API call belongs to exactly one update. */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private waitForDelivery(seen: number, matches: (update: Record<string, unknown>, d: DeliveredUpdate) => boolean, what: string): Promise<DeliveredUpdate> {
    return this.waitFor(() => this.proxy.deliveredUpdates().slice(seen).find((d) => matches(d.update, d)), this.replyTimeoutMs, what);
  }

  /**
   * The bot is done with an update when it asks for a later offset; the
   * calls between the getUpdates that delivered it and that one are its replies.
   */
  private async collect(delivery: DeliveredUpdate): Promise<Interaction> {
    const ack = await this.waitFor(
      () => this.proxy.calls.find((c) => c.method === 'getUpdates' && c.seq > delivery.callSeq && Number(c.params['offset']) > delivery.updateId),
      this.replyTimeoutMs,
      `the bot to finish update ${delivery.updateId}`,
    );
    const calls = this.proxy.calls.filter((c) => c.seq > delivery.callSeq && c.seq < ack.seq && c.method !== 'getUpdates');
    await this.waitFor(() => calls.every((c) => c.respondedAt !== undefined), this.replyTimeoutMs, 'the proxy to answer every call');
    const replies = calls.flatMap((c) => {
      const m = toBotMessage(c);
      return m ? [m] : [];
    });
    for (const m of replies) this.remember(m);
    return {
      updateId: delivery.updateId,
      update: delivery.update,
      calls,
      sent: replies.filter((m) => m.via === 'sendMessage'),
      edited: replies.filter((m) => m.via === 'editMessageText'),
      replies,
      callbackAnswers: calls
        .filter((c) => c.method === 'answerCallbackQuery')
        .map((c) => ({ callbackQueryId: optionalString(c.params['callback_query_id']), text: optionalString(c.params['text']) })),
    };
  }

  private remember(m: BotMessage): void {
    if (!m.delivered || m.messageId === undefined) return;
    this.messages.set(`${m.chatId}:${m.messageId}`, m);
  }

  /** Polls probe until it gives a value; fails early, with the bot's last words, if the bot has exited. */
  private async waitFor<T>(probe: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (this.exited) throw new Error(`bot exited (${JSON.stringify(this.exited)}) while waiting for ${what}\n${this.diagnostics()}`);
      if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.diagnostics()}`);
      await delay(10);
    }
  }

  private diagnostics(): string {
    const calls = this.apiProxy?.calls.slice(-8).map((c) => `  #${c.seq} ${c.method} chat=${String(c.chatId)} → ${c.status ?? 'pending'}`) ?? [];
    return ['last stderr lines:', ...this.stderrLines.slice(-15).map((l) => `  ${l.slice(0, 300)}`), 'last Bot API calls:', ...calls].join('\n');
  }
}

/** A BotHarness started in beforeAll and stopped in afterAll of the enclosing describe. */
export function useBot(options: BotHarnessOptions = {}): BotHarness {
  const harness = new BotHarness(options);
  beforeAll(() => harness.start());
  afterAll(() => harness.stop());
  return harness;
}

/** The message a user interaction delivered (what a later say/upload can reply to). */
export function postedMessage(interaction: Interaction): TelegramMessage {
  const message = interaction.update['message'];
  if (!isRecord(message)) throw new Error(`update ${interaction.updateId} carries no message`);
  return message;
}

/** All buttons of a message, row by row flattened. */
export function buttonsOf(message: BotMessage): InlineButton[] {
  return message.keyboard.flat();
}

/** The only reply of an interaction; fails loudly when there are none or several. */
export function onlyReply(interaction: Interaction): BotMessage {
  if (interaction.replies.length !== 1) {
    throw new Error(`expected exactly one reply, got ${interaction.replies.length}: ${JSON.stringify(interaction.replies.map((r) => clipForError(r.text)))}`);
  }
  return interaction.replies[0]!;
}

function toBotMessage(call: BotApiCall): BotMessage | undefined {
  if (call.method !== 'sendMessage' && call.method !== 'editMessageText') return undefined;
  const result = isRecord(call.response) ? call.response['result'] : undefined;
  const sentId = isRecord(result) ? result['message_id'] : undefined;
  const messageId = call.method === 'sendMessage' ? sentId : call.params['message_id'];
  return {
    via: call.method,
    chatId: call.chatId,
    messageId: messageId === undefined ? undefined : Number(messageId),
    text: optionalString(call.params['text']) ?? '',
    parseMode: optionalString(call.params['parse_mode']),
    keyboard: inlineKeyboard(call.params['reply_markup']),
    delivered: call.status === 200,
  };
}

function inlineKeyboard(markup: unknown): InlineButton[][] {
  // Form-encoded requests carry reply_markup as a JSON string; JSON requests as an object.
  const parsed: unknown = typeof markup === 'string' ? JSON.parse(markup) : markup;
  const rows = isRecord(parsed) ? parsed['inline_keyboard'] : undefined;
  if (!Array.isArray(rows)) return [];
  return rows.map((row: unknown) =>
    (Array.isArray(row) ? row : []).filter(isRecord).map((b) => ({
      text: String(b['text']),
      ...(typeof b['callback_data'] === 'string' ? { callbackData: b['callback_data'] } : {}),
      ...(typeof b['url'] === 'string' ? { url: b['url'] } : {}),
    })),
  );
}

/** The same names the emulator's clients use, so a user looks alike however their message was made. */
function userNames(userId: number): { first_name: string; username: string } {
  return { first_name: `用户${userId}`, username: `user${userId}` };
}

/** Text with a bot_command entity when it starts with a command, as Telegram marks commands. */
function textContent(text: string): Record<string, unknown> {
  const entities = commandEntities(text);
  return { text, ...(entities ? { entities } : {}) };
}

function captionContent(caption: string): Record<string, unknown> {
  const entities = commandEntities(caption);
  return { caption, ...(entities ? { caption_entities: entities } : {}) };
}

function commandEntities(text: string): { type: 'bot_command'; offset: number; length: number }[] | undefined {
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : undefined;
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.pdf': 'application/pdf',
};

function mimeTypeOf(fileName: string): string {
  return MIME_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

function chatIdIn(message: Record<string, unknown>): number | undefined {
  const chat = message['chat'];
  return isRecord(chat) ? Number(chat['id']) : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parseLogLine(line: string): LogEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) && typeof value['level'] === 'string' && typeof value['msg'] === 'string' ? (value as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}

function clipForError(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…(${text.length} chars)` : text;
}

/**
 * The runner's environment minus what would change the bot's behaviour:
 * vitest sets NODE_ENV=test (which makes lowdb keep data in memory), DEBUG
 * would mix library chatter into the JSON log, and a developer's own bot
 * settings must not leak in: an exported DATABASE_URL would put a lowdb
 * test's bot on the developer's database, BOT_MODE=webhook would stop it
 * polling the emulator. Every variable bot/config.ts reads is dropped, so
 * a test that wants one sets it in options.env.
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(NODE_ENV|DEBUG|VITEST.*|BOT_TOKEN|TELEGRAM_API_ROOT|DATA_DIR|ADMIN_IDS|LOG_LEVEL)$/.test(key)) continue;
    if (/^(DATABASE_URL|BOT_MODE|WEBHOOK_.*|PORT|WATCH.*|DIGEST_.*|BROADCAST_.*|INGEST_.*)$/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/**
 * telegram-test-api treats port 0 as "use 9000", so ask the OS for a free
 * port first; retry if another process grabs it in between.
 */
export async function startEmulator(): Promise<TelegramServer> {
  for (let attempt = 1; ; attempt++) {
    const server = new TelegramServer({ host: '127.0.0.1', port: await freePort() });
    try {
      await server.start();
      return server;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
