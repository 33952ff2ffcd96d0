import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_SOURCES } from '../knowledge/ingest/ingest.ts';
import { mergeParsed } from '../knowledge/ingest/merge.ts';
import { parseBulletin } from '../knowledge/ingest/parse-bulletin.ts';
import type { KnowledgeData } from '../knowledge/store/store.ts';
import type { QuerySet } from './query-set.ts';
import { optionsForFacts, syntheticKnowledge } from './synthetic-kb.ts';

export interface BenchData {
  /** A DATA_DIR holding knowledge.json, as the bot and the CLIs expect it. */
  dir: string;
  facts: number;
  bulletins: number;
  carriers: number;
  fileBytes: number;
  needleIds: Map<string, string>;
  cleanup(): Promise<void>;
}

export const NEEDLES_FILE = 'needles.json';

/**
 * Writes the synthetic national knowledge base, plus the shipped bulletins
 * as the parser reads them, to a fresh DATA_DIR. With the shipped bulletins
 * already in, the bot starts without parsing anything, as it would in a
 * deployment that has been running for a while.
 */
export async function prepareBenchData(facts: number, queries: QuerySet): Promise<BenchData> {
  const synthetic = syntheticKnowledge(optionsForFacts(facts, queries.needles));
  const data = synthetic.data;
  await addShipped(data);
  const dir = await mkdtemp(join(tmpdir(), 'carrier-watch-bench-'));
  const json = JSON.stringify(data);
  await writeFile(join(dir, 'knowledge.json'), json);
  await writeFile(join(dir, NEEDLES_FILE), JSON.stringify(Object.fromEntries(synthetic.needleIds)));
  return {
    dir,
    facts: data.facts.length,
    bulletins: data.bulletins.length,
    carriers: new Set(data.bulletins.flatMap((b) => b.carriers.map((c) => c.id))).size,
    fileBytes: Buffer.byteLength(json),
    needleIds: synthetic.needleIds,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function addShipped(data: KnowledgeData): Promise<void> {
  const now = new Date('2025-01-01T00:00:00Z');
  for (const name of (await readdir(SHIPPED_SOURCES)).filter((n) => /\.(txt|md)$/i.test(n)).sort()) {
    const text = await readFile(join(SHIPPED_SOURCES, name), 'utf8');
    mergeParsed(data, parseBulletin(text, `knowledge/sources/${name}`), now);
  }
}

export async function readNeedleIds(dir: string): Promise<Map<string, string>> {
  const raw = JSON.parse(await readFile(join(dir, NEEDLES_FILE), 'utf8')) as Record<string, string>;
  return new Map(Object.entries(raw));
}
