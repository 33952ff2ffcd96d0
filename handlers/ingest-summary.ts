import { CATEGORY_IDS, categoryLabel } from '../knowledge/categories.ts';
import { periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { IngestResult } from '../knowledge/ingest/ingest.ts';
import type { RegionIndex } from '../knowledge/regions.ts';
import type { CategoryId } from '../knowledge/schema.ts';
import { KIND_LABEL } from './bulletins.ts';
import { clip } from './format.ts';
import { escapeHtml } from './reply.ts';

const MAX_UNPLACED_SHOWN = 8;
const MAX_CHANGES_SHOWN = 5;

/**
 * What ingestion did with one file, for the admin who supplied it: what the
 * bulletin was read as, who it speaks of, how many facts per carrier and
 * category, what was cleaned up, and what could not be placed.
 */
export function ingestSummary(r: IngestResult & { encoding?: string }, regions: RegionIndex): string {
  const { parsed, outcome } = r;
  const b = outcome.bulletin;
  const lines = [`📥 <b>${escapeHtml(b.title)}</b>`];
  lines.push(`文件:${escapeHtml(r.sourceFile)}${r.encoding ? `(${r.encoding})` : ''}`);
  lines.push(`识别为:${KIND_LABEL[b.kind]} · ${escapeHtml(b.issuer)} · ${escapeHtml(regions.label(b.region))} · ${periodLabel(b.period)}`);
  switch (outcome.status) {
    case 'unchanged':
      lines.push(`结果:内容与已收录的版本相同,知识库未改动(编号 <code>${b.id}</code>)。`);
      return lines.join('\n');
    case 'added':
      lines.push(`结果:✅ 已新增(编号 <code>${b.id}</code>)。`);
      break;
    case 'replaced': {
      const c = outcome.changes ?? { added: [], removed: [] };
      lines.push(`结果:♻️ 已替换旧版本(编号 <code>${b.id}</code>):新增 ${c.added.length} 条、删除 ${c.removed.length} 条记录。`);
      for (const t of c.added.slice(0, MAX_CHANGES_SHOWN)) lines.push(`  + ${escapeHtml(clip(t, 50))}`);
      for (const t of c.removed.slice(0, MAX_CHANGES_SHOWN)) lines.push(`  − ${escapeHtml(clip(t, 50))}`);
      break;
    }
  }
  const fresh = new Set(outcome.newCarriers);
  lines.push('', `<b>运营商</b>(${parsed.carriers.length}):${parsed.carriers.map((c) => `${escapeHtml(c.shortName)}${fresh.has(c.id) ? ' 🆕' : ''}`).join('、') || '无'}`);

  lines.push('', `<b>记录</b>(共 ${parsed.facts.length} 条)`);
  const owners = new Map<string, Map<CategoryId, number>>();
  for (const f of parsed.facts) {
    const owner = f.carrierId ? (parsed.carriers.find((c) => c.id === f.carrierId)?.shortName ?? f.carrierId) : regions.wholeLabel(b.region);
    const counts = owners.get(owner) ?? new Map<CategoryId, number>();
    counts.set(f.category, (counts.get(f.category) ?? 0) + 1);
    owners.set(owner, counts);
  }
  for (const [owner, counts] of owners) {
    const parts = CATEGORY_IDS.filter((c) => counts.has(c)).map((c) => `${categoryLabel(c)} ${counts.get(c)}`);
    lines.push(`• ${escapeHtml(owner)}:${parts.join(',')}`);
  }

  const rep = parsed.report;
  lines.push('', `整理:共 ${rep.paragraphs} 段,去掉重复段落 ${rep.duplicatesDropped} 段,接回跨页断句 ${rep.joins.length} 处。`);
  if (rep.unplaced.length) {
    lines.push(`⚠️ 无法确定归属的段落 ${rep.unplaced.length} 段(已按默认归入${b.kind === 'official' ? regions.scopeWord(b.region) : '报道对象'},请核对):`);
    for (const u of rep.unplaced.slice(0, MAX_UNPLACED_SHOWN)) lines.push(`  第${u.paragraph}段「${escapeHtml(clip(u.excerpt, 30))}」`);
    if (rep.unplaced.length > MAX_UNPLACED_SHOWN) lines.push(`  …另有 ${rep.unplaced.length - MAX_UNPLACED_SHOWN} 段`);
  } else {
    lines.push('所有段落都已归属。');
  }
  return lines.join('\n');
}
