import { periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { isRegionOwner, lengthWord, periodMonths, type OwnerKey } from '../knowledge/periods/measures.ts';
import { readOwner } from '../knowledge/periods/owners.ts';
import {
  cityLabel,
  deltaNumber,
  displayValue,
  incomparableText,
  measureId,
  ownerLabel,
  periodIndex,
  shortPeriod,
  type Point,
  type Step,
} from '../knowledge/periods/series.ts';
import { MAX_QUERY_CHARS } from './carrier.ts';
import { button, clip } from './format.ts';
import { escapeHtml, reply, type Button, type ChartSpec, type Reply } from './reply.ts';

const MEASURES_LISTED = 12;

/** `《title》· 第64段`, the title linking to the bulletin when its URL is known. */
export function pointSource(p: Point): string {
  const b = p.bulletin;
  const title = `《${escapeHtml(clip(b.title, 40))}》`;
  const linked = b.url ? `<a href="${escapeHtml(b.url)}">${title}</a>` : title;
  return `${linked}· 第${p.obs.fact.source.paragraphs.join('、')}段`;
}

/** The value with its scope when it covers one city only: "3105件(仅长春)". */
export function pointValue(p: Point, kb: KnowledgeBase): string {
  const city = cityLabel(p.obs, kb);
  return `${escapeHtml(displayValue(p.obs))}${city ? `(仅${escapeHtml(city)})` : ''}`;
}

/**
 * The change against the previous period, in words: computed ("较2024上半年 +20"),
 * 口径不同 when it may not be computed, and the bulletin's own words ("通告称环比上涨7.6%")
 * kept apart from ours.
 */
export function changeText(s: Step, kb: KnowledgeBase): string {
  const parts: string[] = [];
  if (s.previous && s.change) {
    const prev = `${shortPeriod(s.previous.period)} ${pointValue(s.previous, kb)}`;
    parts.push(
      s.change.kind === 'computed'
        ? `较${prev} ${escapeHtml(deltaNumber(s.change, s.previous.obs, s.point.obs))}`
        : `较${prev}:${escapeHtml(incomparableText(s.change))}`,
    );
  }
  if (s.point.obs.stated) parts.push(`通告称${escapeHtml(s.point.obs.stated.text)}`);
  return parts.join(';');
}

export function trendButton(owner: OwnerKey, name: string): Button {
  return button('📈 趋势', { kind: 'trend', owner, measure: measureId(name) });
}

/** /trend 吉林电信 爱心翼站, /trend 吉林 申诉, /trend 全国 骚扰电话. */
export function trendCommand(args: string, kb: KnowledgeBase): Reply {
  const query = args.trim();
  if (!query) {
    return reply(
      '请写上运营商(或省份、全国)和指标,例如:\n<code>/trend 吉林电信 爱心翼站</code>\n<code>/trend 吉林 申诉</code>\n<code>/trend 全国 骚扰电话</code>',
    );
  }
  if ([...query].length > MAX_QUERY_CHARS) return reply(`内容太长了(${[...query].length} 个字)。请只写运营商和指标,例如 <code>/trend 吉林电信 爱心翼站</code>。`);
  const who = readOwner(query, kb);
  if (who.kind === 'none') return reply(`没有认出“${escapeHtml(clip(query, 30))}”里的运营商或地区。请这样写:<code>/trend 吉林电信 爱心翼站</code>。`);
  if (who.kind === 'uncovered') return reply(`知识库中还没有${escapeHtml(who.label)}的通告数据。发送 /bulletins 查看收录范围。`);
  const index = periodIndex(kb);
  if (!who.rest) return measureMenu(who.owner, who.label, kb);
  const name = index.match(who.owner, who.rest);
  if (!name) {
    const menu = measureMenu(who.owner, who.label, kb);
    const head = `${escapeHtml(who.label)}没有与“${escapeHtml(clip(who.rest, 20))}”对应的指标。`;
    return { messages: menu.messages.map((m, i) => (i === 0 ? { ...m, html: `${head}\n\n${m.html}` } : m)) };
  }
  return trendReply(who.owner, name, kb);
}

/** The trend of a measure pressed on a button. */
export function trendById(owner: OwnerKey, id: string, kb: KnowledgeBase): Reply | undefined {
  const name = periodIndex(kb).nameById(owner, id);
  return name ? trendReply(owner, name, kb) : undefined;
}

/** An owner's measures with more than one period first, as trend buttons. */
function measureMenu(owner: OwnerKey, label: string, kb: KnowledgeBase): Reply {
  const index = periodIndex(kb);
  const names = [...index.names(owner)].sort((a, b) => index.points(owner, b).length - index.points(owner, a).length);
  if (!names.length) return reply(`${escapeHtml(label)}暂无带数字的记录。`);
  const shown = names.slice(0, MEASURES_LISTED);
  const lines = [`📈 <b>${escapeHtml(label)}</b> 的指标(${names.length} 项),点选查看趋势 👇`];
  const buttons = shown.map((n) => [button(`${clip(n, 16)}(${index.points(owner, n).length} 期)`, { kind: 'trend', owner, measure: measureId(n) })]);
  return reply(lines.join('\n'), buttons);
}

/**
 * The series as a chart (a photo whose caption sums it up) and as text, a
 * source under every point. Points whose 口径 differs (unit, one city, period
 * length) go on separate chart lines, so no line joins what may not be joined.
 */
export function trendReply(owner: OwnerKey, name: string, kb: KnowledgeBase): Reply {
  const index = periodIndex(kb);
  const steps = index.steps(owner, name);
  const label = ownerLabel(owner, kb);
  const title = `${label} · ${name}`;
  const lines = [`📈 <b>${escapeHtml(title)}</b>(${steps.length} 期)`];
  for (const s of steps) {
    const change = changeText(s, kb);
    lines.push('', `<b>${periodLabel(s.point.period)}</b>:${pointValue(s.point, kb)}${change ? `(${change})` : ''}`);
    lines.push(`   📎 ${pointSource(s.point)}`);
  }
  lines.push('', 'ℹ️ 变化只在单位、范围、周期都相同时计算,否则注明“口径不同”;“通告称”为通告原文所述。');
  const buttons: Button[][] = [];
  if (!isRegionOwner(owner) && kb.carrier(owner)) buttons.push([button(`📡 ${kb.carrier(owner)!.shortName}`, { kind: 'carrier', carrierId: owner })]);
  const text = { html: lines.join('\n'), ...(buttons.length ? { buttons } : {}) };
  if (steps.length < 2) return { messages: [text] };
  const caption = [`📈 <b>${escapeHtml(title)}</b>`, steps.map((s) => `${shortPeriod(s.point.period)} ${pointValue(s.point, kb)}`).join(' → ')].join('\n');
  return { messages: [text, { html: caption, chart: chartOf(title, steps, kb) }] };
}

/** Chart data: periods along the bottom, one line per 口径, values in the unit of the latest point. */
function chartOf(title: string, steps: readonly Step[], kb: KnowledgeBase): ChartSpec {
  const latest = steps.at(-1)!.point.obs;
  const categories = steps.map((s) => shortPeriod(s.point.period));
  const groups = new Map<string, Array<number | null>>();
  steps.forEach((s, i) => {
    const o = s.point.obs;
    const city = cityLabel(o, kb);
    const key = [lengthWord(periodMonths(s.point.period)), city ? `仅${city}` : '', o.unit.base === latest.unit.base ? '' : o.unitText]
      .filter(Boolean)
      .join(' · ');
    const values = groups.get(key) ?? steps.map(() => null);
    // The latest unit's scale where the base matches (万人次 → 万); a different base stays as written.
    const scale = o.unit.base === latest.unit.base ? latest.unit.scale : o.unit.scale;
    values[i] = Number((o.value / scale).toFixed(4));
    groups.set(key, values);
  });
  const sources = [...new Set(steps.map((s) => s.point.bulletin.issuer))].join('、');
  return {
    title,
    subtitle: `单位:${latest.unitText}${sources ? ` · 来源:${sources}` : ''}`,
    unit: latest.unitText,
    categories,
    series: [...groups].map(([n, values]) => ({ name: groups.size === 1 ? title : n, values })),
  };
}

/** One line for inline mode and plain-word answers: "2024上半年 500家 → 2024下半年 520家". */
export function trendLine(owner: OwnerKey, name: string, kb: KnowledgeBase): string {
  return periodIndex(kb)
    .points(owner, name)
    .map((p) => `${shortPeriod(p.period)} ${displayValue(p.obs)}`)
    .join(' → ');
}
