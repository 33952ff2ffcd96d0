import { buildSync } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BOT_ENTRY, bundleOptions } from '../../bot/bundle.ts';
import { PROJECT_ROOT } from '../../knowledge/paths.ts';

let built: string | undefined;

/**
 * The bot bundled exactly as `npm start` runs it, built once per test
 * process into its own file (test files run in parallel workers) and
 * removed when the process ends.
 */
export function botBundle(): string {
  if (built) return built;
  const outfile = `dist/test-bot-${process.pid}.mjs`;
  buildSync(bundleOptions(BOT_ENTRY, outfile));
  built = join(PROJECT_ROOT, outfile);
  const path = built;
  process.once('exit', () => {
    rmSync(path, { force: true });
    rmSync(`${path}.map`, { force: true });
  });
  return built;
}
