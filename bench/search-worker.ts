import { LowdbKnowledgeStore } from '../knowledge/store/store.ts';
import { readNeedleIds } from './bench-data.ts';
import { buildContender, CONTENDERS, type Contender, type ContenderId } from './contenders.ts';
import { carrierCorrect, loadQuerySet, topicCorrect, type CarrierQuery, type TopicQuery } from './query-set.ts';
import { timed } from './stats.ts';

/**
 * One contender in a process of its own, so its memory peak and its start
 * are its own. search-bench.ts drives it over IPC: it builds, scores the
 * query set once (which also warms it up), then times slices of query
 * rounds when told to, so that slices of all contenders can be interleaved.
 */

export interface ClassScore {
  correct: number;
  total: number;
}

export type QueryKind = 'carrier' | 'topic';

export interface Scored {
  accuracy: Record<string, ClassScore>;
  misses: Array<{ q: string; class: string; got: string }>;
  /** Latency of each query in the scoring pass, in ms: the first time each is asked. */
  firstPass: number[];
}

export type Command = { type: 'score' } | { type: 'time'; kind: QueryKind; rounds: number } | { type: 'finish' };

export type WorkerMessage =
  | { type: 'ready'; loadMs: number; buildMs: number }
  | { type: 'scored'; carrier: Scored; topic: Scored }
  | { type: 'timed'; samples: number[] }
  | { type: 'finished'; peakRssMb: number }
  | { type: 'error'; message: string };

/** Passes run before timing starts: a bot answers for days, so it is measured with its hot paths compiled. */
const WARM_UP_PASSES = 20;
const WARM_UP_MS = 1000;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

interface Runner<Q extends { q: string; class: string }> {
  queries: readonly Q[];
  run(q: Q): { correct: boolean; got: string };
}

function score<Q extends { q: string; class: string }>({ queries, run }: Runner<Q>): Scored {
  const accuracy: Record<string, ClassScore> = {};
  const misses: Scored['misses'] = [];
  const firstPass: number[] = [];
  for (const q of queries) {
    const { value, ms } = timed(() => run(q));
    firstPass.push(ms);
    const s = (accuracy[q.class] ??= { correct: 0, total: 0 });
    s.total++;
    if (value.correct) s.correct++;
    else misses.push({ q: q.q, class: q.class, got: value.got });
  }
  const passMs = firstPass.reduce((a, b) => a + b, 0);
  for (let w = 0; w < WARM_UP_PASSES && (w + 1) * passMs < WARM_UP_MS; w++) for (const q of queries) run(q);
  return { accuracy, misses, firstPass };
}

function time<Q extends { q: string; class: string }>({ queries, run }: Runner<Q>, rounds: number): number[] {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const start = performance.now();
      run(q);
      samples.push(performance.now() - start);
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const [id, dir] = process.argv.slice(2);
  if (!CONTENDERS.includes(id as ContenderId) || !dir) throw new Error('usage: search-worker CONTENDER DATA_DIR');
  const queries = loadQuerySet();
  const needleIds = await readNeedleIds(dir);
  // Every contender reads the knowledge the way the bot does, so load time is the same for all and build time is its own.
  const loadStart = performance.now();
  const data = await new LowdbKnowledgeStore(dir).load();
  const loadMs = performance.now() - loadStart;
  const built = timed(() => buildContender(id as ContenderId, data));
  const system: Contender = built.value;
  const carrier: Runner<CarrierQuery> = {
    queries: queries.carrier,
    run(q) {
      const answer = system.resolveCarrier(q.q);
      return { correct: carrierCorrect(q.expect, answer), got: answer.slice(0, 3).join(',') || '∅' };
    },
  };
  const topic: Runner<TopicQuery> = {
    queries: queries.topic,
    run(q) {
      const top = system.searchTopic(q.q);
      return { correct: topicCorrect(q.expect, top, needleIds), got: top ? `${top.id} ${top.carrierId ?? '-'} ${top.category}` : '∅' };
    },
  };
  process.on('message', (c: Command) => {
    try {
      if (c.type === 'score') send({ type: 'scored', carrier: score(carrier), topic: score(topic) });
      else if (c.type === 'time') send({ type: 'timed', samples: c.kind === 'carrier' ? time(carrier, c.rounds) : time(topic, c.rounds) });
      else send({ type: 'finished', peakRssMb: process.resourceUsage().maxRSS / 1024 });
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  send({ type: 'ready', loadMs, buildMs: built.ms });
}

main().catch((e: unknown) => {
  send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exitCode = 1;
});
