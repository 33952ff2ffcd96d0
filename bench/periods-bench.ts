import { renderChart } from '../bot/chart.ts';
import { compareCommand } from '../handlers/compare.ts';
import { trendCommand, trendReply } from '../handlers/trend.ts';
import type { ChartSpec } from '../handlers/reply.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { periodIndex } from '../knowledge/periods/series.ts';
import { summarize, timed, timedAsync, type Latency } from './stats.ts';
import { optionsForFacts, syntheticKnowledge } from './synthetic-kb.ts';

export interface PeriodsBenchResult {
  facts: number;
  bulletins: number;
  /** Building measures and series for the whole base, once per load. */
  indexBuildMs: number;
  series: number;
  compare: Latency;
  trend: Latency;
  /**
   * The same calls in CPU time of this process: on a shared machine (other
   * processes on the cores) wall-clock p99 measures the scheduler as much as
   * the code; CPU time shows what the code costs.
   */
  compareCpu: Latency;
  trendCpu: Latency;
  /** SVG + PNG of one chart, including resvg reading the font. */
  chart: Latency;
  targets: Array<{ what: string; limit: string; value: string; ok: boolean }>;
}

const ROUNDS = 5;
const CHARTS = 12;

/**
 * /compare and /trend at national scale (31 provinces × ten years of
 * half-year bulletins): handler time excluding chart rendering, then the
 * chart alone. The first call builds the period index; that is timed apart
 * because the bot builds it once per knowledge load.
 */
export async function periodsBench(facts: number, log: (line: string) => void): Promise<PeriodsBenchResult> {
  const { data } = syntheticKnowledge(optionsForFacts(facts));
  const kb = new KnowledgeBase(data);
  const build = timed(() => periodIndex(kb));
  const index = build.value;
  log(`periods: index of ${data.facts.length} facts built in ${build.ms.toFixed(0)} ms`);

  const provinces = kb.regions.provinces.map((p) => p.short);
  const compareQueries = [
    ...provinces,
    ...provinces.map((p) => `${p}移动 ${p}联通`),
    ...provinces.map((p) => `${p}电信 ${p}移动 ${p}广电`),
  ];
  // Each carrier's and each province's longest series, asked for by its own name.
  const trendQueries: string[] = [];
  let series = 0;
  const owners = [...kb.carriers.map((c) => ({ owner: c.id, label: c.shortName })), ...kb.regions.provinces.map((p) => ({ owner: p.code, label: p.short }))];
  for (const { owner, label } of owners) {
    const names = index.names(owner);
    series += names.length;
    const longest = [...names].sort((a, b) => index.points(owner, b).length - index.points(owner, a).length)[0];
    if (longest) trendQueries.push(`${label} ${longest}`);
  }

  const compareMs: number[] = [];
  const trendMs: number[] = [];
  const compareCpu: number[] = [];
  const trendCpu: number[] = [];
  const measure = (fn: () => unknown, wall: number[], cpu: number[]): void => {
    const before = process.cpuUsage();
    wall.push(timed(fn).ms);
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  };
  // One untimed pass first: the samples are a running bot's steady state, not V8 compiling the handlers.
  for (const q of compareQueries) compareCommand(q, kb);
  for (const q of trendQueries) trendCommand(q, kb);
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of compareQueries) measure(() => compareCommand(q, kb), compareMs, compareCpu);
    for (const q of trendQueries) measure(() => trendCommand(q, kb), trendMs, trendCpu);
  }

  const specs: ChartSpec[] = [];
  for (const { owner } of owners) {
    const names = index.names(owner).filter((n) => index.points(owner, n).length >= 4);
    const chart = names[0] ? trendReply(owner, names[0], kb).messages.find((m) => m.chart)?.chart : undefined;
    if (chart) specs.push(chart);
    if (specs.length >= CHARTS) break;
  }
  const chartMs: number[] = [];
  if (specs[0]) await renderChart(specs[0]); // warm-up: echarts' first init loads its modules
  for (const spec of specs) chartMs.push((await timedAsync(() => renderChart(spec))).ms);

  const compare = summarize(compareMs);
  const trend = summarize(trendMs);
  const chart = summarize(chartMs);
  const targets = [
    { what: '/compare p99', limit: '≤ 5 ms', value: `${compare.p99.toFixed(2)} ms`, ok: compare.p99 <= 5 },
    { what: '/trend p99 (without the chart)', limit: '≤ 5 ms', value: `${trend.p99.toFixed(2)} ms`, ok: trend.p99 <= 5 },
    { what: 'chart (SVG + PNG) p50', limit: '≤ 300 ms', value: `${chart.p50.toFixed(0)} ms`, ok: chart.p50 <= 300 },
  ];
  return {
    facts: data.facts.length,
    bulletins: data.bulletins.length,
    indexBuildMs: build.ms,
    series,
    compare,
    trend,
    compareCpu: summarize(compareCpu),
    trendCpu: summarize(trendCpu),
    chart,
    targets,
  };
}

export function formatPeriodsBench(r: PeriodsBenchResult): string {
  const row = (name: string, l: Latency): string => `  ${name.padEnd(22)} p50 ${l.p50.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  max ${l.max.toFixed(2)} ms  (${l.samples} runs)`;
  return [
    `Periods (/compare, /trend) on ${r.facts} facts, ${r.bulletins} bulletins`,
    `  period index built in ${r.indexBuildMs.toFixed(0)} ms (${r.series} series), once per knowledge load`,
    row('/compare', r.compare),
    row('/trend (no chart)', r.trend),
    row('/compare, CPU time', r.compareCpu),
    row('/trend, CPU time', r.trendCpu),
    row('chart SVG → PNG', r.chart),
    ...r.targets.map((t) => `  ${t.ok ? '✓' : '✗'} ${t.what} ${t.limit}: ${t.value}`),
  ].join('\n');
}
