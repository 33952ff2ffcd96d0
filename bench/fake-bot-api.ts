import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal Bot API for the broadcast benchmark: sendMessage answered after
 * a fixed latency, with Telegram's flood control (429 retry_after once more
 * than `perSecond` messages were accepted in the trailing second), and every
 * arrival recorded. It runs in its own process (see startFakeBotApiProcess in
 * broadcast.ts) so that its arrival times are not skewed by the sender's
 * event loop and its memory does not count as the sender's.
 *
 * Control endpoints: GET /__arrivals (the log), POST /__reset (clears it).
 */

export interface Arrival {
  chatId: number;
  /** Epoch milliseconds, sub-millisecond precision, taken when the request's headers arrived. */
  at: number;
  status: number;
  /** sha1 of the message text, 12 hex digits: enough to tell parts and duplicates apart. */
  text: string;
}

export interface FakeBotApiOptions {
  latencyMs: number;
  /** Flood control like Telegram's; 0 disables it. */
  perSecond: number;
}

export function textKey(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}

const now = (): number => performance.timeOrigin + performance.now();

export function startFakeBotApi(options: FakeBotApiOptions): Promise<{ url: string; close: () => Promise<void> }> {
  let arrivals: Arrival[] = [];
  /** Times of accepted messages within the last second, for flood control. */
  let recent: number[] = [];
  let nextMessageId = 1;

  const floodControlled = (t: number): boolean => {
    if (options.perSecond <= 0) return false;
    recent = recent.filter((x) => x > t - 1000);
    return recent.length >= options.perSecond;
  };

  const sendMessage = async (req: IncomingMessage, res: ServerResponse, at: number): Promise<void> => {
    const params = parseBody(await readBody(req), req.headers['content-type']);
    const chatId = Number(params['chat_id']);
    const text = String(params['text'] ?? '');
    const limited = floodControlled(at);
    if (!limited) recent.push(at);
    const arrival: Arrival = { chatId, at, status: limited ? 429 : 200, text: textKey(text) };
    arrivals.push(arrival);
    await new Promise((r) => setTimeout(r, options.latencyMs));
    const body = limited
      ? { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }
      : { ok: true, result: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, text } };
    json(res, arrival.status, body);
  };

  const server = createServer((req, res) => {
    const at = now();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.endsWith('/sendMessage')) return void sendMessage(req, res, at);
    if (path === '/__arrivals') return json(res, 200, arrivals);
    if (path === '/__reset') {
      arrivals = [];
      recent = [];
      return json(res, 200, { ok: true });
    }
    json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  });
  // Keep-alive sockets from the sender must outlive Node's 5 s default between bursts.
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(body: string, contentType: string | undefined): Record<string, unknown> {
  if (!body) return {};
  if (contentType?.includes('application/json')) {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  return Object.fromEntries(new URLSearchParams(body));
}

// As a child process: start, say where on stdout (one JSON line), and serve until killed.
