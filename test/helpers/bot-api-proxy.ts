import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A Bot API server for end-to-end tests that sits between the bot and the
 * `telegram-test-api` emulator. It
 * - answers the methods the emulator lacks (setMyCommands, answerInlineQuery,
 *   sendChatAction, …) itself;
 * - forwards everything else to the emulator;
 * - turns the emulator's instant getUpdates into real long polling, so an
 *   idle bot does not spin, and numbers the updates itself so tests can also
 *   inject updates the emulator cannot make (inline queries, odd chats);
 * - records every call with its arrival time and answer;
 * - injects faults (429 with retry_after, 403, 400, 5xx, group migrated) per method and chat;
 * - answers calls with a function of the call (respond: getChatMember by user);
 * - makes "Telegram" slow (slowDown) or holds calls until released (hold), and
 *   drops a held call whose bot hung up meanwhile: it never reached Telegram;
 * - hosts files, as Telegram's file storage would: getFile answers for them
 *   and their bytes download from /file/bot<token>/<file_path>, each
 *   download logged as a FILE_DOWNLOAD call (the emulator has neither).
 *
 * The bot's next getUpdates offset tells the proxy which updates the bot has
 * finished handling: telegraf's polling loop awaits every handler of a batch
 * before it asks again. Tests wait on that instead of guessing with sleeps.
 */

/** One Bot API request as the bot sent it, and how the proxy answered. */
export interface BotApiCall {
  /** Position in the call log, from 1. */
  readonly seq: number;
  readonly method: string;
  /** Parsed JSON or form body, merged with the query string. Multipart bodies are not parsed. */
  readonly params: Readonly<Record<string, unknown>>;
  /** `params.chat_id`, as a number when it is one. */
  readonly chatId: number | string | undefined;
  /** When the request arrived, in epoch milliseconds with sub-millisecond precision. */
  readonly at: number;
  /** When the answer went out; unset while the request is pending. */
  respondedAt?: number;
  status?: number;
  response?: unknown;
  /** 'dropped': the bot hung up while the proxy held the call (see slowDown, hold), so it never reached "Telegram". */
  answeredBy?: 'upstream' | 'stub' | 'fault' | 'responder' | 'dropped';
}

/** A complete HTTP answer the proxy gives instead of asking the emulator. */
export interface CannedReply {
  readonly status: number;
  readonly body: unknown;
}

export interface FaultRule {
  /** Bot API method name, FILE_DOWNLOAD for file downloads, or '*' for every method. */
  readonly method: string;
  /** Only calls addressed to one of these chats (by `chat_id`). */
  readonly chatIds?: readonly (number | string)[];
  /** Any further condition on the call. */
  readonly when?: (call: BotApiCall) => boolean;
  /** How many matching calls fail; afterwards the rule is spent. Default: all of them. */
  readonly times?: number;
  readonly reply: CannedReply;
}

/** The error answers Telegram gives, shaped as Telegram shapes them. */
export const faults = {
  tooManyRequests(retryAfterSeconds: number): CannedReply {
    return telegramError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, { retry_after: retryAfterSeconds });
  },
  blockedByUser(): CannedReply {
    return telegramError(403, 'Forbidden: bot was blocked by the user');
  },
  chatNotFound(): CannedReply {
    return telegramError(400, 'Bad Request: chat not found');
  },
  serverError(status = 500): CannedReply {
    return telegramError(status, status === 502 ? 'Bad Gateway' : 'Internal Server Error');
  },
  /** A group that became a supergroup: Telegram names the new chat in parameters.migrate_to_chat_id. */
  migratedTo(newChatId: number): CannedReply {
    return telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: newChatId });
  },
};

/** Successful answers for methods the emulator lacks, shaped as Telegram shapes them. */
export const answers = {
  /** getChatMember: the user's standing in the chat ('creator', 'administrator', 'member', …). */
  chatMember(userId: number, status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked'): CannedReply {
    return { status: 200, body: { ok: true, result: { status, user: { id: userId, is_bot: false, first_name: `用户${userId}` } } } };
  },
};

/** Answers a call itself, or returns undefined to let it go on (to later responders, stubs, the emulator). */
export type Responder = (call: BotApiCall) => CannedReply | undefined;

/** Calls held at the proxy until released: a moment when requests are in flight but not yet at "Telegram". */
export interface HeldCalls {
  /** The calls held so far, in arrival order. */
  held(): readonly BotApiCall[];
  /** Lets the held calls (and later ones) through; those whose bot hung up meanwhile are dropped. */
  release(): void;
}

