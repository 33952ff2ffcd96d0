import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestService } from '../../handlers/request.ts';
import { startInProcessBot, type ApiCall } from '../helpers/in-process-bot.ts';
import { servicesFor, shippedKnowledge } from '../helpers/knowledge.ts';

const ADMIN = 900;
const STAFF = 901;
let harness: Awaited<ReturnType<typeof startInProcessBot>>;
const ingested: string[] = [];
const broadcasts: string[] = [];

beforeAll(async () => {
  const kb = shippedKnowledge();
  const base = servicesFor(kb);
  const digests: DigestService = {
    ...base.digests,
    stats: () => ({ subscribers: 3, unsubscribed: 0, messagesSent: 0, digestsDelivered: 0, deferrals: 0, unsubscribedByTelegram: 0, running: [] }),
    broadcastNow: () => {
      broadcasts.push('started');
      return 'started';
    },
  };
  harness = await startInProcessBot(
    servicesFor(kb, {
      digests,
      ingest: async (_bytes, name) => {
        ingested.push(name);
        throw new Error('not reached in these tests');
      },
    }),
    { admins: [ADMIN] },
  );
});
afterAll(() => harness.stop());

let id = 1;
const private_ = (userId: number) => ({ id: userId, type: 'private' as const, first_name: 'u' });
const group = { id: -300, type: 'supergroup' as const, title: '维权站' };
const from = (userId: number) => ({ id: userId, is_bot: false, first_name: 'u' });
const document = { file_id: 'doc1', file_unique_id: 'u1', file_name: 'bulletin.txt', file_size: 2048 };

function send(message: Record<string, unknown>): Promise<ApiCall[]> {
  return harness.handle({ update_id: id++, message: { message_id: id, date: 0, ...message } } as unknown as Update);
}
const texts = (calls: ApiCall[]): string[] => calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.params.text));

describe('admin-only actions', () => {
  it.each([
    ['/stats in a private chat', { chat: private_(STAFF), from: from(STAFF), text: '/stats' }],
    ['/broadcast in a private chat', { chat: private_(STAFF), from: from(STAFF), text: '/broadcast' }],
    ['/stats@CarrierWatchBot in a group', { chat: group, from: from(STAFF), text: '/stats@CarrierWatchBot' }],
    ['/broadcast in a group', { chat: group, from: from(STAFF), text: '/broadcast' }],
    ['a file sent privately', { chat: private_(STAFF), from: from(STAFF), document }],
    ['a file captioned /ingest in a group', { chat: group, from: from(STAFF), document, caption: '/ingest' }],
    ['/ingest replying to a file in a group', { chat: group, from: from(STAFF), text: '/ingest', reply_to_message: { message_id: 1, date: 0, chat: group, from: from(ADMIN), document } }],
    [
      'an admin’s /broadcast forwarded by someone else',
      { chat: private_(STAFF), from: from(STAFF), text: '/broadcast', forward_origin: { type: 'user', date: 0, sender_user: from(ADMIN) }, forward_date: 0 },
    ],
    [
      'an admin’s file forwarded by someone else',
      { chat: private_(STAFF), from: from(STAFF), document, forward_origin: { type: 'user', date: 0, sender_user: from(ADMIN) }, forward_date: 0 },
    ],
  ])('%s is refused, and nothing is downloaded, ingested or broadcast', async (_what, message) => {
    const calls = await send(message);
    expect(texts(calls)).toEqual([expect.stringMatching(/^抱歉,只有管理员可以/)]);
    expect(calls.some((c) => c.method === 'getFile')).toBe(false);
    expect(ingested).toEqual([]);
    expect(broadcasts).toEqual([]);
  });

  it('works for the admin', async () => {
    expect(texts(await send({ chat: private_(ADMIN), from: from(ADMIN), text: '/stats' }))[0]).toContain('订阅中 3 个聊天');
    expect(texts(await send({ chat: group, from: from(ADMIN), text: '/broadcast@CarrierWatchBot' }))[0]).toContain('已开始');
    expect(broadcasts).toEqual(['started']);
  });

  it('does not show admin commands in /help to others', async () => {
    const help = texts(await send({ chat: private_(STAFF), from: from(STAFF), text: '/help' }))[0]!;
    expect(help).not.toContain('/broadcast');
    expect(help).not.toContain('/ingest');
    const adminHelp = texts(await send({ chat: private_(ADMIN), from: from(ADMIN), text: '/help' }))[0]!;
    expect(adminHelp).toContain('/broadcast');
  });
});
