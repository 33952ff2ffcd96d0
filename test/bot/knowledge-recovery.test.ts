import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KnowledgeService, RefusedToStart } from '../../bot/knowledge-service.ts';
import { createLogger } from '../../bot/logger.ts';
import { ingestText } from '../../knowledge/ingest/ingest.ts';
import { ValidatedJsonFile } from '../../knowledge/store/json-file.ts';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { readShipped } from '../helpers/knowledge.ts';
import { z } from 'zod';

let dir: string;
let logs: string[];
const jilin = readShipped('000');
const liaoning = jilin.replaceAll('吉林', '辽宁');

function service(): KnowledgeService {
  return new KnowledgeService(new LowdbKnowledgeStore(dir), createLogger('debug', [], (l) => logs.push(l)));
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-kbrec-'));
  logs = [];
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  // Two ingestions, so knowledge.json.bak holds the first.
  const store = new LowdbKnowledgeStore(dir);
  await ingestText(store, jilin, 'jilin.txt');
  await ingestText(store, liaoning, 'liaoning.txt');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const DAMAGE: Array<[string, string]> = [
  ['truncated', '{"schemaVersion":1,"seq":2,"bulletins":[{"id":"jl-'],
  ['not JSON', 'garbage'],
  ['the wrong shape', '{"schemaVersion":1,"seq":"two","bulletins":{},"facts":7}'],
];

describe('a damaged knowledge file', () => {
  it.each(DAMAGE)('%s: the last good copy comes back, newer bulletins are read again from their kept text, loudly', async (_what, text) => {
    writeFileSync(join(dir, 'knowledge.json'), text);
    const kb = await service().start({ watch: false });
    const ids = kb.bulletins.map((b) => b.id);
    expect(ids).toEqual(expect.arrayContaining(['jl-2023h2-official', 'ln-2023h2-official']));
    expect(logs.join('')).toContain('KNOWLEDGE FILE DAMAGED');
    expect(readdirSync(dir).some((f) => f.startsWith('knowledge.json.damaged-'))).toBe(true);
    expect(vi.mocked(process.stderr.write).mock.calls.join('')).toContain('知识库文件损坏');
  });

  it('without a backup, rebuilds from the kept texts', async () => {
    rmSync(join(dir, 'knowledge.json.bak'));
    writeFileSync(join(dir, 'knowledge.json'), 'garbage');
    const kb = await service().start({ watch: false });
    expect(kb.bulletins.map((b) => b.id)).toEqual(expect.arrayContaining(['jl-2023h2-official', 'ln-2023h2-official']));
    expect(logs.join('')).toMatch(/没有完好的备份;从保存的通告原文重新导入 2 份/);
  });

  it('with neither a backup nor kept texts, refuses to start and names the file', async () => {
    rmSync(join(dir, 'knowledge.json.bak'));
    rmSync(join(dir, 'sources'), { recursive: true });
    writeFileSync(join(dir, 'knowledge.json'), '{"schemaVersion":1,');
    const start = service().start({ watch: false });
    await expect(start).rejects.toBeInstanceOf(RefusedToStart);
    await expect(start).rejects.toThrow(/knowledge\.json 已损坏:不是有效的 JSON/);
    expect(existsSync(join(dir, 'knowledge.json'))).toBe(true);
  });

  it('keeps one previous good copy on every write', async () => {
    const store = new LowdbKnowledgeStore(dir);
    const backup = await new ValidatedJsonFile(join(dir, 'knowledge.json'), { schema: z.object({ seq: z.number() }).passthrough(), version: 1 }).readBackup();
    expect(backup).toMatchObject({ seq: 1 });
    expect((await store.load()).seq).toBe(2);
  });
});

describe('schema versions', () => {
  it('migrates an older file step by step on load, and refuses a newer one', async () => {
    const path = join(dir, 'versioned.json');
    const spec = {
      schema: z.object({ schemaVersion: z.literal(3), name: z.string(), tags: z.array(z.string()) }),
      version: 3,
      migrations: [
        { from: 1, up: (d: Record<string, unknown>) => ({ ...d, name: String(d.title ?? '') }) },
        { from: 2, up: (d: Record<string, unknown>) => ({ ...d, tags: [] }) },
      ],
    };
    writeFileSync(path, JSON.stringify({ schemaVersion: 1, title: '吉林' }));
    expect(await new ValidatedJsonFile(path, spec).read()).toMatchObject({ schemaVersion: 3, name: '吉林', tags: [] });
    writeFileSync(path, JSON.stringify({ schemaVersion: 4, name: 'x', tags: [] }));
    await expect(new ValidatedJsonFile(path, spec).read()).rejects.toThrow(/数据版本 4 比本程序支持的 3 新/);
  });
});
