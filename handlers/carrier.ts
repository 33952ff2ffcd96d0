import { categoryLabel, CATEGORIES, CATEGORY_IDS } from '../knowledge/categories.ts';
import { periodCode, periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { deltaNumber, incomparableText, periodIndex, shortPeriod } from '../knowledge/periods/series.ts';
import type { Carrier, CategoryId, Fact, Period } from '../knowledge/schema.ts';
import { button, carrierLabel, clip, factBlock, originalLink, pageOf, pager, rows } from './format.ts';
import { escapeHtml, reply, type Button, type Reply } from './reply.ts';
import { pointValue } from './trend.ts';

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

/**
 * The card shows one period, the carrier's newest unless asked: its headline
 * figures against the period before, and its facts by category. Older periods
 * are a 🕘 往期 button away, never mixed in.
 */
export function carrierCard(c: Carrier, kb: KnowledgeBase, period?: string): Reply {
  const periods = periodIndex(kb).periods(c.id);
  const current = period ? periods.find((p) => periodCode(p) === period) : periods[0];
  if (period && !current) return stale();
  const latest = !current || current === periods[0];
  const facts = current ? factsOfPeriod(c.id, current, kb) : [];
  const counts = categoryCounts(facts);
  const total = facts.length;
  const lines = carrierSummary(c, kb);
  if (current && periods.length > 1) {
    lines.push('', `🗓 <b>${periodLabel(current)}</b>${latest ? '(最新一期)' : '(往期)'}`);
    lines.push(...headlines(c.id, current, kb));
  }
  const scope = current && periods.length > 1 ? `${periodLabel(current)}` : '';
  lines.push('', total ? `${scope}共 ${total} 条记录,点类别查看 👇` : '暂无可展示的记录。');
  const buttons = counts.map(([category, n]) =>
    button(
      `${categoryLabel(category)} ${n}`,
      latest || !current
        ? { kind: 'facts', carrierId: c.id, category, page: 0 }
        : { kind: 'periodFacts', carrierId: c.id, category, page: 0, period: periodCode(current) },
    ),
  );
  const last: Button[] = [];
  if (periods.length > 1) last.push(button('🕘 往期', { kind: 'carrierPeriods', carrierId: c.id }));
  // The procedure with this carrier's hotline and province filled in (handlers/complain.ts).
  last.push(button('📮 如何投诉', { kind: 'complainMenu', context: c.id }));
  return { ...reply(lines.join('\n'), [...rows(buttons, 2), last]), ...(period ? { edit: true } : {}) };
}

const HEADLINES = 6;

/** Figures of the period that the carrier also reported before: "• 爱心翼站 520家(2024上半年 500家,+20)". */
function headlines(carrierId: string, period: Period, kb: KnowledgeBase): string[] {
  const steps = periodIndex(kb)
    .snapshot(carrierId, period)
    .filter((s) => s.previous);
  return steps.slice(0, HEADLINES).map((s) => {
    const prev = s.previous!;
    const d = s.change!;
    const diff = d.kind === 'computed' ? escapeHtml(deltaNumber(d, prev.obs, s.point.obs)) : escapeHtml(incomparableText(d));
    const stated = s.point.obs.stated ? `;通告称${escapeHtml(s.point.obs.stated.text)}` : '';
    return `• ${escapeHtml(s.point.obs.name)} ${pointValue(s.point, kb)}(${shortPeriod(prev.period)} ${pointValue(prev, kb)},${diff}${stated})`;
  });
}

function factsOfPeriod(carrierId: string, period: Period, kb: KnowledgeBase): Fact[] {
  const code = periodCode(period);
  return kb.factsOf(carrierId).filter((f) => {
    const b = kb.bulletin(f.bulletinId);
    return b !== undefined && periodCode(b.period) === code;
  });
}

function categoryCounts(facts: readonly Fact[]): Array<[CategoryId, number]> {
  const counts = new Map<CategoryId, number>();
  for (const f of facts) counts.set(f.category, (counts.get(f.category) ?? 0) + 1);
  return CATEGORY_IDS.filter((c) => counts.has(c)).map((c) => [c, counts.get(c)!]);
}

/** 🕘 往期: every period the carrier has facts for, newest first, each opening that period's card. */
export function carrierPeriods(carrierId: string, kb: KnowledgeBase): Reply {
  const c = kb.carrier(carrierId);
  if (!c) return stale();
  const periods = periodIndex(kb).periods(carrierId);
  const buttons = periods.map((p, i) =>
    button(`${periodLabel(p)}${i === 0 ? '(最新)' : ''} · ${factsOfPeriod(carrierId, p, kb).length} 条`, {
      kind: 'carrierPeriod',
      carrierId,
      period: periodCode(p),
    }),
  );
  return {
    ...reply(`🕘 <b>${escapeHtml(c.shortName)}</b> 各期记录(${periods.length} 期),点选查看 👇`, [...rows(buttons, 1), [button(`↩ 返回${c.shortName}`, { kind: 'carrier', carrierId })]]),
    edit: true,
  };
}

/** The card's text without its buttons: name, legal name, hotline, sources. Inline results reuse it. */
export function carrierSummary(c: Carrier, kb: KnowledgeBase): string[] {
  const lines = [
    `📡 <b>${escapeHtml(c.shortName)}</b>`,
    escapeHtml(c.legalName),
    // 中国铁塔 builds towers for the carriers and takes no consumer calls.
    c.hotline ? `☎️ 客服热线 <code>${c.hotline}</code>` : '☎️ 无面向用户的客服热线',
  ];
  const bulletins = kb.bulletinsOf(c.id);
  if (bulletins.length) {
    lines.push('', '📄 来源:');
    for (const b of bulletins.slice(0, 5)) {
      const period = b.title.includes(String(b.period.year)) ? '' : `(${periodLabel(b.period)})`;
      lines.push(`• ${escapeHtml(clip(b.title, 40))}${period}${originalLink(b)}`);
    }
    if (bulletins.length > 5) lines.push(`…另有 ${bulletins.length - 5} 份`);
  }
  return lines;
}

export function factsPage(carrierId: string, category: CategoryId, page: number, kb: KnowledgeBase, period?: string): Reply {
  const c = kb.carrier(carrierId);
  if (!c) return stale();
  const periods = periodIndex(kb).periods(carrierId);
  const current = period ? periods.find((p) => periodCode(p) === period) : periods[0];
  if (period && !current) return stale();
  // One period at a time: a carrier with several periods never gets them mixed in one list.
  const all = kb.factsOf(carrierId).filter((f) => f.category === category);
  const facts = current && periods.length > 1 ? all.filter((f) => kb.bulletin(f.bulletinId) && periodCode(kb.bulletin(f.bulletinId)!.period) === periodCode(current)) : all;
  const back: Button = period
    ? button(`↩ 返回${c.shortName}`, { kind: 'carrierPeriod', carrierId, period })
    : button(`↩ 返回${c.shortName}`, { kind: 'carrier', carrierId });
  if (!facts.length) return reply(`${escapeHtml(c.shortName)}暂无“${CATEGORIES[category].label}”类记录。`, [[back]]);
  const p = pageOf(facts, page, FACTS_PER_PAGE);
  const when = current && periods.length > 1 ? ` · ${periodLabel(current)}` : '';
  const head = `${CATEGORIES[category].emoji} <b>${escapeHtml(c.shortName)} · ${CATEGORIES[category].label}</b>${when}(${facts.length} 条${p.pages > 1 ? `,第 ${p.page + 1}/${p.pages} 页` : ''})`;
  const body = p.items.map((f, i) => factBlock(f, kb, p.page * FACTS_PER_PAGE + i + 1));
  const nav = pager(p.page, p.pages, (n) => (period ? { kind: 'periodFacts', carrierId, category, page: n, period } : { kind: 'facts', carrierId, category, page: n }));
  const buttons: Button[][] = [...(nav.length ? [nav] : []), [back]];
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
