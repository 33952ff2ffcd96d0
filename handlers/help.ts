import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { COMMANDS } from './commands.ts';

import { escapeHtml, reply, type Reply } from './reply.ts';

export function helpReply(kb: KnowledgeBase, isAdmin: boolean): Reply {
  const lines = [
    '📡 <b>运营商服务承诺查询</b>',
    '为 12315 维权站、市场监管和消协工作人员查询电信运营商在公开通告中的服务承诺、数据和出处。',
    '',
    '<b>命令</b>',
  ];
  for (const c of COMMANDS.filter((x) => isAdmin || !x.adminOnly)) {
    lines.push(`/${c.name} — ${escapeHtml(c.description)}`, `   例:<code>${escapeHtml(c.example)}</code>`);
  }
  lines.push(
    '',
    '私聊中可直接提问,如 <code>吉林电信爱心翼站有多少家</code>:回答最新数字、时期、出处和与上一期的变化。',
    '运营商名称可以用简称、全称、拼音或首字母(如 <code>jldx</code>)、繁体或城市名(如 <code>长春电信</code>)。',
    `知识库:${kb.bulletins.length} 份通告,${kb.carriers.length} 家运营商。每条记录都注明出处(通告、时期、段落)。`,
  );
  return reply(lines.join('\n'));
}
