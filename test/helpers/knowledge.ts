import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecentQueries } from '../../handlers/query-memory.ts';
import type { DigestService, Services } from '../../handlers/request.ts';
import { SHIPPED_SOURCES } from '../../knowledge/ingest/ingest.ts';
import { mergeParsed } from '../../knowledge/ingest/merge.ts';
import { parseBulletin, type ParsedBulletin } from '../../knowledge/ingest/parse-bulletin.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { emptyKnowledge, type KnowledgeData } from '../../knowledge/store/store.ts';

export const FIXTURES = new URL('../fixtures/', import.meta.url);

export function readShipped(name: string): string {
  const file = readdirSync(SHIPPED_SOURCES).find((f) => f.startsWith(name));
  if (!file) throw new Error(`no shipped source ${name}`);
  return readFileSync(join(SHIPPED_SOURCES, file), 'utf8');
}

export function parseShipped(prefix: '000' | '001'): ParsedBulletin {
  return parseBulletin(readShipped(prefix), `knowledge/sources/${prefix}.txt`);
}

/** Knowledge data built by the real parser from texts, as ingestion would store it. */
export function knowledgeFrom(texts: Array<[text: string, sourceFile: string]>): KnowledgeData {
  const data = emptyKnowledge();
  const now = new Date('2026-01-01T00:00:00Z');
  for (const [text, file] of texts) mergeParsed(data, parseBulletin(text, file), now);
  return data;
}

let shipped: KnowledgeBase | undefined;

/** The knowledge the bot ships with: both seed documents, parsed. */
export function shippedKnowledge(): KnowledgeBase {
  shipped ??= new KnowledgeBase(
    knowledgeFrom([
      [readShipped('000'), 'knowledge/sources/000_08f37e3268f69ad0.txt'],
      [readShipped('001'), 'knowledge/sources/001_1339b258ff8a2d12.txt'],
    ]),
  );
  return shipped;
}

const unused = (): never => {
  throw new Error('digests are not wired in this test');
};

/** For tests that never touch subscriptions; any call fails loudly. */
const unusedDigests: DigestService = {
  subscription: unused,
  subscribe: unused,
  unsubscribe: unused,
  canManage: unused,
  sendNow: unused,
  broadcastNow: unused,
  stats: unused,
  schedule: '工作日 09:00(Asia/Shanghai)',
};

export function servicesFor(kb: KnowledgeBase, overrides: Partial<Services> = {}): Services {
  return {
    knowledge: () => kb,
    queries: new RecentQueries(),
    maxUploadBytes: 5 * 1024 * 1024,
    ingest: () => Promise.reject(new Error('ingestion is not wired in this test')),
    digests: unusedDigests,
    ...overrides,
  };
}
