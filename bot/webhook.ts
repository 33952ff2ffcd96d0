import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from './logger.ts';

/** Which updates have been handled, so one Telegram delivers twice is handled once. */
export interface UpdateLedger {
  /** True when this process should handle the update now; false for a redelivery. */
  claim(updateId: number): Promise<boolean>;
  /** The update is handled: a redelivery from now on is dropped for good. */
  finish(updateId: number): Promise<void>;
  /** Handling failed before its effects were kept: a redelivery is handled afresh. */
  release(updateId: number): Promise<void>;
}

/**
 * One process's memory of recent updates (lowdb mode: a single instance).
 * Telegram resends within minutes; a few thousand ids cover that easily.
 */
export class MemoryUpdateLedger implements UpdateLedger {
  private readonly seen = new Map<number, boolean>();

  constructor(private readonly capacity = 10_000) {}

  async claim(updateId: number): Promise<boolean> {
    if (this.seen.has(updateId)) return false;
    this.seen.set(updateId, false);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }

  async finish(updateId: number): Promise<void> {
    if (this.seen.has(updateId)) this.seen.set(updateId, true);
  }

  async release(updateId: number): Promise<void> {
    this.seen.delete(updateId);
  }
}

export interface WebhookOptions {
  bot: Telegraf;
  log: Logger;
  /** Where Telegram posts updates, e.g. /telegram. */
  path: string;
  /** Checked on every request against X-Telegram-Bot-Api-Secret-Token. */
  secret: string;
  port: number;
  host?: string;
  ledger: UpdateLedger;
  /** /readyz: the stores answer and the knowledge is loaded. */
  ready: () => Promise<{ ok: boolean; detail: Record<string, unknown> }>;
  /**
   * Telegram resends an update it got no answer to, so the answer goes
   * when handling ends or after this long, whichever comes first; handling
   * goes on either way.
   */
  answerWithinMs?: number;
  /** How long shutdown waits for updates still being handled. */
  drainMs?: number;
  /** Run after an update has been handled (the state store's settle, in PostgreSQL mode). */
  afterUpdate?: () => Promise<void>;
}

export interface WebhookServer {
  readonly port: number;
  readonly server: Server;
  /** Stops taking updates, finishes the ones in hand (up to drainMs), then closes. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Telegram allows 1–256 characters A–Z, a–z, 0–9, _ and -. */
export const WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

function sameSecret(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Webhook mode: Telegram posts each update to PATH on this server (behind
 * nginx or caddy for TLS); the same server answers /healthz and /readyz.
 * setWebhook is not called here: `npm run webhook -- set` does it once per
 * deployment, not every instance at every start.
 *
 * Each update is claimed in the ledger before it is handled: a redelivery
 * (Telegram resends when it thinks the answer was lost, possibly to the
 * other instance) is acknowledged and dropped. The answer goes once the
 * update's state changes are committed (afterUpdate), so an instance dying
 * before that leaves Telegram to resend it; telegraf's webhookCallback
 * would answer as soon as the handler returns, before that commit, so the
 * update goes to bot.handleUpdate directly (the secret is checked here, in
 * constant time). webhookReply is off: every reply is a Bot API call of
 * its own, not an answer folded into a response Telegram may have given up on.
 */
export async function startWebhook(o: WebhookOptions): Promise<WebhookServer> {
  o.bot.telegram.webhookReply = false;
  // handleUpdate would ask getMe at the first update, inside Telegram's patience; ask now.
  o.bot.botInfo ??= await o.bot.telegram.getMe();
  const answerWithinMs = o.answerWithinMs ?? 5_000;
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const onUpdate = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!sameSecret(o.secret, req.headers[SECRET_HEADER])) {
      o.log.warn('webhook request with a wrong secret token refused', { from: req.socket.remoteAddress });
      send(res, 403, { ok: false });
      return;
    }
    if (closing) {
      // Telegram tries again, and finds the other instance (or this one restarted).
      send(res, 503, { ok: false, reason: 'shutting down' });
      return;
    }
    const body = await readBody(req);
    if (!body) return send(res, 413, { ok: false });
    let update: Update;
    try {
      update = JSON.parse(body.toString('utf8')) as Update;
      if (typeof update.update_id !== 'number') throw new Error('no update_id');
    } catch {
      return send(res, 400, { ok: false });
    }
    let mine: boolean;
    try {
      mine = await o.ledger.claim(update.update_id);
    } catch (error) {
      // Without the ledger it cannot be known whether another instance has it: Telegram will ask again.
      o.log.error('could not record an update; asking Telegram to resend it', { updateId: update.update_id, error });
      return send(res, 503, { ok: false });
    }
    if (!mine) {
      o.log.info('update delivered again; already handled', { updateId: update.update_id });
      return send(res, 200, { ok: true, duplicate: true });
    }
    const timer = setTimeout(() => send(res, 200, { ok: true }), answerWithinMs);
    const handling = (async () => {
      try {
        // Handler errors end in bot.catch (the user gets an apology); what throws here is the state not being kept.
        await o.bot.handleUpdate(update);
        await o.afterUpdate?.();
        await o.ledger.finish(update.update_id);
        send(res, 200, { ok: true });
      } catch (error) {
        o.log.error('update not kept; Telegram will resend it', { updateId: update.update_id, error });
        await o.ledger.release(update.update_id).catch(() => undefined);
        send(res, 500, { ok: false });
      } finally {
        clearTimeout(timer);
      }
    })();
    inFlight.add(handling);
    await handling.finally(() => inFlight.delete(handling));
  };

  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/healthz') return send(res, 200, { ok: true });
    if (req.method === 'GET' && url === '/readyz') {
      void o
        .ready()
        .then((r) => send(res, r.ok && !closing ? 200 : 503, { ...r, ok: r.ok && !closing }))
        .catch((error: unknown) => send(res, 503, { ok: false, error: String(error) }));
      return;
    }
    if (req.method === 'POST' && url === o.path) {
      onUpdate(req, res).catch((error: unknown) => {
        o.log.error('webhook request failed', { error });
        send(res, 500, { ok: false });
      });
      return;
    }
    send(res, 404, { ok: false });
  });
  // Telegram (or the proxy) keeps connections open between updates; close() ends the idle ones rather than waiting.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  o.log.info('webhook listening', { port, path: o.path });
  return {
    port,
    server,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = Promise.allSettled([...inFlight]);
      await Promise.race([drained, new Promise((r) => setTimeout(r, o.drainMs ?? 25_000).unref())]);
      server.closeAllConnections();
      await closed;
    },
  };
}
