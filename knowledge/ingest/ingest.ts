import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SourceHints } from '../schema.ts';
import type { KnowledgeStore } from '../store/store.ts';
import { mergeParsed, type MergeOutcome } from './merge.ts';
import { contentHash, NotABulletinError, parseBulletin, PARSER_VERSION, type ParsedBulletin } from './parse-bulletin.ts';
import { decodeSource, DEFAULT_MAX_BYTES, readSource } from './read-source.ts';
import { SHIPPED_SOURCES_DIR } from '../paths.ts';

export interface IngestResult {
  sourceFile: string;
  parsed: ParsedBulletin;
  outcome: MergeOutcome;
}

/**
 * Parses text outside the lock (the slow part), keeps the text for later
 * re-parsing, then merges under the lock. A text that is not a bulletin
 * throws before anything is written.
 */
export async function ingestText(store: KnowledgeStore, text: string, sourceFile: string, now = new Date(), hints: SourceHints = {}): Promise<IngestResult> {
  const parsed = parseBulletin(text, sourceFile, hints);
  await store.saveSource(parsed.bulletin.contentHash, text);
  const outcome = await store.update(
    (data) => mergeParsed(data, parsed, now),
    (o) => o.status !== 'unchanged',
  );
  return { sourceFile, parsed, outcome };
}

/** Reads a file in any supported format and encoding, then ingests it. */
export async function ingestFile(store: KnowledgeStore, path: string, maxBytes = DEFAULT_MAX_BYTES, now = new Date()): Promise<IngestResult & { encoding: string }> {
  const source = await readSource(path, maxBytes);
  return { ...(await ingestText(store, source.text, basename(path), now)), encoding: source.encoding };
}

/** Bytes that arrived some other way (an upload), named by their file name. */
export async function ingestBytes(
  store: KnowledgeStore,
  bytes: Uint8Array,
  fileName: string,
  maxBytes = DEFAULT_MAX_BYTES,
  now = new Date(),
  hints: SourceHints = {},
): Promise<IngestResult & { encoding: string }> {
  const source = await decodeSource(bytes, fileName, maxBytes);
  return { ...(await ingestText(store, source.text, basename(fileName), now, hints)), encoding: source.encoding };
}

/**
 * Bulletins stored by an older parser are read again from their kept text,
 * so an upgrade improves old knowledge too. Ones whose text is missing stay
 * as they are, and so do ones the new parser refuses (it is stricter about
 * what it will not guess): the old reading is better than none.
 */
export async function reparseOutdated(store: KnowledgeStore): Promise<IngestResult[]> {
  const data = await store.load();
  const results: IngestResult[] = [];
  for (const b of data.bulletins.filter((x) => x.parserVersion !== PARSER_VERSION)) {
    const text = await store.readSource(b.contentHash);
    if (text === undefined) continue;
    const hints: SourceHints = { ...(b.url ? { url: b.url } : {}), ...(b.publishedAt ? { publishedAt: b.publishedAt } : {}) };
    try {
      results.push(await ingestText(store, text, b.sourceFile, undefined, hints));
    } catch (e) {
      if (!(e instanceof NotABulletinError)) throw e;
    }
  }
  return results;
}

/** The bulletins that ship with the bot, as source text: the knowledge is whatever the parser makes of them. */
export const SHIPPED_SOURCES = SHIPPED_SOURCES_DIR;

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
