import { CATEGORIES } from '../knowledge/categories.ts';
import type { DigestSection } from '../knowledge/digests/compose.ts';
import { deltaNumber, ownerLabel, shortPeriod } from '../knowledge/periods/series.ts';
import { periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { Fact } from '../knowledge/schema.ts';
import { KIND_LABEL } from './bulletins.ts';
import { button, clip, figureText, originalLink, rows } from './format.ts';
import { escapeHtml, splitHtml, type Button, type OutMessage } from './reply.ts';
import { pointValue } from './trend.ts';

const HIGHLIGHT_CHARS = 90;
const MAX_CARRIER_BUTTONS = 6;

function highlightLine(f: Fact): string {
  const figures = f.figures.slice(0, 2).map(figureText).join(' · ');
  const cite = `第${f.source.paragraphs.join('、')}段`;
  return `• ${CATEGORIES[f.category].emoji} ${escapeHtml(clip(f.text, HIGHLIGHT_CHARS))}${figures ? `【${escapeHtml(figures)}】` : ''} <i>${cite}</i>`;
}

/**
 * What changed against the previous period, first: the biggest computed moves
 * (same 口径 only), then measures and carriers that appeared or went missing.
 */
function changeLines(s: DigestSection, kb: KnowledgeBase): string[] {
  const { moves, appeared, disappeared, absent } = s.changes;
  const lines: string[] = [];
  if (moves.length) {
    lines.push('', '📈 <b>与上一期相比变化最大</b>');
    for (const { owner, step } of moves) {
      const prev = step.previous!;
      const d = step.change!.kind === 'computed' ? escapeHtml(deltaNumber(step.change!, prev.obs, step.point.obs)) : '';
      const stated = step.point.obs.stated ? `;通告称${escapeHtml(step.point.obs.stated.text)}` : '';
      lines.push(`• ${escapeHtml(ownerLabel(owner, kb))} · ${escapeHtml(step.point.obs.name)} ${pointValue(step.point, kb)}(${shortPeriod(prev.period)} ${pointValue(prev, kb)},${d}${stated})`);
    }
  }
  for (const a of appeared) lines.push(`🆕 ${escapeHtml(ownerLabel(a.owner, kb))} 首次报告:${escapeHtml(a.names.join('、'))}`);
  for (const d of disappeared) lines.push(`➖ ${escapeHtml(ownerLabel(d.owner, kb))} 本期未再报告(${shortPeriod(d.since)}有):${escapeHtml(d.names.join('、'))}`);
  for (const a of absent) lines.push(`⚠️ ${escapeHtml(a.carrier.shortName)} 未出现在本期通告中(上一期 ${shortPeriod(a.last)} 有)`);
  return lines;
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
    lines.push(...changeLines(s, kb));
    if (s.regional.length) {
      lines.push('', `<b>${escapeHtml(kb.regions.wholeLabel(b.region))}</b>`);
      for (const f of s.regional) lines.push(highlightLine(f));
    }
    for (const c of s.carriers) {
      lines.push('', `<b>${escapeHtml(c.carrier.shortName)}</b>(${c.total} 条)`);
      for (const f of c.highlights) lines.push(highlightLine(f));
    }
    lines.push('', `📎 <i>出处:《${escapeHtml(b.title)}》</i>${originalLink(b)}`);
    const buttons: Button[] = [
      button('📄 查看通告', { kind: 'bulletin', bulletinId: b.id }),
      ...s.carriers.slice(0, MAX_CARRIER_BUTTONS).map((c) => button(c.carrier.shortName, { kind: 'carrier', carrierId: c.carrier.id })),
    ];
    const parts = splitHtml(lines.join('\n'));
    parts.forEach((html, j) => messages.push(j === parts.length - 1 ? { html, buttons: rows(buttons, 3) } : { html }));
  });
  return messages;
}