function telegramError(code: number, description: string, parameters?: Record<string, unknown>): CannedReply {
  return { status: code, body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) } };
}

/**
 * Methods the emulator does not implement (it answers them with a 500), with
 * the result real Telegram gives on success.
 */
export const DEFAULT_STUBS: Readonly<Record<string, unknown>> = {
  setMyCommands: true,
  deleteMyCommands: true,
  getMyCommands: [],
  setMyDescription: true,
  setMyShortDescription: true,
  setChatMenuButton: true,
  answerInlineQuery: true,
  sendChatAction: true,
  // The emulator has no photos: a sent chart gets the Message real Telegram would return, minus the sizes.
  sendPhoto: { message_id: 1, date: 0, chat: { id: 0, type: 'private' }, photo: [] },
};

/**
 * The pseudo-method under which file downloads (GET /file/bot<token>/<file_path>)
 * appear in the call log; params are `file_path` and, for hosted files, `file_id`.
 */
export const FILE_DOWNLOAD = 'GET /file';

/** What getFile answers for a hosted file: Telegram's File object. */
export interface HostedFile {
  readonly file_id: string;
  readonly file_unique_id: string;
  readonly file_path: string;
  readonly file_size: number;
}

/** An update handed to the bot by getUpdates. */
export interface DeliveredUpdate {
  /** The update_id the bot saw (the proxy's numbering). */
  readonly updateId: number;
  readonly update: Readonly<Record<string, unknown>>;
  /** seq of the getUpdates call that carried it. */
  readonly callSeq: number;
}

export interface BotApiProxyOptions {
  /** The emulator's base URL, e.g. http://127.0.0.1:9000 */
  readonly upstream: string;
  /** Replaces DEFAULT_STUBS. */
  readonly stubs?: Readonly<Record<string, unknown>>;
  /** Upper bound on how long a getUpdates call is held; telegraf asks for 50 s. */
  readonly maxLongPollMs?: number;
  /** How often a held getUpdates asks the emulator for news. */
  readonly upstreamPollIntervalMs?: number;
}

interface StoredFault {
  readonly rule: FaultRule;
  remaining: number;
}

interface Slowdown {
  readonly method: string;
  readonly ms: number | ((call: BotApiCall) => number);
}

interface Gate {
  readonly method: string;
  readonly calls: BotApiCall[];
  readonly opened: Promise<void>;
}

type MutableCall = { -readonly [K in keyof BotApiCall]: BotApiCall[K] };
type Update = Record<string, unknown>;

const BOT_PATH = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/;
const FILE_PATH = /^\/file\/bot([^/]+)\/(.+)$/;
const NOT_FOUND: CannedReply = { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };

export class BotApiProxy {
  private readonly log: MutableCall[] = [];
  private readonly delivered: DeliveredUpdate[] = [];
  private readonly pending: Update[] = [];
  private faultRules: StoredFault[] = [];
  private readonly files = new Map<string, { readonly info: HostedFile; readonly bytes: Buffer }>();
  private nextUpdateId = 1;
  private acked = 0;
  private closing = false;
  private responders: Array<{ readonly method: string; readonly answer: Responder }> = [];
  private slowdowns: Slowdown[] = [];
  private gates: Gate[] = [];

  private constructor(
    private readonly server: Server,
    private readonly options: Required<BotApiProxyOptions>,
  ) {}

