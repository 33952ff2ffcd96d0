import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ContenderId } from './contenders.ts';
import type { WorkerMessage, WorkerResult } from './search-worker.ts';

export interface ContenderRun extends WorkerResult {
  /** Process start to "index built and ready to answer". */
  coldStartMs: number;
}

const WORKER = fileURLToPath(new URL('./search-worker.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs one contender in a fresh process (tsx, like the bot) against the
 * knowledge in dir. Its cold start runs from fork to the moment its index
 * can answer; the rest is measured inside the worker.
 */
export function runContender(contender: ContenderId, dir: string, timeoutMs = 15 * 60_000): Promise<ContenderRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let coldStartMs = Number.NaN;
    const child = fork(WORKER, [contender, dir], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${contender}: no result after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const finish = (fn: () => void): void => {
      clearTimeout(timer);
      child.kill();
      fn();
    };
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') coldStartMs = performance.now() - started;
      else if (m.type === 'result') finish(() => resolve({ ...m.result, coldStartMs }));
      else finish(() => reject(new Error(`${contender}: ${m.message}`)));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${contender}: worker exited with code ${code} before reporting`));
    });
  });
}
