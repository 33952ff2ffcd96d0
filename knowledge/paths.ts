import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root, found from this module's own location. The bot runs
 * both from source (tsx) and bundled into dist/, so data files are located
 * from the root rather than relative to whichever file happens to read them.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'knowledge', 'data'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('carrier-watch: cannot find the project root (knowledge/data) above this module');
    dir = up;
  }
}

export const PROJECT_ROOT = findRoot();

/** Curated, hand-maintained data: regions, carrier groups, procedures. */
export function dataFile(name: string): string {
  return join(PROJECT_ROOT, 'knowledge', 'data', name);
}

/** The bulletins that ship with the bot, as source text. */
export const SHIPPED_SOURCES_DIR = join(PROJECT_ROOT, 'knowledge', 'sources');
