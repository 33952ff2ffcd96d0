import { appealCentre } from '../knowledge/complaints/appeal-centres.ts';
import { contextFill, contextFromKey, contextKey, contextLabel, parseComplaintQuery, type ComplaintContext } from '../knowledge/complaints/complaint-context.ts';
import { consumerGroups } from '../knowledge/groups.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { problemMatcher } from '../knowledge/complaints/problem-matcher.ts';
import { PROBLEM_TYPE_IDS, procedureBook, type Audience, type ProblemTypeId } from '../knowledge/complaints/procedures.ts';
import { MAX_QUERY_CHARS, stale } from './carrier.ts';
import { button, clip, rows } from './format.ts';
import { escapeHtml, reply, type Button, type Reply } from './reply.ts';

/** /complain, /complain TEXT, /complain 吉林电信 宽带. */
export function complainCommand(args: string, kb: KnowledgeBase): Reply {
  const query = args.trim();
  if (!query) return problemMenu({}, kb);
  if ([...query].length > MAX_QUERY_CHARS) {
    return reply(`描述太长了(${[...query].length} 个字,最多 ${MAX_QUERY_CHARS} 个)。请用几个词说明问题,例如 <code>/complain 吉林电信 宽带</code>。`);
  }
  const { context, rest } = parseComplaintQuery(query, kb);
  if (!rest) return problemMenu(context, kb);
  const guess = problemMatcher().guess(rest);
  if (guess.kind === 'sure') return procedure(guess.problem, context, 'staff', kb);
  const key = contextKey(context);
  const said = escapeHtml(clip(rest, 30));
  if (guess.kind === 'unsure') {
    const choices = guess.candidates.map((id) => problemButton(id, key));
    return reply(`“${said}”可能属于以下问题,请选择 👇`, [...rows(choices, 1), [button('🗂 全部问题类型', { kind: 'complainMenu', context: key })]]);
  }
  return reply(`没能判断“${said}”属于哪类问题,请选择 👇`, rows(allProblemButtons(key), 2));
}

/** The problem types as buttons, with the carrier (or place) already filled in when known. */
export function problemMenu(context: ComplaintContext, kb: KnowledgeBase): Reply {
  const key = contextKey(context);
  const lines = ['📮 <b>投诉指引</b>', ...contextLines(context, kb), '', '请选择问题类型 👇', '也可以直接描述,例如 <code>/complain 宽带老断</code>、<code>/complain 吉林电信 乱扣费</code>。'];
  const buttons = rows(allProblemButtons(key), 2);
  if (context.carrier) buttons.push([button(`↩ 返回${context.carrier.shortName}`, { kind: 'carrier', carrierId: context.carrier.id })]);
  return reply(lines.join('\n'), buttons);
}

/** The menu opened from a button (the carrier card's 如何投诉, or "其他问题类型"): replaces that message. */
export function problemMenuFor(key: string, kb: KnowledgeBase): Reply {
  const context = contextFromKey(key, kb);
  return context ? { ...problemMenu(context, kb), edit: true } : stale();
}

/** A procedure opened from a button: replaces the menu or the other audience's version. */
export function procedureFor(problem: ProblemTypeId, key: string, audience: Audience, kb: KnowledgeBase): Reply {
  const context = contextFromKey(key, kb);
  return context ? { ...procedure(problem, context, audience, kb), edit: true } : stale();
}

export function procedure(problem: ProblemTypeId, context: ComplaintContext, audience: Audience, kb: KnowledgeBase): Reply {
  const key = contextKey(context);
  const other: Audience = audience === 'staff' ? 'consumer' : 'staff';
  const toggle = button(audience === 'staff' ? '📨 转发给消费者版' : '👷 工作人员版', { kind: 'procedure', problem, context: key, audience: other });
  // Without a carrier the hotlines and appeal centre stay generic; say how to fill them in.
  const tip = audience === 'staff' && !context.group && !context.region && procedureBook().usesTelecomAppeal(problem)
    ? `\n💡 加上运营商可填入其热线和所在省的申诉机构,例如 <code>/complain 吉林电信 ${escapeHtml(procedureBook().problem(problem).label.split('/')[0]!)}</code>。`
    : '';
  return reply(procedureHtml(problem, context, audience, kb) + tip, [[toggle, button('🗂 其他问题类型', { kind: 'complainMenu', context: key })]]);
}

