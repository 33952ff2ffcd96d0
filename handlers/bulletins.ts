import { categoryLabel } from '../knowledge/categories.ts';
import { periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { BulletinKind } from '../knowledge/schema.ts';
import { stale } from './carrier.ts';
import { bulletinLine, button, carrierLabel, clip, factBlock, pageOf, pager, rows } from './format.ts';
import { escapeHtml, reply, type Reply } from './reply.ts';

const PER_PAGE = 8;
const FACTS_PER_PAGE = 5;

export const KIND_LABEL: Record<BulletinKind, string> = {
  official: '官方通告',
  carrier_report: '企业报告',
  news: '新闻报道',
};

/** /bulletins: what the knowledge base was built from, newest first. */
export function bulletinList(kb: KnowledgeBase, page: number): Reply {
  if (!kb.bulletins.length) return reply('知识库目前是空的,还没有收录任何通告。');
  const p = pageOf(kb.bulletins, page, PER_PAGE);
  const lines = [`📚 <b>收录的通告与报道</b>(${kb.bulletins.length} 份)`];
  p.items.forEach((b, i) => {
    lines.push('', `${p.page * PER_PAGE + i + 1}. <b>${escapeHtml(clip(b.title, 60))}</b>`);
    lines.push(`   ${KIND_LABEL[b.kind]} · ${bulletinLine(b, kb)} · ${kb.factsIn(b.id).length} 条`);
  });
  const open = p.items.map((b, i) => button(`${p.page * PER_PAGE + i + 1}. ${clip(b.title, 14)}`, { kind: 'bulletin', bulletinId: b.id }));
  const nav = pager(p.page, p.pages, (n) => ({ kind: 'bulletins', page: n }));
  return { ...reply(lines.join('\n'), [...rows(open, 2), ...(nav.length ? [nav] : [])]), edit: page > 0 || undefined };
}

export function bulletinView(bulletinId: string, kb: KnowledgeBase): Reply {
  const b = kb.bulletin(bulletinId);
  if (!b) return stale();
  const facts = kb.factsIn(b.id);
  const lines = [
    `📄 <b>${escapeHtml(b.title)}</b>`,
    `${KIND_LABEL[b.kind]} · ${bulletinLine(b, kb)}`,
    `时期:${periodLabel(b.period)} · 共 ${facts.length} 条记录`,
    `来源文件:<code>${escapeHtml(b.sourceFile.split('/').pop() ?? b.sourceFile)}</code>`,
  ];
  const regional = facts.filter((f) => f.carrierId === null);
  const place = regionName(b, kb);
  if (regional.length) {
    lines.push('', `<b>${escapeHtml(place)}</b>`);
    const byCategory = new Map<string, number>();
    for (const f of regional) byCategory.set(categoryLabel(f.category), (byCategory.get(categoryLabel(f.category)) ?? 0) + 1);
    for (const [label, n] of byCategory) lines.push(`• ${label} ${n} 条`);
  }
  const carriers = b.carriers.map((c) => kb.carrier(c.id) ?? c);
  if (carriers.length) lines.push('', '涉及的运营商 👇');
  const buttons = carriers.map((c) => button(`${carrierLabel(c)} ${facts.filter((f) => f.carrierId === c.id).length}`, { kind: 'carrier', carrierId: c.id }));
  if (regional.length) buttons.unshift(button(`${place} ${regional.length}`, { kind: 'regionFacts', bulletinId: b.id, page: 0 }));
  return reply(lines.join('\n'), rows(buttons, 2));
}

function regionName(b: BulletinEntryLike, kb: KnowledgeBase): string {
  return `${kb.regions.wholeLabel(b.region)}情况`;
}

type BulletinEntryLike = NonNullable<ReturnType<KnowledgeBase['bulletin']>>;

/** Province-level (or national) facts of one bulletin: user totals, appeal figures. */
export function regionFactsPage(bulletinId: string, page: number, kb: KnowledgeBase): Reply {
  const b = kb.bulletin(bulletinId);
  if (!b) return stale();
  const facts = kb.factsIn(b.id).filter((f) => f.carrierId === null);
  const p = pageOf(facts, page, FACTS_PER_PAGE);
  const head = `🗺️ <b>${escapeHtml(regionName(b, kb))}</b>(${facts.length} 条${p.pages > 1 ? `,第 ${p.page + 1}/${p.pages} 页` : ''})`;
  const body = p.items.map((f, i) => factBlock(f, kb, p.page * FACTS_PER_PAGE + i + 1));
  const nav = pager(p.page, p.pages, (n) => ({ kind: 'regionFacts', bulletinId, page: n }));
  const back = [button('↩ 返回通告', { kind: 'bulletin', bulletinId })];
  return { ...reply([head, '', body.join('\n\n')].join('\n'), [...(nav.length ? [nav] : []), back]), edit: true };
}
