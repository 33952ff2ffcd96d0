import { describeFilter, parseFilter } from '../knowledge/digests/subscription-filter.ts';
import { clip } from './format.ts';
import { escapeHtml, reply, type Reply } from './reply.ts';
import type { CommandRequest, Services } from './request.ts';

const GROUP_ADMINS_ONLY = '只有本群管理员可以修改本群的订阅。';
const FILTER_HELP =
  '可以写省份(<code>吉林</code>)、运营商(<code>吉林移动</code>)或类别(<code>反诈</code>、<code>适老</code>、<code>垃圾短信</code>…),几项可以组合,例如 <code>/subscribe 吉林 反诈</code>。';

const INSTANT_WHEN = '⚡ 即时推送:监测到新通告并收录后立即推送摘要;没有新内容就不打扰。';

const isGroup = (req: CommandRequest): boolean => req.chat.type === 'group' || req.chat.type === 'supergroup';

/** /subscribe [filters]: start or change this chat's digests. */
export async function subscribeCommand(req: CommandRequest, services: Services): Promise<Reply> {
  if (isGroup(req) && !(await services.digests.canManage(req.chat, req.user.id))) return reply(GROUP_ADMINS_ONLY);
  const kb = services.knowledge();
  if ([...req.args].length > 200) return reply('订阅条件太长了,请精简后再试。');
  const parsed = parseFilter(req.args, kb);
  if (!parsed.ok) {
    const words = parsed.unknown.map((w) => `“${escapeHtml(clip(w, 20))}”`).join('、');
    return reply(`没看懂 ${words},订阅未改动。\n${FILTER_HELP}`);
  }
  const before = services.digests.subscription(req.chat.id);
  services.digests.subscribe(req.chat, parsed.filter);
  const what = escapeHtml(describeFilter(parsed.filter, kb));
  const verb = before?.active ? '订阅已更新' : '已订阅';
  return reply(
    [
      `✅ ${verb}:${what}`,
      parsed.filter.instant ? INSTANT_WHEN : `有新通告时,${escapeHtml(services.digests.schedule)}推送摘要;没有新内容就不打扰。`,
      '发送 /digest 立即查看,/subscriptions 查看设置,/unsubscribe 退订。',
    ].join('\n'),
  );
}

/** /subscriptions: what this chat gets. */
export function subscriptionsCommand(req: CommandRequest, services: Services): Reply {
  const sub = services.digests.subscription(req.chat.id);
  if (!sub?.active) {
    const ended = sub?.endedReason ? `(已于 ${sub.since.slice(0, 10)} 起的订阅已停止:${escapeHtml(clip(sub.endedReason, 60))})` : '';
    return reply(`本聊天没有订阅摘要${ended}。\n发送 /subscribe 订阅全部新通告,或 ${FILTER_HELP}`);
  }
  const kb = services.knowledge();
  return reply(
    [
      '📬 <b>本聊天的订阅</b>',
      `范围:${escapeHtml(describeFilter(sub.filter, kb))}`,
      `推送:${sub.filter.instant ? '即时(新通告收录后立即推送)' : escapeHtml(services.digests.schedule)}`,
      `订阅时间:${sub.since.slice(0, 10)}`,
      '',
      '修改:/subscribe 条件 · 立即查看:/digest · 退订:/unsubscribe',
    ].join('\n'),
  );
}

export async function unsubscribeCommand(req: CommandRequest, services: Services): Promise<Reply> {
  if (isGroup(req) && !(await services.digests.canManage(req.chat, req.user.id))) return reply(GROUP_ADMINS_ONLY);
  return reply(services.digests.unsubscribe(req.chat.id) ? '已退订,不会再推送摘要。随时可以 /subscribe 重新订阅。' : '本聊天没有订阅,无需退订。');
}

export async function digestCommand(req: CommandRequest, services: Services): Promise<Reply> {
  switch (await services.digests.sendNow(req.chat)) {
    case 'not_subscribed':
      return reply('本聊天还没有订阅。发送 /subscribe 订阅新通告摘要。');
    case 'nothing':
      return reply('自上次摘要以来,没有符合订阅条件的新通告。');
    case 'in_progress':
      return reply('您的摘要正在发送中,请稍候。');
    case 'queued':
      return { messages: [] };
  }
}

export function statsCommand(services: Services): Reply {
  const s = services.digests.stats();
  const lines = [
    '📊 <b>推送统计</b>',
    `订阅中 ${s.subscribers} 个聊天 · 已退订 ${s.unsubscribed} 个(其中 ${s.unsubscribedByTelegram} 个因屏蔽或群不存在被自动退订)`,
    `已送达摘要 ${s.digestsDelivered} 份 · 消息 ${s.messagesSent} 条 · 推迟到下次推送 ${s.deferrals} 次`,
  ];
  if (s.nextRun) lines.push(`下次推送:${s.nextRun.toISOString().replace('T', ' ').slice(0, 16)} UTC`);
  for (const r of s.running) {
    lines.push(`⏳ 正在推送 ${r.runId}:${r.sent}/${r.total} 已送达,待发 ${r.pending},退订 ${r.dropped},推迟 ${r.deferred}`);
  }
  if (!s.running.length) lines.push('当前没有进行中的推送。');
  return reply(lines.join('\n'));
}

export function broadcastCommand(services: Services): Reply {
  switch (services.digests.broadcastNow()) {
    case 'started':
      return reply('📤 已开始向所有订阅者推送摘要。发送 /stats 查看进度。');
    case 'busy':
      return reply('已有一次推送正在进行,请等它结束。发送 /stats 查看进度。');
    case 'unavailable':
      return reply('终端模式下不进行群发;连接 Telegram 后可用。');
  }
}
