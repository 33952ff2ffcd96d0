import { CATEGORIES } from '../knowledge/categories.ts';
import type { DigestSection } from '../knowledge/digests/compose.ts';
import { periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { Fact } from '../knowledge/schema.ts';
import { KIND_LABEL } from './bulletins.ts';
import { button, clip, figureText, rows } from './format.ts';
import { escapeHtml, splitHtml, type Button, type OutMessage } from './reply.ts';

const HIGHLIGHT_CHARS = 90;
const MAX_CARRIER_BUTTONS = 6;

function highlightLine(f: Fact): string {
  const figures = f.figures.slice(0, 2).map(figureText).join(' · ');
  const cite = `第${f.source.paragraphs.join('、')}段`;
  return `• ${CATEGORIES[f.category].emoji} ${escapeHtml(clip(f.text, HIGHLIGHT_CHARS))}${figures ? `【${escapeHtml(figures)}】` : ''} <i>${cite}</i>`;
}

/**
 * A digest as Telegram messages: one per bulletin (split further if long),
 * each with the bulletin's title, issuer and period, each carrier's most
 * notable figures by category with their paragraphs, and buttons to open
 * the bulletin or a carrier's card.
 */
export function renderDigest(sections: readonly DigestSection[], kb: KnowledgeBase, filterText: string): OutMessage[] {
  const messages: OutMessage[] = [];
  sections.forEach((s, i) => {
    const b = s.bulletin;
    const lines: string[] = [];
    if (i === 0) lines.push(`📬 <b>新通告摘要</b>(${sections.length} 份 · ${escapeHtml(filterText)})`, '');
    lines.push(`🆕 <b>${escapeHtml(b.title)}</b>`, `${KIND_LABEL[b.kind]} · ${escapeHtml(b.issuer)} · ${periodLabel(b.period)} · ${escapeHtml(kb.regions.label(b.region))}`);
    if (s.regional.length) {
      lines.push('', `<b>${escapeHtml(b.region.province === 'CN' ? '全国' : `${kb.regions.label(b.region)}全省`)}</b>`);
      for (const f of s.regional) lines.push(highlightLine(f));
    }
    for (const c of s.carriers) {
      lines.push('', `<b>${escapeHtml(c.carrier.shortName)}</b>(${c.total} 条)`);
      for (const f of c.highlights) lines.push(highlightLine(f));
    }
    lines.push('', `📎 <i>出处:《${escapeHtml(b.title)}》</i>`);
    const buttons: Button[] = [
      button('📄 查看通告', { kind: 'bulletin', bulletinId: b.id }),
      ...s.carriers.slice(0, MAX_CARRIER_BUTTONS).map((c) => button(c.carrier.shortName, { kind: 'carrier', carrierId: c.carrier.id })),
    ];
    const parts = splitHtml(lines.join('\n'));
    parts.forEach((html, j) => messages.push(j === parts.length - 1 ? { html, buttons: rows(buttons, 3) } : { html }));
  });
  return messages;
}
