import { periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { Bulletin, Carrier, Fact, Figure } from '../knowledge/schema.ts';
import { encode, type Action } from './callback-data.ts';
import { escapeHtml, type Button } from './reply.ts';

const FACT_TEXT_MAX = 260;
const FIGURES_SHOWN = 4;

export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

export function figureText(f: Figure): string {
  return f.raw.replace(/\s+/g, '');
}

/** "《2023年下半年吉林省电信服务质量通告》· 2023年下半年 · 第64段" */
export function sourceText(fact: Fact, kb: KnowledgeBase): string {
  const b = kb.bulletin(fact.bulletinId);
  const paragraphs = fact.source.paragraphs.map((n) => `第${n}段`).join('、');
  if (!b) return `${fact.bulletinId} · ${paragraphs}`;
  const title = b.title.includes(String(b.period.year)) ? b.title : `${b.title}(${periodLabel(b.period)})`;
  return `《${title}》· ${paragraphs}`;
}

/** Who a fact is about: a carrier's short name, or "吉林全省" / "北京全市" / "内蒙古全区" for area-level facts. */
export function ownerName(fact: Fact, kb: KnowledgeBase): string {
  if (fact.carrierId) return kb.carrier(fact.carrierId)?.shortName ?? fact.carrierId;
  return kb.regions.wholeLabel(fact.region);
}

/**
 * A long fact cut to `max` characters, keeping the part that matches the
 * query in view: "…拦截垃圾短彩信1.84亿条。" rather than the sentence's opening.
 */
export function snippet(text: string, max: number, focus?: string): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const at = focus ? [...text.slice(0, Math.max(0, text.indexOf(focus)))].length : -1;
  if (at < 0 || at + [...(focus ?? '')].length <= max - 1) return clip(text, max);
  const start = Math.min(at - Math.floor(max / 3), chars.length - (max - 1));
  const body = chars.slice(start, start + max - 2).join('');
  return `…${body}${start + max - 2 < chars.length ? '…' : ''}`;
}

export function factBlock(fact: Fact, kb: KnowledgeBase, n: number, focus?: string): string {
  const lines = [`${n}. ${escapeHtml(snippet(fact.text, FACT_TEXT_MAX, focus))}`];
  // Figures the query asked about first: "/search 和解率" should show 54.84%, not the first four counts.
  const relevant = (f: Figure): boolean => Boolean(focus && `${f.label ?? ''}${f.raw}`.includes(focus));
  const ordered = focus ? [...fact.figures.filter(relevant), ...fact.figures.filter((f) => !relevant(f))] : fact.figures;
  const figures = ordered.slice(0, FIGURES_SHOWN).map(figureText);
  if (figures.length) lines.push(`   📊 ${escapeHtml(figures.join(' · '))}`);
  lines.push(`   📎 <i>${escapeHtml(sourceText(fact, kb))}</i>${originalLink(kb.bulletin(fact.bulletinId))}`);
  return lines.join('\n');
}

/** " · 原文" linking to where the bulletin was published, when it came from the web; empty otherwise. */
export function originalLink(b: Pick<Bulletin, 'url'> | undefined): string {
  return b?.url ? ` · <a href="${escapeHtml(b.url).replace(/"/g, '&quot;')}">原文</a>` : '';
}

export function carrierLabel(c: Carrier): string {
  return c.hotline ? `${c.shortName}(${c.hotline})` : c.shortName;
}

export function bulletinLine(b: Bulletin, kb: KnowledgeBase): string {
  return `${escapeHtml(b.issuer)} · ${periodLabel(b.period)} · ${escapeHtml(kb.regions.label(b.region))}`;
}

export function button(text: string, action: Action): Button {
  return { text, data: encode(action) };
}

/** Rows of at most `perRow` buttons. */
export function rows(buttons: Button[], perRow: number): Button[][] {
  const out: Button[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) out.push(buttons.slice(i, i + perRow));
  return out;
}

/** ◀ / ▶ buttons around "page/pages"; empty when everything fits on one page. */
export function pager(page: number, pages: number, to: (page: number) => Action): Button[] {
  if (pages <= 1) return [];
  const row: Button[] = [];
  if (page > 0) row.push(button('◀ 上一页', to(page - 1)));
  row.push(button(`${page + 1}/${pages}`, to(page)));
  if (page < pages - 1) row.push(button('下一页 ▶', to(page + 1)));
  return row;
}

export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(p * size, p * size + size), page: p, pages };
}
