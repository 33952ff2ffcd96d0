import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnowledgeService } from '../bot/knowledge-service.ts';
import { createLogger } from '../bot/logger.ts';
import { ingestText, SHIPPED_SOURCES } from '../knowledge/ingest/ingest.ts';
import { mergeParsed } from '../knowledge/ingest/merge.ts';
import { parseBulletin } from '../knowledge/ingest/parse-bulletin.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { regionIndex } from '../knowledge/regions.ts';
import { emptyKnowledge, LowdbKnowledgeStore } from '../knowledge/store/store.ts';
import { bulletinText, bulletinTexts } from './bulletin-texts.ts';
import { median, timed, timedAsync } from './stats.ts';
import { syntheticCarriers } from './synthetic-kb.ts';

export interface IngestBenchResult {
  seed: { bytes: number; facts: number; parseMs: number; ingestMs: number };
  many: { bulletins: number; failed: number; facts: number; bytes: number; parseMs: number; writeMs: number; totalMs: number; perFileTransactionMs: number; perFileTransactionFacts: number };
  reload: { factsBefore: number; factsAfter: number; indexRebuildMs: number; fullReloadMs: number; storeLoadMs: number; foundNewFact: boolean };
}

const NOW = new Date('2025-01-01T00:00:00Z');

async function seedText(): Promise<string> {
  const name = (await readdir(SHIPPED_SOURCES)).filter((n) => n.startsWith('000_')).sort()[0];
  if (!name) throw new Error('no shipped seed bulletin 000_*');
  return readFile(join(SHIPPED_SOURCES, name), 'utf8');
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'carrier-watch-ingest-'));
}

/**
 * Issue 3's speed figures:
 * - the seed bulletin, warm (the parser's dictionaries already loaded):
 *   parsing alone, and a whole ingestion into a fresh store (parse, keep
 *   the source, merge under the lock, atomic write);
 * - 1,000 generated bulletins through the real parser, merged into one
 *   knowledge base and written once; plus what one CLI transaction per
 *   file costs once the store is that big;
 * - the running bot's reload after one new bulletin at national scale:
 *   the index rebuild (incremental) and the whole reload with the file read.
 */
export async function ingestBench(options: { bulletins: number; reloadDataDir: string; log?: (line: string) => void }): Promise<IngestBenchResult> {
  const say = options.log ?? (() => {});
  const seed = await seedText();
  // Warm: the first parse loads jieba's dictionary, which a running ingester has already paid for.
  parseBulletin(seed, 'warm-up.txt');
  const parses: number[] = [];
  let seedFacts = 0;
  for (let i = 0; i < 10; i++) {
    const { value, ms } = timed(() => parseBulletin(seed, 'knowledge/sources/000.txt'));
    parses.push(ms);
    seedFacts = value.facts.length;
  }
  const ingests: number[] = [];
  for (let i = 0; i < 5; i++) {
    const dir = await tempDir();
    const store = new LowdbKnowledgeStore(dir);
    ingests.push((await timedAsync(() => ingestText(store, seed, 'knowledge/sources/000.txt', NOW))).ms);
    await rm(dir, { recursive: true, force: true });
  }
  say(`seed: parse ${median(parses).toFixed(1)} ms, ingest ${median(ingests).toFixed(1)} ms`);

  const texts = bulletinTexts(options.bulletins);
  const data = emptyKnowledge();
  let failed = 0;
  const parsed = timed(() => {
    for (const b of texts) {
      try {
        mergeParsed(data, parseBulletin(b.text, b.name), NOW);
      } catch {
        failed++;
      }
    }
  });
  const dir = await tempDir();
  const store = new LowdbKnowledgeStore(dir);
  const written = await timedAsync(() => store.update((d) => Object.assign(d, data)));
  // The CLI commits each file on its own, so a bad file cannot take others down; at this size each commit rewrites the whole store.
  const extra = bulletinTexts(options.bulletins + 3).slice(options.bulletins);
  const perFile: number[] = [];
  for (const b of extra) perFile.push((await timedAsync(() => ingestText(store, b.text, b.name, NOW))).ms);
  await rm(dir, { recursive: true, force: true });
  const bytes = texts.reduce((sum, b) => sum + Buffer.byteLength(b.text), 0);
  say(`${texts.length} bulletins: parse+merge ${(parsed.ms / 1000).toFixed(1)} s, write ${written.ms.toFixed(0)} ms`);

  const reload = await reloadBench(options.reloadDataDir);
  say(`reload at ${reload.factsBefore} facts: index ${reload.indexRebuildMs.toFixed(0)} ms, whole reload ${reload.fullReloadMs.toFixed(0)} ms`);
  return {
    seed: { bytes: Buffer.byteLength(seed), facts: seedFacts, parseMs: median(parses), ingestMs: median(ingests) },
    many: {
      bulletins: texts.length,
      failed,
      facts: data.facts.length,
      bytes,
      parseMs: parsed.ms,
      writeMs: written.ms,
      totalMs: parsed.ms + written.ms,
      perFileTransactionMs: median(perFile),
      perFileTransactionFacts: data.facts.length,
    },
    reload,
  };
}

/**
 * A copy of the national knowledge base, a running KnowledgeService on it,
 * one new bulletin ingested the way the CLI does it, then the reload the
 * file watcher would trigger.
 */
async function reloadBench(sourceDir: string): Promise<IngestBenchResult['reload']> {
  const dir = await tempDir();
  try {
    await cp(join(sourceDir, 'knowledge.json'), join(dir, 'knowledge.json'));
    const store = new LowdbKnowledgeStore(dir);
    const service = new KnowledgeService(store, createLogger('silent'));
    const factsBefore = (await service.start({ watch: false })).index.size;
    // A second base with its own index, to time the rebuild alone without disturbing the service's.
    const previous = new KnowledgeBase(await store.load());
    const jilin = regionIndex().province('JL')!;
    const fresh = bulletinText(jilin, 2025, 1, syntheticCarriers().filter((s) => s.province.code === 'JL' && !s.carrier.region?.city), 12);
    const marker = '吉林电信在长春开通“银发数字课堂”首批课程120节。';
    await ingestText(store, fresh.text.replace('二、各电信企业服务质量状况', `二、各电信企业服务质量状况\n\n${marker}`), fresh.name, NOW);
    const storeLoad = await timedAsync(() => store.load());
    const rebuild = timed(() => new KnowledgeBase(storeLoad.value, previous));
    const fullReload = await timedAsync(() => service.reload());
    const after = service.get();
    return {
      factsBefore,
      factsAfter: after.index.size,
      indexRebuildMs: rebuild.ms,
      fullReloadMs: fullReload.ms,
      storeLoadMs: storeLoad.ms,
      foundNewFact: after.index.search('银发数字课堂', { limit: 1 }).length === 1,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

