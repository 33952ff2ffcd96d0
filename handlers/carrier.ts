import { categoryLabel, CATEGORIES } from '../knowledge/categories.ts';
import { periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { Carrier, CategoryId } from '../knowledge/schema.ts';
import { button, carrierLabel, clip, factBlock, pageOf, pager, rows } from './format.ts';
import { escapeHtml, reply, type Button, type Reply } from './reply.ts';

export const MAX_QUERY_CHARS = 60;
const FACTS_PER_PAGE = 5;
const CARRIERS_PER_PAGE = 12;

/** /carrier NAME: the card, a choice of candidates, or a clear "not found". */
export function carrierCommand(args: string, kb: KnowledgeBase): Reply {
  const query = args.trim();
  if (!query) return carrierList(kb, 0);
  if ([...query].length > MAX_QUERY_CHARS) {
    return reply(`查询内容太长了(${[...query].length} 个字)。请只输入运营商名称,例如 <code>/carrier 吉林电信</code>。`);
  }
  const r = kb.resolver.resolve(query);
  switch (r.kind) {
    case 'found': {
      const card = carrierCard(r.carrier, kb);
      if (!r.viaCity) return card;
      const city = r.viaCity.city ? (kb.regions.city(r.viaCity.province, r.viaCity.city)?.short ?? '') : kb.regions.label(r.viaCity);
      const note = `ℹ️ 知识库中没有${escapeHtml(city)}的单独记录,以下是${escapeHtml(r.carrier.shortName)}(省级分公司)的信息。\n\n`;
      return { messages: card.messages.map((m, i) => (i === 0 ? { ...m, html: note + m.html } : m)) };
    }
    case 'candidates': {
      const intro: Record<typeof r.reason, string> = {
        ambiguous: `“${escapeHtml(query)}”对应多家运营商,请选择:`,
        too_general: `“${escapeHtml(query)}”范围较大,请选择具体的运营商:`,
        related: `知识库中没有“${escapeHtml(query)}”的省级记录,但有以下下属分公司:`,
        similar: `没有找到“${escapeHtml(query)}”。您是不是要找:`,
      };
      return reply(intro[r.reason], candidateButtons(r.carriers));
    }
    case 'not_found':
    case 'empty': {
      const what = r.kind === 'not_found' && r.understood ? r.understood : query;
      const lines = [`没有找到“${escapeHtml(clip(what, 30))}”的记录。`, '', coverage(kb)];
      if (r.kind === 'not_found' && r.suggestions.length) lines.push('', '相近的运营商 👇');
      const suggestions = r.kind === 'not_found' ? r.suggestions : [];
      return reply(lines.join('\n'), suggestions.length ? candidateButtons(suggestions) : undefined);
    }
  }
}

/** What the knowledge base covers, for messages that have to say "not here". */
export function coverage(kb: KnowledgeBase): string {
  if (!kb.carriers.length) return '知识库目前是空的。';
  const names = kb.carriers.map((c) => c.shortName).join('、');
  return `目前收录 ${kb.carriers.length} 家运营商:${escapeHtml(names)}。发送 /carrier 查看列表。`;
}

function candidateButtons(carriers: readonly Carrier[]): Button[][] {
  return rows(
    carriers.slice(0, CARRIERS_PER_PAGE).map((c) => button(carrierLabel(c), { kind: 'carrier', carrierId: c.id })),
    2,
  );
}

export function carrierCard(c: Carrier, kb: KnowledgeBase): Reply {
  const counts = kb.categoryCounts(c.id);
  const total = counts.reduce((a, [, n]) => a + n, 0);
  const lines = carrierSummary(c, kb);
  lines.push('', total ? `共 ${total} 条记录,点类别查看 👇` : '暂无可展示的记录。');
  const buttons = counts.map(([category, n]) =>
    button(`${categoryLabel(category)} ${n}`, { kind: 'facts', carrierId: c.id, category, page: 0 }),
  );
  // The procedure with this carrier's hotline and province filled in (handlers/complain.ts).
  return reply(lines.join('\n'), [...rows(buttons, 2), [button('📮 如何投诉', { kind: 'complainMenu', context: c.id })]]);
}

/** The card's text without its buttons: name, legal name, hotline, sources. Inline results reuse it. */
export function carrierSummary(c: Carrier, kb: KnowledgeBase): string[] {
  const lines = [
    `📡 <b>${escapeHtml(c.shortName)}</b>`,
    escapeHtml(c.legalName),
    `☎️ 客服热线 <code>${c.hotline}</code>`,
  ];
  const bulletins = kb.bulletinsOf(c.id);
  if (bulletins.length) {
    lines.push('', '📄 来源:');
    for (const b of bulletins.slice(0, 5)) {
      const period = b.title.includes(String(b.period.year)) ? '' : `(${periodLabel(b.period)})`;
      lines.push(`• ${escapeHtml(clip(b.title, 40))}${period}`);
    }
    if (bulletins.length > 5) lines.push(`…另有 ${bulletins.length - 5} 份`);
  }
  return lines;
}

export function factsPage(carrierId: string, category: CategoryId, page: number, kb: KnowledgeBase): Reply {
  const c = kb.carrier(carrierId);
  if (!c) return stale();
  const facts = kb.factsOf(carrierId).filter((f) => f.category === category);
  if (!facts.length) return reply(`${escapeHtml(c.shortName)}暂无“${CATEGORIES[category].label}”类记录。`, [[button(`↩ 返回${c.shortName}`, { kind: 'carrier', carrierId })]]);
  const p = pageOf(facts, page, FACTS_PER_PAGE);
  const head = `${CATEGORIES[category].emoji} <b>${escapeHtml(c.shortName)} · ${CATEGORIES[category].label}</b>(${facts.length} 条${p.pages > 1 ? `,第 ${p.page + 1}/${p.pages} 页` : ''})`;
  const body = p.items.map((f, i) => factBlock(f, kb, p.page * FACTS_PER_PAGE + i + 1));
  const nav = pager(p.page, p.pages, (n) => ({ kind: 'facts', carrierId, category, page: n }));
  const buttons: Button[][] = [...(nav.length ? [nav] : []), [button(`↩ 返回${c.shortName}`, { kind: 'carrier', carrierId })]];
  return { ...reply([head, '', body.join('\n\n')].join('\n'), buttons), edit: true };
}

export function carrierList(kb: KnowledgeBase, page: number): Reply {
  if (!kb.carriers.length) return reply('知识库目前是空的,还没有收录任何通告。');
  const p = pageOf(kb.carriers, page, CARRIERS_PER_PAGE);
  const head = `📡 <b>收录的运营商</b>(${kb.carriers.length} 家)\n点按钮查看,或发送 <code>/carrier 名称</code>,例如 <code>/carrier 吉林电信</code>。`;
  const buttons = rows(
    p.items.map((c) => button(carrierLabel(c), { kind: 'carrier', carrierId: c.id })),
    2,
  );
  const nav = pager(p.page, p.pages, (n) => ({ kind: 'carriers', page: n }));
  return reply(head, nav.length ? [...buttons, nav] : buttons);
}

export function stale(): Reply {
  return reply('这个按钮已失效(数据可能已更新)。请重新发送命令,例如 /carrier。');
}
