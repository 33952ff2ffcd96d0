import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KnowledgeStore } from '../store.ts';
import { mergeParsed, type MergeOutcome } from './merge.ts';
import { contentHash, parseBulletin, PARSER_VERSION, type ParsedBulletin } from './parse-bulletin.ts';

export interface IngestResult {
  sourceFile: string;
  parsed: ParsedBulletin;
  outcome: MergeOutcome;
}

/** Parses text outside the lock (the slow part), then merges under it. */
export async function ingestText(store: KnowledgeStore, text: string, sourceFile: string, now = new Date()): Promise<IngestResult> {
  const parsed = parseBulletin(text, sourceFile);
  const outcome = await store.update((data) => mergeParsed(data, parsed, now));
  return { sourceFile, parsed, outcome };
}

/** The bulletins that ship with the bot, as source text: the knowledge is whatever the parser makes of them. */
export const SHIPPED_SOURCES = fileURLToPath(new URL('../sources/', import.meta.url));

/**
 * Makes sure every shipped source is in the store, parsed by this version
 * of the parser. Sources already present with the same content and parser
 * version are skipped without reading the rest of the pipeline.
 */
export async function ensureShippedSources(store: KnowledgeStore, dir = SHIPPED_SOURCES): Promise<IngestResult[]> {
  const data = await store.load();
  const current = new Set(data.bulletins.filter((b) => b.parserVersion === PARSER_VERSION).map((b) => b.contentHash));
  const results: IngestResult[] = [];
  for (const name of (await readdir(dir)).filter((n) => /\.(txt|md)$/i.test(n)).sort()) {
    const text = await readFile(join(dir, name), 'utf8');
    if (current.has(contentHash(text))) continue;
    results.push(await ingestText(store, text, `knowledge/sources/${name}`));
  }
  return results;
}
