import { periodCode, periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { comparePeriods } from '../knowledge/periods/measures.ts';
import { carriersOfProvince } from '../knowledge/periods/owners.ts';
import { periodIndex, shortPeriod, type Step } from '../knowledge/periods/series.ts';
import type { Carrier, Period } from '../knowledge/schema.ts';
import { MAX_QUERY_CHARS } from './carrier.ts';
import { clip } from './format.ts';
import { escapeHtml, reply, type Reply } from './reply.ts';
import { pointValue } from './trend.ts';

const MAX_CARRIERS = 6;
const MAX_SHARED = 20;
const MAX_OWN = 6;

const USAGE =
  '请写上要比较的运营商,或一个省份:\n<code>/compare 吉林移动 吉林联通</code>\n<code>/compare 吉林移动 吉林联通 申告率</code>\n<code>/compare 吉林</code>(该省全部运营商)';

/**
 * /compare 吉林移动 吉林联通 [话题], /compare 吉林 [话题]: one period, the
 * measures carriers share side by side, one line per measure, and what only
 * one carrier reports listed apart (never shown as a zero for the others).
 */
export function compareCommand(args: string, kb: KnowledgeBase): Reply {
  const query = args.trim();
  if (!query) return reply(USAGE);
  if ([...query].length > MAX_QUERY_CHARS) return reply(`内容太长了(${[...query].length} 个字)。${USAGE}`);
  const carriers: Carrier[] = [];
  const topic: string[] = [];
  let province: string | undefined;
  for (const word of query.split(/\s+/)) {
    const region = kb.regions.lookup(word).find((x) => !x.city);
    if (region && !carriers.length && !province) {
      province = kb.regions.label(region);
      carriers.push(...carriersOfProvince(region, kb));
      continue;
    }
    const r = kb.resolver.resolve(word);
    if (r.kind === 'found') {
      if (!carriers.some((c) => c.id === r.carrier.id)) carriers.push(r.carrier);
    } else topic.push(word);
  }
  if (province && !carriers.length) return reply(`知识库中还没有${escapeHtml(province)}运营商的记录。发送 /bulletins 查看收录范围。`);
  if (carriers.length < 2) {
    const named = carriers.length ? `只认出了${escapeHtml(carriers[0]!.shortName)}。` : `没有认出要比较的运营商。`;
    return reply(`${named}${USAGE}`);
  }
  return comparison(carriers.slice(0, MAX_CARRIERS), topic.join(''), kb, province);
}

/** The newest period that at least two of the carriers report figures for (or the newest at all). */
/**
 * The newest period in which two or more of the carriers report a same measure
 * (within the topic, if one is given); failing that, the newest with any figure.
 */
function commonPeriod(carriers: readonly Carrier[], kb: KnowledgeBase, wanted: (c: Carrier, name: string) => boolean): Period | undefined {
  const index = periodIndex(kb);
  const periods = new Map<string, Period>();
  for (const c of carriers) for (const p of index.periods(c.id)) periods.set(periodCode(p), p);
  const newestFirst = [...periods.values()].sort((a, b) => comparePeriods(b, a));
  let fallback: Period | undefined;
  // Newest first, stopping at the first period with a shared measure: most queries look at one or two periods.
  for (const p of newestFirst) {
    const seen = new Set<string>();
    for (const c of carriers) {
      for (const s of index.snapshot(c.id, p)) {
        const n = s.point.obs.name;
        if (!wanted(c, n)) continue;
        fallback ??= p;
        if (seen.has(n)) return p;
        seen.add(n);
      }
    }
  }
  return fallback;
}

function comparison(carriers: readonly Carrier[], topic: string, kb: KnowledgeBase, province?: string): Reply {
  const index = periodIndex(kb);
  const topicNames = (c: Carrier): Set<string> | undefined => {
    if (!topic) return undefined;
    const names = index.names(c.id).filter((n) => n.includes(topic) || topic.includes(n));
    const fuzzy = index.match(c.id, topic);
    return new Set(fuzzy ? [...names, fuzzy] : names);
  };
  const topics = new Map(carriers.map((c) => [c.id, topicNames(c)]));
  const period = commonPeriod(carriers, kb, (c, n) => topics.get(c.id)?.has(n) ?? true);
  const heading = province ? `${province}各运营商` : carriers.map((c) => c.shortName).join(' / ');
  if (!period) return reply(`${escapeHtml(heading)}暂无${topic ? '相关的' : '带数字的'}记录可比较。`);
  const byCarrier = new Map<string, Step[]>();
  for (const c of carriers) {
    const wanted = topics.get(c.id);
    byCarrier.set(
      c.id,
      index.snapshot(c.id, period).filter((s) => !wanted || wanted.has(s.point.obs.name)),
    );
  }
  const reporting = carriers.filter((c) => byCarrier.get(c.id)!.length);
  const silent = carriers.filter((c) => !byCarrier.get(c.id)!.length);
  // Measures in first-reported order; shared ones are those two or more carriers report.
  const order: string[] = [];
  const holders = new Map<string, Carrier[]>();
  for (const c of reporting) {
    for (const s of byCarrier.get(c.id)!) {
      const n = s.point.obs.name;
      if (!holders.has(n)) order.push(n);
      holders.set(n, [...(holders.get(n) ?? []), c]);
    }
  }
  const shared = order.filter((n) => holders.get(n)!.length >= 2);
  const lines = [`⚖️ <b>${escapeHtml(heading)}</b> · ${periodLabel(period)}${topic ? ` · “${escapeHtml(clip(topic, 12))}”` : ''}`];
  const value = (c: Carrier, name: string): string => {
    const s = byCarrier.get(c.id)!.find((x) => x.point.obs.name === name)!;
    return pointValue(s.point, kb);
  };
  if (shared.length) {
    lines.push('', '<b>共同指标</b>');
    for (const n of shared.slice(0, MAX_SHARED)) {
      lines.push(`• <b>${escapeHtml(n)}</b>`);
      lines.push(`  ${holders.get(n)!.map((c) => `${escapeHtml(c.shortName)} ${value(c, n)}`).join(' · ')}`);
    }
    if (shared.length > MAX_SHARED) lines.push(`…另有 ${shared.length - MAX_SHARED} 项`);
  } else {
    lines.push('', topic ? '这些运营商在本期没有共同报告的相关指标。' : '本期没有两家以上共同报告的指标。');
  }
  const own = reporting
    .map((c) => ({ c, names: byCarrier.get(c.id)!.map((s) => s.point.obs.name).filter((n) => holders.get(n)!.length === 1) }))
    .filter((x) => x.names.length);
  if (own.length) {
    lines.push('', '<b>仅一家报告</b>(其他运营商未报告,不作比较)');
    for (const { c, names } of own) {
      const shown = names.slice(0, MAX_OWN).map((n) => `${escapeHtml(n)} ${value(c, n)}`);
      lines.push(`${escapeHtml(c.shortName)}:${shown.join(' · ')}${names.length > MAX_OWN ? ` …等 ${names.length} 项` : ''}`);
    }
  }
  if (silent.length) {
    const notes = silent.map((c) => {
      const last = index.periods(c.id).find((p) => index.snapshot(c.id, p).length);
      if (topic && last && periodCode(last) === periodCode(period)) return escapeHtml(c.shortName);
      return `${escapeHtml(c.shortName)}(${last ? `最近一期数据:${shortPeriod(last)}` : '暂无数据'})`;
    });
    lines.push('', `${topic ? '本期无相关数据' : '本期无数据'}:${notes.join('、')}`);
  }
  const bulletins = new Map<string, { title: string; paragraphs: Set<number> }>();
  for (const steps of byCarrier.values()) {
    for (const s of steps) {
      const b = s.point.bulletin;
      const e = bulletins.get(b.id) ?? { title: b.title, paragraphs: new Set<number>() };
      for (const n of s.point.obs.fact.source.paragraphs) e.paragraphs.add(n);
      bulletins.set(b.id, e);
    }
  }
  for (const e of bulletins.values()) {
    const ps = [...e.paragraphs].sort((a, b) => a - b);
    lines.push(`📎 <i>《${escapeHtml(clip(e.title, 40))}》· 第${ps.slice(0, 8).join('、')}${ps.length > 8 ? '…' : ''}段</i>`);
  }
  return reply(lines.join('\n'));
}
