import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { CONTENDER_LABELS, CONTENDERS, type ContenderId } from './contenders.ts';
import type { ColdStartSummary } from './cold-start.ts';
import type { IngestBenchResult } from './ingest-bench.ts';
import type { ContenderRun, KindResult } from './search-bench.ts';
import type { ClassScore } from './search-worker.ts';

export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  date: string;
  /** The 1-minute load average when the run started and ended: on a shared machine, other work inflates every time here. */
  load: { start: number; end?: number };
}

export function machine(): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    date: new Date().toISOString(),
    load: { start: loadavg()[0] ?? 0 },
  };
}

export interface KnowledgeSize {
  facts: number;
  bulletins: number;
  carriers: number;
  fileMb: number;
}

export interface SearchSection {
  knowledge: KnowledgeSize;
  queries: { carrier: number; topic: number };
  contenders: Partial<Record<ContenderId, ContenderRun>>;
  bot?: ColdStartSummary;
}

export interface Target {
  what: string;
  target: string;
  actual: string;
  met: boolean;
}

export interface BenchReport {
  machine: Machine;
  search?: SearchSection & { ratios: Ratio[]; targets: Target[] };
  ingest?: IngestBenchResult & { targets: Target[] };
  broadcast?: unknown;
}

/** How many times faster the project is than another contender (their latency ÷ ours). */
export interface Ratio {
  versus: ContenderId;
  carrierP50: number;
  carrierP99: number;
  topicP50: number;
  topicP99: number;
}

export function ratios(contenders: SearchSection['contenders']): Ratio[] {
  const ours = contenders.project;
  if (!ours) return [];
  return CONTENDERS.filter((c) => c !== 'project' && contenders[c]).map((c) => {
    const other = contenders[c]!;
    return {
      versus: c,
      carrierP50: other.carrier.latency.p50 / ours.carrier.latency.p50,
      carrierP99: other.carrier.latency.p99 / ours.carrier.latency.p99,
      topicP50: other.topic.latency.p50 / ours.topic.latency.p50,
      topicP99: other.topic.latency.p99 / ours.topic.latency.p99,
    };
  });
}

function share(s: ClassScore | undefined): number {
  return s && s.total ? s.correct / s.total : 0;
}

export function overall(kind: KindResult): number {
  const all = Object.values(kind.accuracy).reduce((a, s) => ({ correct: a.correct + s.correct, total: a.total + s.total }), { correct: 0, total: 0 });
  return share(all);
}

const ms = (v: number): string => (v < 0.1 ? `${(v * 1000).toFixed(1)} µs` : v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`);
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const times = (v: number): string => (v >= 100 ? `${v.toFixed(0)}×` : `${v.toFixed(1)}×`);

export function searchTargets(s: SearchSection, rebuildMs?: number): Target[] {
  const ours = s.contenders.project;
  if (!ours) return [];
  const others = CONTENDERS.filter((c) => c !== 'project' && s.contenders[c]).map((c) => [c, s.contenders[c]!] as const);
  const peers = others.filter(([c]) => c !== 'fuse');
  const baseline = s.contenders.fuse;
  const targets: Target[] = [
    { what: 'carrier resolution p99', target: '≤ 1 ms', actual: ms(ours.carrier.latency.p99), met: ours.carrier.latency.p99 <= 1 },
    { what: 'topic search p99', target: '≤ 5 ms', actual: ms(ours.topic.latency.p99), met: ours.topic.latency.p99 <= 5 },
  ];
  if (baseline) {
    const r = ratios(s.contenders).find((x) => x.versus === 'fuse')!;
    const least = Math.min(r.carrierP50, r.carrierP99, r.topicP50, r.topicP99);
    targets.push({ what: 'faster than the fuse.js baseline (p50 and p99, both kinds)', target: '≥ 100×', actual: times(least), met: least >= 100 });
  }
  for (const [c, run] of peers) {
    const ok = ours.carrier.latency.p99 < run.carrier.latency.p99 && ours.topic.latency.p99 < run.topic.latency.p99;
    const actual = `carrier ${ms(ours.carrier.latency.p99)} vs ${ms(run.carrier.latency.p99)}, topic ${ms(ours.topic.latency.p99)} vs ${ms(run.topic.latency.p99)}`;
    targets.push({ what: `faster than ${CONTENDER_LABELS[c]} at p99`, target: 'lower p99', actual, met: ok });
  }
  if (others.length) {
    const behind: string[] = [];
    for (const kind of ['carrier', 'topic'] as const) {
      for (const cls of Object.keys(ours[kind].accuracy)) {
        const mine = share(ours[kind].accuracy[cls]);
        for (const [c, run] of others) if (share(run[kind].accuracy[cls]) > mine) behind.push(`${cls} (${c})`);
      }
    }
    targets.push({ what: 'top-1 accuracy ≥ baseline and peers, every query class', target: 'no class behind', actual: behind.length ? `behind on ${behind.join(', ')}` : 'ahead or equal on all', met: !behind.length });
  }
  if (s.bot) {
    targets.push({ what: 'bot cold start (process start → ready)', target: '≤ 2 s', actual: ms(s.bot.readyMs), met: s.bot.readyMs <= 2000 });
    targets.push({ what: 'bot peak RSS', target: '≤ 300 MB', actual: `${s.bot.peakRssMb.toFixed(0)} MB`, met: s.bot.peakRssMb <= 300 });
  }
  if (rebuildMs !== undefined) targets.push({ what: 'index rebuild after one new bulletin', target: '≤ 200 ms', actual: ms(rebuildMs), met: rebuildMs <= 200 });
  return targets;
}

export function ingestTargets(r: IngestBenchResult): Target[] {
  return [
    { what: 'ingest the seed bulletin (warm)', target: '< 50 ms', actual: ms(r.seed.ingestMs), met: r.seed.ingestMs < 50 },
    { what: `${r.many.bulletins} generated bulletins`, target: '< 30 s', actual: `${(r.many.totalMs / 1000).toFixed(1)} s`, met: r.many.totalMs < 30_000 && r.many.failed === 0 },
    { what: `reload the bot's indexes after one new bulletin (${r.reload.factsBefore} facts)`, target: '< 200 ms', actual: ms(r.reload.indexRebuildMs), met: r.reload.indexRebuildMs < 200 && r.reload.foundNewFact },
  ];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]): string => cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Display width: Han characters take two columns in a terminal. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