/**
 * A procedure as one Telegram HTML message: a numbered list, the rule it
 * rests on and the date the facts were checked. The staff version adds the
 * carrier, the appeal centre and what is unconfirmed; the consumer version
 * is addressed to 您 and leaves the unconfirmed out.
 */
export function procedureHtml(problem: ProblemTypeId, context: ComplaintContext, audience: Audience, kb: KnowledgeBase): string {
  const book = procedureBook();
  const r = book.render(problem, audience, contextFill(context, kb));
  const p = r.problem;
  const steps = r.steps.map((s, i) => `${i + 1}. ${markNumbers(escapeHtml(s))}`);
  if (audience === 'consumer') {
    const basis = [...r.citations, ...r.channels].join('、');
    return [`您好!遇到“${escapeHtml(p.label)}”问题,可以这样处理:`, '', ...steps, '', `<i>依据:${escapeHtml(basis)}。信息截至 ${r.asOf}。</i>`].join('\n');
  }
  const lines = [`${p.emoji} <b>${escapeHtml(p.label)} · 投诉流程</b>`];
  if (book.usesTelecomAppeal(problem)) lines.push(...contextLines(context, kb));
  lines.push('', ...steps, '');
  for (const c of r.citations) lines.push(`📜 依据:${escapeHtml(c)}`);
  if (r.channels.length) lines.push(`📡 渠道:${escapeHtml(r.channels.join('、'))}`);
  const centre = context.region && book.usesTelecomAppeal(problem) ? appealCentre(kb, context.region.province) : undefined;
  const unconfirmed = [...r.unconfirmed, ...(centre && !centre.verified ? [unverifiedCentreNote(centre.provinceName, centre.conventionalName)] : [])];
  for (const u of unconfirmed) lines.push(`⚠️ 未核实:${escapeHtml(u)}`);
  lines.push(`🗓 截至 ${r.asOf}`);
  return lines.join('\n');
}

export function unverifiedCentreNote(provinceName: string, conventionalName: string): string {
  return `${provinceName}申诉受理机构的确切名称(可能是“${conventionalName}”)。`;
}

/** "📡 吉林电信 · 客服 10000" and "🏛 申诉:吉林省电信用户申诉受理中心", as far as the context tells. */
function contextLines(context: ComplaintContext, kb: KnowledgeBase): string[] {
  const lines: string[] = [];
  const label = contextLabel(context, kb);
  if (label) lines.push(`📡 ${escapeHtml(label)} · 客服 <code>${contextFill(context, kb).hotline}</code>`);
  const centre = context.region ? appealCentre(kb, context.region.province) : undefined;
  if (centre) lines.push(`🏛 申诉:${escapeHtml(centre.label)}`);
  else if (context.region) lines.push(`📍 ${escapeHtml(kb.regions.label(context.region))}`);
  return lines;
}

function problemButton(id: ProblemTypeId, key: string): Button {
  const p = procedureBook().problem(id);
  return button(`${p.emoji} ${p.label}`, { kind: 'procedure', problem: id, context: key, audience: 'staff' });
}

function allProblemButtons(key: string): Button[] {
  return PROBLEM_TYPE_IDS.map((id) => problemButton(id, key));
}

let numbersPattern: RegExp | undefined;

/**
 * Service numbers in <code>, so a tap copies them: 12300, 10086 … taken
 * from the data. Not inside web addresses or e-mail (www.12315.cn,
 * hubei12300@126.com), which Telegram links by itself.
 */
export function markNumbers(html: string): string {
  if (!numbersPattern) {
    const numbers = new Set([...procedureBook().channels.flatMap((c) => (c.number ? [c.number] : [])), ...consumerGroups().map((g) => g.hotline)]);
    const alternatives = [...numbers].sort((a, b) => b.length - a.length).join('|');
    // Nor where the number is part of a name: “12321举报中心”, 12315消费维权站.
    numbersPattern = new RegExp(`(?<![\\w.@/“-])(${alternatives})(?![\\w.@-]|举报中心|消费维权|平台)`, 'g');
  }
  return html.replace(numbersPattern, '<code>$1</code>');
}