  static async start(options: BotApiProxyOptions): Promise<BotApiProxy> {
    const server = createServer();
    const proxy = new BotApiProxy(server, {
      stubs: DEFAULT_STUBS,
      maxLongPollMs: 10_000,
      upstreamPollIntervalMs: 20,
      ...options,
      upstream: options.upstream.replace(/\/+$/, ''),
    });
    server.on('request', (req, res) => void proxy.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** What to put in TELEGRAM_API_ROOT. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Every call so far, in arrival order. */
  get calls(): readonly BotApiCall[] {
    return this.log;
  }

  callsTo(method: string, chatId?: number | string): BotApiCall[] {
    return this.log.filter((c) => c.method === method && (chatId === undefined || String(c.chatId) === String(chatId)));
  }

  /** Arrival times of message sends, oldest first: what a rate limiter is judged by. */
  sendTimes(filter: { chatId?: number | string; methods?: readonly string[] } = {}): number[] {
    const methods = filter.methods ?? ['sendMessage'];
    return this.log
      .filter((c) => methods.includes(c.method) && (filter.chatId === undefined || String(c.chatId) === String(filter.chatId)))
      .map((c) => c.at);
  }

  /** Makes matching calls fail until the rule is spent or removed. Returns the remover. */
  injectFault(rule: FaultRule): () => void {
    const stored: StoredFault = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
    this.faultRules.push(stored);
    return () => {
      this.faultRules = this.faultRules.filter((f) => f !== stored);
    };
  }

  clearFaults(): void {
    this.faultRules = [];
  }

  /**
   * Answers a method with a function of the call (e.g. getChatMember by
   * user_id), after faults and before stubs and the emulator. Returns the remover.
   */
  respond(method: string, responder: Responder): () => void {
    const entry = { method, answer: responder };
    this.responders.push(entry);
    return () => {
      this.responders = this.responders.filter((r) => r !== entry);
    };
  }

  /**
   * Makes "Telegram" slow: matching calls wait this long after arriving,
   * before anything answers or the emulator sees them. A call whose bot
   * hangs up meanwhile (killed) is dropped, as a request that never got
   * through. Returns the remover.
   */
  slowDown(method: string, ms: number | ((call: BotApiCall) => number)): () => void {
    const entry: Slowdown = { method, ms };
    this.slowdowns.push(entry);
    return () => {
      this.slowdowns = this.slowdowns.filter((s) => s !== entry);
    };
  }

  /**
   * Holds every further call to a method at the proxy until release():
   * the bot has sent them, "Telegram" has not seen them. Calls whose bot
   * hangs up while held are dropped.
   */
  hold(method: string): HeldCalls {
    let open: () => void = () => undefined;
    const gate: Gate = { method, calls: [], opened: new Promise<void>((resolve) => (open = resolve)) };
    this.gates.push(gate);
    return {
      held: () => gate.calls,
      release: () => {
        this.gates = this.gates.filter((g) => g !== gate);
        open();
      },
    };
  }

  /**
   * Stores bytes as a Telegram file: getFile(fileId) then answers with the
   * returned File, and its file_path serves the bytes. Hosting the same
   * fileId again replaces the file.
   */
  hostFile(fileId: string, bytes: Uint8Array, fileName = 'file'): HostedFile {
    const previous = this.files.get(fileId);
    // Telegram's paths look like documents/file_12.txt: the kind, a counter, the original extension.
    const extension = extname(fileName).replace(/[^.A-Za-z0-9]/g, '');
    const info: HostedFile = {
      file_id: fileId,
      file_unique_id: previous?.info.file_unique_id ?? `AgAD${createHash('sha256').update(fileId).digest('base64url').slice(0, 12)}`,
      file_path: previous?.info.file_path ?? `documents/file_${this.files.size + 1}${extension}`,
      file_size: bytes.byteLength,
    };
    this.files.set(fileId, { info, bytes: Buffer.from(bytes) });
    return info;
  }

  /** Downloads of file contents so far, optionally only those of one hosted file. */
  downloads(fileId?: string): BotApiCall[] {
    return this.log.filter((c) => c.method === FILE_DOWNLOAD && (fileId === undefined || c.params['file_id'] === fileId));
  }

  /** Queues an update for the bot's next getUpdates; update_id is assigned here. Returns it. */
  injectUpdate(update: Update): number {
    return this.enqueue(update);
  }

  /** Updates handed to the bot so far, in order. */
  deliveredUpdates(): readonly DeliveredUpdate[] {
    return this.delivered;
  }

  /** The highest update_id the bot has confirmed (by asking for a later offset). */
  ackedThrough(): number {
    return this.acked;
  }

  async close(): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Held long polls and keep-alive sockets would otherwise keep close() waiting.
      this.server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const match = BOT_PATH.exec(url.pathname);
    const body = await readBody(req);
    const fileMatch = FILE_PATH.exec(url.pathname);
    if (fileMatch) {
      this.serveFile(decodeURIComponent(fileMatch[2]!), res);
      return;
    }
    if (!match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(NOT_FOUND.body));
      return;
    }
    const method = match[2]!;
    const params = { ...Object.fromEntries(url.searchParams), ...parseParams(req.headers['content-type'], body) };
    const call: MutableCall = {
      seq: this.log.length + 1,
      method,
      params,
      chatId: chatIdOf(params),
      at: now(),
    };
    this.log.push(call);
    if (method === 'getUpdates') this.noteOffset(call);
    else if (!(await this.delivers(call, res))) {
      // The bot hung up while the call was held: as far as "Telegram" knows, it never came.
      this.finish(call, 499, { error: 'client closed the connection before the call got through' }, 'dropped');
      return;
    }

    let answer: CannedReply & { by: NonNullable<BotApiCall['answeredBy']> };
    try {
      const fault = this.takeFault(call);
      const responded = fault ? undefined : this.respondTo(call);
      if (fault) answer = { ...fault, by: 'fault' };
      else if (responded) answer = { ...responded, by: 'responder' };
      else if (method === 'getFile') answer = { ...this.getFile(params), by: 'stub' };
      else if (Object.hasOwn(this.options.stubs, method)) answer = { status: 200, body: { ok: true, result: this.options.stubs[method] }, by: 'stub' };
      else if (method === 'getUpdates') answer = { ...(await this.longPoll(call, req, res, url.pathname, body)), by: 'upstream' };
      else answer = { ...(await this.forward(url.pathname + url.search, req, body)), by: 'upstream' };
    } catch (e) {
      // The emulator went away (teardown) or broke: tell the bot the way Telegram would.
      answer = { ...faults.serverError(502), by: 'upstream' };
      call.response = { error: String(e) };
    }
    call.status = answer.status;
    call.response = answer.body;
    call.answeredBy = answer.by;
    call.respondedAt = now();
    if (!res.destroyed) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  /**
   * Waits out slowdowns and gates for this call; false when the bot hung up
   * meanwhile. Checked only before answering, never after: once "Telegram"
   * has a call, it counts whether or not the bot hears back.
   */
  private async delivers(call: BotApiCall, res: ServerResponse): Promise<boolean> {
    const gates = this.gates.filter((g) => g.method === call.method);
    const waitMs = this.slowdowns
      .filter((s) => s.method === '*' || s.method === call.method)
      .reduce((sum, s) => sum + (typeof s.ms === 'number' ? s.ms : s.ms(call)), 0);
    if (!gates.length && waitMs <= 0) return true;
    let hungUp = false;
    res.once('close', () => {
      hungUp = !res.writableFinished;
    });
    for (const g of gates) g.calls.push(call);
    await Promise.all([...gates.map((g) => g.opened), waitMs > 0 ? delay(waitMs) : undefined]);
    return !hungUp && !res.destroyed;
  }

  private respondTo(call: BotApiCall): CannedReply | undefined {
    for (const r of this.responders) {
      if (r.method !== '*' && r.method !== call.method) continue;
      const answer = r.answer(call);
      if (answer) return answer;
    }
    return undefined;
  }

  /** Telegram's getFile: the File of a hosted file; any other id is refused as Telegram refuses it. */
  private getFile(params: Record<string, unknown>): CannedReply {
    const hosted = this.files.get(String(params['file_id']));
    return hosted ? { status: 200, body: { ok: true, result: hosted.info } } : telegramError(400, 'Bad Request: invalid file_id');
  }

  /** A file download: logged like a Bot API call (so tests can tell whether the bot fetched a file), and subject to faults. */
  private serveFile(filePath: string, res: ServerResponse): void {
    const hosted = [...this.files.values()].find((f) => f.info.file_path === filePath);
    const call: MutableCall = {
      seq: this.log.length + 1,
      method: FILE_DOWNLOAD,
      params: { file_path: filePath, ...(hosted ? { file_id: hosted.info.file_id } : {}) },
      chatId: undefined,
      at: now(),
    };
    this.log.push(call);
    const fault = this.takeFault(call);
    if (fault || !hosted) {
      const refusal = fault ?? NOT_FOUND;
      this.finish(call, refusal.status, refusal.body, fault ? 'fault' : 'stub');
      res.writeHead(refusal.status, { 'content-type': 'application/json' }).end(JSON.stringify(refusal.body));
      return;
    }
    // The bytes themselves stay out of the log; their count is enough to check.
    this.finish(call, 200, { bytes: hosted.bytes.byteLength }, 'stub');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': hosted.bytes.byteLength }).end(hosted.bytes);
  }

  private finish(call: MutableCall, status: number, response: unknown, by: NonNullable<BotApiCall['answeredBy']>): void {
    call.status = status;
    call.response = response;
    call.answeredBy = by;
    call.respondedAt = now();
  }

  private takeFault(call: BotApiCall): CannedReply | undefined {
    const hit = this.faultRules.find(
      ({ rule, remaining }) =>
        remaining > 0 &&
        (rule.method === '*' || rule.method === call.method) &&
        (!rule.chatIds || rule.chatIds.some((id) => String(id) === String(call.chatId))) &&
        (!rule.when || rule.when(call)),
    );
    if (!hit) return undefined;
    hit.remaining--;
    return hit.rule.reply;
  }

  private async forward(pathAndQuery: string, req: IncomingMessage, body: Buffer): Promise<CannedReply> {
    const contentType = req.headers['content-type'];
    const res = await fetch(`${this.options.upstream}${pathAndQuery}`, {
      method: req.method === 'GET' ? 'GET' : 'POST',
      headers: contentType ? { 'content-type': contentType } : {},
      ...(req.method === 'GET' ? {} : { body }),
    });
    const text = await res.text();
    return { status: res.status, body: parseJson(text) ?? { ok: false, error_code: res.status, description: text } };
  }

  /**
   * getUpdates, held until there is something to deliver, the bot's timeout
   * (capped) runs out, the bot hangs up, or the proxy closes.
   */
  private async longPoll(call: MutableCall, req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<CannedReply> {
    const limit = Math.min(Math.max(Number(call.params['limit'] ?? 100) || 100, 1), 100);
    const holdMs = Math.min(Number(call.params['timeout'] ?? 0) * 1000 || 0, this.options.maxLongPollMs);
    const deadline = now() + holdMs;
    let hungUp = false;
    // Before we answer, a closed response means the bot hung up (it was stopped or killed).
    res.once('close', () => {
      hungUp = true;
    });
    for (;;) {
      const upstream = await this.forward(path, req, body);
      const result = isOkResult(upstream.body) ? upstream.body.result : undefined;
      if (!Array.isArray(result)) return upstream; // An emulator error: pass it on unchanged.
      for (const u of result) if (isRecord(u)) this.enqueue(u);
      if (this.pending.length || now() >= deadline || hungUp || this.closing) break;
      await delay(this.options.upstreamPollIntervalMs);
    }
    // Never hand updates to a bot that is no longer listening: they would be lost.
    if (hungUp) return { status: 200, body: { ok: true, result: [] } };
    const batch = this.pending.splice(0, limit);
    for (const update of batch) this.delivered.push({ updateId: Number(update['update_id']), update, callSeq: call.seq });
    return { status: 200, body: { ok: true, result: batch } };
  }

  /** Asking for offset N confirms every update before N (telegraf asks only after handling a whole batch). */
  private noteOffset(call: BotApiCall): void {
    const offset = Number(call.params['offset'] ?? 0);
    if (offset > 0) this.acked = Math.max(this.acked, offset - 1);
  }

  /** Renumbers so injected and emulator updates form one increasing sequence, as on Telegram. */
  private enqueue(update: Update): number {
    const updateId = this.nextUpdateId++;
    this.pending.push({ ...update, update_id: updateId });
    return updateId;
  }
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseParams(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  if (!body.length) return {};
  const type = contentType ?? '';
  if (type.includes('application/json')) {
    const parsed = parseJson(body.toString('utf8'));
    return isRecord(parsed) ? parsed : {};
  }
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  const boundary = /multipart\/form-data;\s*boundary=("?)([^";]+)\1/i.exec(type)?.[2];
  return boundary ? parseMultipart(body, boundary) : {};
}

/** An uploaded file as the log keeps it: not the bytes, but enough to check them. */
export interface UploadedFile {
  filename: string | undefined;
  bytes: number;
  /** The first eight bytes in hex: "89504e470d0a1a0a" for a PNG. */
  head: string;
  /** Width and height when the file is a PNG (from its IHDR chunk). */
  png?: { width: number; height: number };
}

/** multipart/form-data (sendPhoto, sendDocument): text fields as strings, files as UploadedFile. */
function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4, part.length - 2); // the CRLF before the next delimiter
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      if (name !== undefined) {
        if (filename !== undefined || /content-type:\s*application\/octet-stream|content-type:\s*image\//i.test(headers)) {
          const file: UploadedFile = { filename, bytes: content.length, head: content.subarray(0, 8).toString('hex') };
          if (file.head === '89504e470d0a1a0a' && content.length >= 24) file.png = { width: content.readUInt32BE(16), height: content.readUInt32BE(20) };
          out[name] = file;
        } else {
          const text = content.toString('utf8');
          out[name] = parseJson(text) ?? text;
        }
      }
    }
    at = next;
  }
  return out;
}

function chatIdOf(params: Record<string, unknown>): number | string | undefined {
  const raw = params['chat_id'];
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') return /^-?\d+$/.test(raw) ? Number(raw) : raw;
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOkResult(body: unknown): body is { ok: true; result: unknown } {
  return isRecord(body) && body['ok'] === true && 'result' in body;
}
