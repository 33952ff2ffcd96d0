import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ContenderId } from './contenders.ts';
import type { Command, QueryKind, Scored, WorkerMessage } from './search-worker.ts';
import { summarize, type Latency } from './stats.ts';
import type { ClassScore } from './search-worker.ts';

export interface KindResult {
  latency: Latency;
  accuracy: Record<string, ClassScore>;
  misses: Scored['misses'];
}

export interface ContenderRun {
  contender: ContenderId;
  /** Reading knowledge.json through the store, as the bot does (the same work for every contender). */
  loadMs: number;
  buildMs: number;
  /** Process start to "index built and ready to answer". */
  coldStartMs: number;
  carrier: KindResult;
  topic: KindResult;
  peakRssMb: number;
}

const WORKER = fileURLToPath(new URL('./search-worker.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const KINDS: readonly QueryKind[] = ['carrier', 'topic'];
const MAX_ROUNDS = 40;

/** One contender's process, answering one command at a time. */
class Worker {
  private readonly child: ChildProcess;
  private waiting: { resolve: (m: WorkerMessage) => void; reject: (e: Error) => void } | undefined;
  private exited: Error | undefined;

  constructor(
    readonly id: ContenderId,
    dir: string,
  ) {
    this.child = fork(WORKER, [id, dir], { cwd: PROJECT_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: WorkerMessage) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (m.type === 'error') w?.reject(new Error(`${id}: ${m.message}`));
      else w?.resolve(m);
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`${id}: worker exited (${code})`);
      this.waiting?.reject(this.exited);
    });
  }

  next(): Promise<WorkerMessage> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  ask(command: Command): Promise<WorkerMessage> {
    const reply = this.next();
    this.child.send(command);
    return reply;
  }

  kill(): void {
    this.child.kill();
  }
}

function expect<T extends WorkerMessage['type']>(m: WorkerMessage, type: T): Extract<WorkerMessage, { type: T }> {
  if (m.type !== type) throw new Error(`expected ${type}, got ${m.type}`);
  return m as Extract<WorkerMessage, { type: T }>;
}

/**
 * Runs every contender in its own process against the knowledge in dir.
 *
 * Each is built on its own (so its cold start is not slowed by another's
 * build) and scores the labelled queries once. Timing then runs in slices,
 * contender after contender, several times over: background load on a
 * shared machine falls on all of them alike rather than on whoever ran
 * during it. A contender whose one pass over the queries exceeds the
 * budget (the fuse.js baseline) is timed on that pass.
 */
export async function runContenders(
  ids: readonly ContenderId[],
  dir: string,
  options: { budgetMs?: number; slices?: number; log?: (line: string) => void } = {},
): Promise<Partial<Record<ContenderId, ContenderRun>>> {
  const budgetMs = options.budgetMs ?? 3000;
  const slices = options.slices ?? 4;
  const say = options.log ?? (() => {});
  const workers: Worker[] = [];
  const started = new Map<ContenderId, { loadMs: number; buildMs: number; coldStartMs: number; scored: Record<QueryKind, Scored> }>();
  try {
    for (const id of ids) {
      const t0 = performance.now();
      const w = new Worker(id, dir);
      workers.push(w);
      const ready = expect(await w.next(), 'ready');
      const coldStartMs = performance.now() - t0;
      say(`${id}: ready in ${coldStartMs.toFixed(0)} ms; scoring the query set${id === 'fuse' ? ' (about a second a query)' : ''}`);
      const scored = expect(await w.ask({ type: 'score' }), 'scored');
      started.set(id, { loadMs: ready.loadMs, buildMs: ready.buildMs, coldStartMs, scored: { carrier: scored.carrier, topic: scored.topic } });
    }
    const samples = new Map<string, number[]>();
    const plan: Array<{ w: Worker; kind: QueryKind; rounds: number }> = [];
    for (const w of workers) {
      for (const kind of KINDS) {
        const first = started.get(w.id)!.scored[kind].firstPass;
        const passMs = first.reduce((a, b) => a + b, 0);
        if (passMs > budgetMs) samples.set(`${w.id}:${kind}`, first);
        else plan.push({ w, kind, rounds: Math.max(1, Math.ceil(Math.min(MAX_ROUNDS, budgetMs / Math.max(passMs, 1e-3)) / slices)) });
      }
    }
    say(`timing in ${slices} interleaved slices`);
    for (let s = 0; s < slices; s++) {
      // Rotate who goes first, so no contender always runs right after the same neighbour.
      for (let k = 0; k < plan.length; k++) {
        const { w, kind, rounds } = plan[(k + s) % plan.length]!;
        const timed = expect(await w.ask({ type: 'time', kind, rounds }), 'timed');
        const key = `${w.id}:${kind}`;
        samples.set(key, [...(samples.get(key) ?? []), ...timed.samples]);
      }
    }
    const runs: Partial<Record<ContenderId, ContenderRun>> = {};
    for (const w of workers) {
      const finished = expect(await w.ask({ type: 'finish' }), 'finished');
      const s = started.get(w.id)!;
      const kind = (k: QueryKind): KindResult => ({ latency: summarize(samples.get(`${w.id}:${k}`) ?? []), accuracy: s.scored[k].accuracy, misses: s.scored[k].misses });
      runs[w.id] = { contender: w.id, loadMs: s.loadMs, buildMs: s.buildMs, coldStartMs: s.coldStartMs, carrier: kind('carrier'), topic: kind('topic'), peakRssMb: finished.peakRssMb };
    }
    return runs;
  } finally {
    for (const w of workers) w.kill();
  }
}
