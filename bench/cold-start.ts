import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleBot } from '../bot/bundle.ts';
import { median } from './stats.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH_BUNDLE = 'dist/bench-bot.mjs';
/** The first line of the terminal chat's banner: printed once knowledge and state are loaded. */
const BANNER = 'carrier-watch · 终端对话模式';
const PROBE = '/carrier 吉林电信';

export interface ColdStart {
  /** Process start to the terminal banner (knowledge loaded, chat open). */
  readyMs: number;
  /** Process start to the answer to a first /carrier query. */
  firstAnswerMs: number;
  /** The bot process's peak resident memory (VmHWM). */
  peakRssMb: number;
  /** CPU time the bot's processes had used when it was ready: what a busy machine stretches into the wall time above. */
  cpuMs: number;
}

export interface ColdStartSummary extends ColdStart {
  runs: ColdStart[];
}

/**
 * Starts the real bot the way `npm start` does (the bundle under plain node)
 * in terminal mode, with DATA_DIR pointing at the given knowledge. Ready is
 * the terminal banner, which main.ts prints only after the knowledge is
 * loaded and indexed; the first answer proves it can serve. One warm-up run
 * fills the OS file cache, as on any machine that has started the bot before.
 */
export async function measureColdStart(dataDir: string, runs = 3): Promise<ColdStartSummary> {
  await bundleBot(BENCH_BUNDLE);
  await startOnce(dataDir);
  const results: ColdStart[] = [];
  for (let i = 0; i < runs; i++) results.push(await startOnce(dataDir));
  return {
    readyMs: median(results.map((r) => r.readyMs)),
    firstAnswerMs: median(results.map((r) => r.firstAnswerMs)),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    cpuMs: median(results.map((r) => r.cpuMs)),
    runs: results,
  };
}

function startOnce(dataDir: string, timeoutMs = 60_000): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, BOT_TOKEN: '', LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, ['--enable-source-maps', BENCH_BUNDLE], { cwd: PROJECT_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let readyMs = Number.NaN;
    let cpuMs = Number.NaN;
    let peakRssMb = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bot did not answer within ${timeoutMs / 1000} s\n${err}`));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (Number.isNaN(readyMs) && out.includes(BANNER)) {
        readyMs = performance.now() - started;
        cpuMs = treeCpuMs(child.pid);
        child.stdin.write(`${PROBE}\n`);
      }
      const afterBanner = out.slice(out.indexOf(BANNER));
      if (!Number.isNaN(readyMs) && afterBanner.includes('客服热线')) {
        const firstAnswerMs = performance.now() - started;
        peakRssMb = treePeakRssMb(child.pid);
        child.stdin.end('/quit\n');
        clearTimeout(timer);
        child.once('exit', () => resolve({ readyMs, firstAnswerMs, peakRssMb, cpuMs }));
      }
    });
    child.once('exit', (code) => {
      if (Number.isNaN(readyMs)) {
        clearTimeout(timer);
        reject(new Error(`bot exited (${code}) before it was ready\n${err}`));
      }
    });
  });
}

/** The pids of a process and its descendants (Linux /proc), or none elsewhere. */
function tree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const out = [pid];
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const c of children ? children.split(/\s+/) : []) out.push(...tree(Number(c)));
  } catch {
    // Gone, or not Linux.
  }
  return out;
}

/** User + system CPU time of a process tree, from /proc/PID/stat (in clock ticks of 10 ms). */
function treeCpuMs(pid: number | undefined): number {
  let ticks = 0;
  for (const p of tree(pid)) {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return Number.NaN;
    }
  }
  return ticks * 10;
}

/** The bot's memory, whatever processes it runs as. Linux keeps each process's peak in /proc/PID/status (VmHWM). */
function treePeakRssMb(pid: number | undefined): number {
  let peak = 0;
  for (const p of tree(pid)) {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // The process is gone: report what was found.
    }
  }
  return peak || Number.NaN;
}
