import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticKnowledge } from '../../bench/synthetic-kb.ts';
import { DamagedFileError, LowdbKnowledgeStore, type KnowledgeData } from '../../knowledge/store/store.ts';

/** The streaming reader (knowledge/store/knowledge-file.ts) must give what the general reader gives, or step aside for it. */
describe('reading knowledge.json', () => {
  let dir: string;
  const data: KnowledgeData = syntheticKnowledge({ years: 1, factsPerCarrier: 2 }).data;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-read-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads back exactly what the store wrote', async () => {
    const store = new LowdbKnowledgeStore(dir);
    await store.update((d) => Object.assign(d, structuredClone(data)));
    expect(await store.load()).toEqual(data);
  });

  it('reads a file in another layout (pretty-printed, keys reordered) through the general reader', async () => {
    const reordered = { facts: data.facts, bulletins: data.bulletins, seq: data.seq, schemaVersion: data.schemaVersion };
    await writeFile(join(dir, 'knowledge.json'), JSON.stringify(reordered, null, 2));
    expect(await new LowdbKnowledgeStore(dir).load()).toEqual(data);
  });

  it('reports a damaged fact with its place, as the general reader does', async () => {
    const damaged = structuredClone(data);
    damaged.facts[7]!.text = '';
    await writeFile(join(dir, 'knowledge.json'), JSON.stringify(damaged));
    const error = await new LowdbKnowledgeStore(dir).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DamagedFileError);
    expect((error as Error).message).toContain('facts.7.text');
  });

  it('reports a file cut short', async () => {
    const json = JSON.stringify(data);
    await writeFile(join(dir, 'knowledge.json'), json.slice(0, Math.floor(json.length * 0.7)));
    await expect(new LowdbKnowledgeStore(dir).load()).rejects.toBeInstanceOf(DamagedFileError);
  });

  it('starts empty without a file', async () => {
    expect((await new LowdbKnowledgeStore(dir).load()).facts).toEqual([]);
  });
});
