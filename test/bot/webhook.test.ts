import { Telegraf } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.ts';
import { MemoryUpdateLedger, startWebhook, type WebhookOptions, type WebhookServer } from '../../bot/webhook.ts';

const SECRET = 'test_secret-123';
const quiet = createLogger('silent');

interface Rig {
  server: WebhookServer;
  url: string;
  handled: number[];
  finished: number[];
}

let open: WebhookServer[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function rig(options: Partial<WebhookOptions> & { handlerMs?: number } = {}): Promise<Rig> {
  const bot = new Telegraf('123456:TEST_TOKEN_abcdefghijklmnopqrstuvwxyz');
  bot.botInfo = { id: 1, is_bot: true, first_name: 'bot', username: 'cw_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: true };
  const handled: number[] = [];
  const finished: number[] = [];
  bot.on('message', async (ctx) => {
    handled.push(ctx.update.update_id);
    await new Promise((r) => setTimeout(r, options.handlerMs ?? 0));
    finished.push(ctx.update.update_id);
  });
  const server = await startWebhook({
    bot,
    log: quiet,
    path: '/hook',
    secret: SECRET,
    port: 0,
    host: '127.0.0.1',
    ledger: new MemoryUpdateLedger(),
    ready: async () => ({ ok: true, detail: { bulletins: 2 } }),
    ...options,
  });
  open.push(server);
  return { server, url: `http://127.0.0.1:${server.port}`, handled, finished };
}

const update = (id: number): Record<string, unknown> => ({
  update_id: id,
  message: { message_id: id, date: 1_764_000_000, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: '用户' }, text: '你好' },
});

function post(url: string, body: unknown, secret: string | null = SECRET): Promise<Response> {
  return fetch(`${url}/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('webhook server', () => {
  it('answers /healthz, /readyz as the stores say, and 404 elsewhere', async () => {
    let ok = true;
    const r = await rig({ ready: async () => ({ ok, detail: { store: 'files' } }) });
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${r.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, detail: { store: 'files' } });
    ok = false;
    expect((await fetch(`${r.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${r.url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${r.url}/hook`)).status).toBe(404);
  });

  it('refuses a request whose secret is missing or wrong, without handling it', async () => {
    const r = await rig();
    expect((await post(r.url, update(1), null)).status).toBe(403);
    expect((await post(r.url, update(2), 'test_secret-124')).status).toBe(403);
    expect((await post(r.url, update(3), `${SECRET}x`)).status).toBe(403);
    expect(r.handled).toEqual([]);
  });

  it('handles an update delivered twice once', async () => {
    const r = await rig();
    const first = await post(r.url, update(10));
    const second = await post(r.url, update(10));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.json()).toEqual({ ok: true, duplicate: true });
    expect(r.handled).toEqual([10]);
  });

  it('refuses what is not an update', async () => {
    const r = await rig();
    expect((await post(r.url, '{not json')).status).toBe(400);
    expect((await post(r.url, { message: {} })).status).toBe(400);
    expect((await post(r.url, 'x'.repeat(1_100_000)).catch(() => ({ status: 413 }))).status).toBe(413);
    expect(r.handled).toEqual([]);
  });

  it('answers a slow update within its bound, and finishes handling it all the same', async () => {
    const r = await rig({ handlerMs: 1500, answerWithinMs: 200 });
    const t0 = Date.now();
    const res = await post(r.url, update(20));
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.finished).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(r.finished).toEqual([20]);
  });

  it('on shutdown takes nothing new and finishes the updates in hand', async () => {
    const r = await rig({ handlerMs: 800 });
    const inHand = post(r.url, update(30));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = r.server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const late = await post(r.url, update(31)).catch(() => undefined);
    expect(late === undefined || late.status === 503).toBe(true);
    expect((await inHand).status).toBe(200);
    await closing;
    expect(r.finished).toEqual([30]);
    open = [];
  });

  it('when the update\u2019s changes cannot be kept, answers 500 and handles the resend afresh', async () => {
    let failures = 1;
    const r = await rig({
      afterUpdate: async () => {
        if (failures-- > 0) throw new Error('database unreachable');
      },
    });
    expect((await post(r.url, update(40))).status).toBe(500);
    expect((await post(r.url, update(40))).status).toBe(200);
    expect(r.handled).toEqual([40, 40]);
  });
});
