import { LowdbKnowledgeStore } from '../knowledge/store.ts';
import { readNeedleIds } from './bench-data.ts';
import { buildContender, CONTENDERS, type Contender, type ContenderId } from './contenders.ts';
import { carrierCorrect, loadQuerySet, topicCorrect, type CarrierQuery, type TopicQuery } from './query-set.ts';
import { summarize, timed, type Latency } from './stats.ts';

/**
 * One contender in a process of its own, so its memory peak and its start
 * are its own. Started by search-bench.ts; reports over IPC.
 */

export interface ClassScore {
  correct: number;
  total: number;
}

export interface QueryKindResult {
  latency: Latency;
  accuracy: Record<string, ClassScore>;
  misses: Array<{ q: string; class: string; got: string }>;
}

export interface WorkerResult {
  contender: ContenderId;
  loadMs: number;
  buildMs: number;
  carrier: QueryKindResult;
  topic: QueryKindResult;
  peakRssMb: number;
}

export type WorkerMessage = { type: 'ready' } | { type: 'result'; result: WorkerResult } | { type: 'error'; message: string };

/** Time spent measuring each kind of query, after a first pass that warms up and scores. */
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 3000);
const MAX_ROUNDS = 40;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function measure<Q extends { q: string; class: string }>(queries: readonly Q[], run: (q: Q) => { correct: boolean; got: string }): QueryKindResult {
  const accuracy: Record<string, ClassScore> = {};
  const misses: QueryKindResult['misses'] = [];
  const firstPass: number[] = [];
  for (const q of queries) {
    const { value, ms } = timed(() => run(q));
    firstPass.push(ms);
    const score = (accuracy[q.class] ??= { correct: 0, total: 0 });
    score.total++;
    if (value.correct) score.correct++;
    else misses.push({ q: q.q, class: q.class, got: value.got });
  }
  const passMs = firstPass.reduce((a, b) => a + b, 0);
  // A slow contender (the baseline takes most of a second a query) is timed on its one pass.
  if (passMs > BUDGET_MS) return { latency: summarize(firstPass), accuracy, misses };
  const rounds = Math.max(1, Math.min(MAX_ROUNDS, Math.floor(BUDGET_MS / Math.max(passMs, 1e-3))));
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const start = performance.now();
      run(q);
      samples.push(performance.now() - start);
    }
  }
  return { latency: summarize(samples), accuracy, misses };
}

async function main(): Promise<void> {
  const [id, dir] = process.argv.slice(2);
  if (!CONTENDERS.includes(id as ContenderId) || !dir) throw new Error('usage: search-worker CONTENDER DATA_DIR');
  const contender = id as ContenderId;
  const queries = loadQuerySet();
  const needleIds = await readNeedleIds(dir);
  // Every contender reads the knowledge the way the bot does, so load time is the same for all and build time is its own.
  const loadStart = performance.now();
  const data = await new LowdbKnowledgeStore(dir).load();
  const loadMs = performance.now() - loadStart;
  const built = timed(() => buildContender(contender, data));
  const system: Contender = built.value;
  send({ type: 'ready' });

  const carrier = measure<CarrierQuery>(queries.carrier, (q) => {
    const answer = system.resolveCarrier(q.q);
    return { correct: carrierCorrect(q.expect, answer), got: answer.slice(0, 3).join(',') || '∅' };
  });
  const topic = measure<TopicQuery>(queries.topic, (q) => {
    const top = system.searchTopic(q.q);
    return { correct: topicCorrect(q.expect, top, needleIds), got: top ? `${top.id} ${top.carrierId ?? '-'} ${top.category}` : '∅' };
  });
  send({
    type: 'result',
    result: { contender, loadMs, buildMs: built.ms, carrier, topic, peakRssMb: process.resourceUsage().maxRSS / 1024 },
  });
}

main().catch((e: unknown) => {
  send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exitCode = 1;
});