export function formatReport(r: BenchReport): string {
  const load = `load ${r.machine.load.start.toFixed(1)}${r.machine.load.end === undefined ? '' : ` → ${r.machine.load.end.toFixed(1)}`}`;
  const out: string[] = [`carrier-watch benchmark · ${r.machine.cores} cores (${r.machine.cpu}) · ${r.machine.memoryGb} GB · Node ${r.machine.node} · ${load}`];
  if (r.search) {
    const s = r.search;
    const present = CONTENDERS.filter((c) => s.contenders[c]);
    const runs = present.map((c) => s.contenders[c]!);
    out.push(
      '',
      `Search · ${s.knowledge.facts} facts, ${s.knowledge.bulletins} bulletins, ${s.knowledge.carriers} carriers, knowledge.json ${s.knowledge.fileMb.toFixed(1)} MB · ${s.queries.carrier} carrier + ${s.queries.topic} topic queries`,
      table(
        ['', ...present.map((c) => CONTENDER_LABELS[c])],
        [
          ['index build', ...runs.map((x) => ms(x.buildMs))],
          ['carrier p50', ...runs.map((x) => ms(x.carrier.latency.p50))],
          ['carrier p99', ...runs.map((x) => ms(x.carrier.latency.p99))],
          ['topic p50', ...runs.map((x) => ms(x.topic.latency.p50))],
          ['topic p99', ...runs.map((x) => ms(x.topic.latency.p99))],
          ['carrier top-1', ...runs.map((x) => pct(overall(x.carrier)))],
          ['topic top-1', ...runs.map((x) => pct(overall(x.topic)))],
          ['cold start (process → index ready)', ...runs.map((x) => ms(x.coldStartMs))],
          ['peak RSS (load + index + queries)', ...runs.map((x) => `${x.peakRssMb.toFixed(0)} MB`)],
        ],
      ),
    );
    const classes = (kind: 'carrier' | 'topic'): string[][] =>
      Object.keys(runs[0]?.[kind].accuracy ?? {}).map((cls) => [
        cls,
        ...runs.map((x) => {
          const a = x[kind].accuracy[cls];
          return a ? `${a.correct}/${a.total}` : '-';
        }),
      ]);
    out.push('', 'Top-1 by query class', table(['class', ...present.map((c) => CONTENDER_LABELS[c])], [...classes('carrier'), ...classes('topic')]));
    if (s.bot) {
      out.push(
        '',
        `The bot itself (the bundle npm start runs, terminal mode, median of ${s.bot.runs.length}): ready ${ms(s.bot.readyMs)}, first /carrier answer ${ms(s.bot.firstAnswerMs)}, peak RSS ${s.bot.peakRssMb.toFixed(0)} MB`,
      );
    }
    if (s.ratios.length) {
      out.push(
        '',
        'How many times faster (b) is',
        table(
          ['versus', 'carrier p50', 'carrier p99', 'topic p50', 'topic p99'],
          s.ratios.map((x) => [CONTENDER_LABELS[x.versus], times(x.carrierP50), times(x.carrierP99), times(x.topicP50), times(x.topicP99)]),
        ),
      );
    }
    out.push('', 'Targets (issue 6)', targetTable(s.targets));
  }
  if (r.ingest) {
    const i = r.ingest;
    out.push(
      '',
      'Ingestion (issue 3)',
      `seed bulletin (${(i.seed.bytes / 1024).toFixed(0)} KB, ${i.seed.facts} facts), warm: parse ${ms(i.seed.parseMs)}, whole ingestion into a store ${ms(i.seed.ingestMs)}`,
      `${i.many.bulletins} generated bulletins (${(i.many.bytes / 1024 / 1024).toFixed(1)} MB, ${i.many.facts} facts, ${i.many.failed} failed): parse + merge ${(i.many.parseMs / 1000).toFixed(1)} s, one write ${ms(i.many.writeMs)}`,
      `  one CLI transaction per file at ${i.many.perFileTransactionFacts} facts: ${ms(i.many.perFileTransactionMs)} a file (the store is one JSON file, rewritten whole)`,
      `reload after one new bulletin at ${i.reload.factsBefore} facts: index rebuild ${ms(i.reload.indexRebuildMs)}; whole reload incl. reading knowledge.json ${ms(i.reload.fullReloadMs)} (read ${ms(i.reload.storeLoadMs)}); new fact found: ${i.reload.foundNewFact ? 'yes' : 'NO'}`,
      '',
      'Targets (issue 3)',
      targetTable(i.targets),
    );
  }
  if (r.broadcast !== undefined) out.push('', 'Broadcast', typeof r.broadcast === 'string' ? r.broadcast : JSON.stringify(r.broadcast, null, 2));
  return out.join('\n');
}

function targetTable(targets: readonly Target[]): string {
  return table(
    ['', 'target', 'actual', 'what'],
    targets.map((t) => [t.met ? '✓' : '✗', t.target, t.actual, t.what]),
  );
}
