import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Broadcaster, DEFAULT_LIMITS, type Sender } from '../../bot/broadcaster.ts';
import { DigestRunner } from '../../bot/digest-runner.ts';
import { createDigestService } from '../../bot/digest-service.ts';
import { createLogger } from '../../bot/logger.ts';
import { StateStore } from '../../bot/state-store.ts';
import type { OutMessage, Reply } from '../../handlers/reply.ts';
import type { Chat, Services } from '../../handlers/request.ts';
import { handle } from '../../handlers/router.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { knowledgeFrom, readShipped, servicesFor } from '../helpers/knowledge.ts';

const quiet = createLogger('silent');
const jilin = readShipped('000');
const shiyan = readShipped('001');
const PRIVATE: Chat = { id: 11, type: 'private' };
const GROUP: Chat = { id: -22, type: 'group' };
const ADMIN_OF_GROUP = 5;

let dir: string;
let kb: KnowledgeBase;
let state: StateStore;
let services: Services;
let sent: Array<{ chatId: number; message: OutMessage }>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-sub-'));
  // Subscriptions start from the knowledge as it is; the 十堰 story arrives later.
  kb = new KnowledgeBase(knowledgeFrom([[jilin, 'a.txt']]));
  state = new StateStore(dir);
  await state.open();
  sent = [];
  const sender: Sender = { send: async (chatId, message) => void sent.push({ chatId, message }) };
  const broadcaster = new Broadcaster(state, sender, quiet, { ...DEFAULT_LIMITS, perChatGapMs: 1 });
  const runner = new DigestRunner(state, () => kb, broadcaster, quiet);
  services = servicesFor(kb, {
    knowledge: () => kb,
    digests: createDigestService({
      state,
      runner,
      broadcaster,
      knowledge: () => kb,
      log: quiet,
      schedule: '工作日 09:00(Asia/Shanghai)',
      nextRun: () => undefined,
      isGroupAdmin: async (_chat, user) => user === ADMIN_OF_GROUP,
      canBroadcast: true,
    }),
  });
});
afterEach(async () => {
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

function command(text: string, chat: Chat = PRIVATE, user = { id: 7, isAdmin: false }): Promise<Reply> {
  const [, name = '', args = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
  return handle({ kind: 'command', command: name, args, chat, user }, services);
}
const html = async (r: Promise<Reply>): Promise<string> => (await r).messages.map((m) => m.html).join('\n');

function arrive(text: string, file: string): void {
  kb = new KnowledgeBase(knowledgeFrom([[jilin, 'a.txt'], [text, file]]));
}

describe('subscriptions', () => {
  it('subscribes, shows, narrows and stops', async () => {
    expect(await html(command('/subscribe'))).toBe(
      '✅ 已订阅:全部新通告\n有新通告时,工作日 09:00(Asia/Shanghai)推送摘要;没有新内容就不打扰。\n发送 /digest 立即查看,/subscriptions 查看设置,/unsubscribe 退订。',
    );
    expect(await html(command('/subscribe 吉林 反诈'))).toMatch(/^✅ 订阅已更新:吉林 · 反诈\n/);
    expect(await html(command('/subscriptions'))).toContain('范围:吉林 · 反诈');
    expect(await html(command('/subscribe 火星'))).toBe(
      '没看懂 “火星”,订阅未改动。\n可以写省份(<code>吉林</code>)、运营商(<code>吉林移动</code>)或类别(<code>反诈</code>、<code>适老</code>、<code>垃圾短信</code>…),几项可以组合,例如 <code>/subscribe 吉林 反诈</code>。',
    );
    expect(await html(command('/subscriptions'))).toContain('范围:吉林 · 反诈');
    expect(await html(command('/unsubscribe'))).toBe('已退订,不会再推送摘要。随时可以 /subscribe 重新订阅。');
    expect(await html(command('/unsubscribe'))).toBe('本聊天没有订阅,无需退订。');
    expect(await html(command('/subscriptions'))).toMatch(/^本聊天没有订阅摘要/);
  });

  it('lets only group admins change a group’s subscription', async () => {
    expect(await html(command('/subscribe', GROUP, { id: 6, isAdmin: false }))).toBe('只有本群管理员可以修改本群的订阅。');
    expect(services.digests.subscription(GROUP.id)).toBeUndefined();
    expect(await html(command('/subscribe', GROUP, { id: ADMIN_OF_GROUP, isAdmin: false }))).toMatch(/^✅ 已订阅/);
    expect(await html(command('/unsubscribe', GROUP, { id: 6, isAdmin: false }))).toBe('只有本群管理员可以修改本群的订阅。');
    expect(services.digests.subscription(GROUP.id)?.active).toBe(true);
  });

  it('sends what is new since subscribing, once, and nothing when nothing is new', async () => {
    await command('/subscribe');
    expect(await html(command('/digest'))).toBe('自上次摘要以来,没有符合订阅条件的新通告。');
    arrive(shiyan, 'b.txt');
    expect((await command('/digest')).messages).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chatId).toBe(PRIVATE.id);
    expect(sent[0]!.message.html).toContain('信守安全 畅通无阻——中国电信十堰分公司保障消费者权益工作纪实');
    expect(sent[0]!.message.html).toContain('<b>十堰电信</b>');
    expect(await html(command('/digest'))).toBe('自上次摘要以来,没有符合订阅条件的新通告。');
    expect(sent).toHaveLength(1);
  });

  it('filters the digest: a chat that wants only 吉林 gets nothing about 十堰', async () => {
    await command('/subscribe 吉林');
    arrive(shiyan, 'b.txt');
    expect(await html(command('/digest'))).toBe('自上次摘要以来,没有符合订阅条件的新通告。');
    expect(sent).toEqual([]);
  });

  it('asks to subscribe first', async () => {
    expect(await html(command('/digest'))).toBe('本聊天还没有订阅。发送 /subscribe 订阅新通告摘要。');
  });

  it('gives admins stats and a broadcast, and refuses everyone else', async () => {
    const admin = { id: 1, isAdmin: true };
    await command('/subscribe');
    arrive(shiyan, 'b.txt');
    expect(await html(command('/stats', PRIVATE, admin))).toContain('订阅中 1 个聊天');
    expect(await html(command('/broadcast', PRIVATE, admin))).toBe('📤 已开始向所有订阅者推送摘要。发送 /stats 查看进度。');
    await new Promise((r) => setTimeout(r, 100));
    expect(sent.map((s) => s.chatId)).toEqual([PRIVATE.id]);
    expect(await html(command('/stats', PRIVATE, admin))).toContain('已送达摘要 1 份');
    expect(await html(command('/stats'))).toMatch(/只有管理员/);
    expect(await html(command('/broadcast'))).toMatch(/只有管理员/);
  });
});
