import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { readShipped } from '../helpers/knowledge.ts';
import { runCli } from '../helpers/run-cli.ts';

let dir: string;
const jilin = readShipped('000');
/** The seed bulletin moved to other provinces: four distinct bulletins with the same mess. */
const provinces = ['辽宁', '河北', '山东', '浙江'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-cli-'));
  for (const p of provinces) await writeFile(join(dir, `${p}.txt`), jilin.replaceAll('吉林', p));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// DATABASE_URL pinned empty: these are about the files, and a developer's exported one would send them to a database.
// Each case starts several tsx processes; on a loaded two-core machine that alone can pass the default 20 s.
describe('npm run ingest', () => {
  it('prints a summary per file, a progress line for many files, and fails with exit 1 on a bad one', async () => {
    const data = join(dir, 'data-a');
    await writeFile(join(dir, 'bad.txt'), '');
    const r = await runCli('bot/cli/ingest.ts', [join(dir, '辽宁.txt'), join(dir, 'bad.txt')], { DATA_DIR: data, DATABASE_URL: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[1/2] 辽宁.txt');
    expect(r.stderr).toContain('[2/2] bad.txt');
    expect(r.stdout).toContain('📥 2023年下半年辽宁省电信服务质量通告');
    expect(r.stdout).toContain('识别为:官方通告 · 辽宁省通信管理局 · 辽宁 · 2023年下半年');
    expect(r.stdout).toContain('运营商(3):辽宁移动 🆕、辽宁电信 🆕、辽宁联通 🆕');
    expect(r.stdout).toContain(`✗ ${join(dir, 'bad.txt')}:文件是空的。`);
    expect(r.stdout).toContain('知识库未改动。');
    const stats = await runCli('bot/cli/kb.ts', ['stats'], { DATA_DIR: data, DATABASE_URL: '' });
    expect(stats.stdout).toContain('通告 1 份 · 运营商 3 家');
  }, 60_000);

  it('loses no writes when several ingestions run at once', async () => {
    const data = join(dir, 'data-b');
    const runs = await Promise.all(provinces.map((p) => runCli('bot/cli/ingest.ts', [join(dir, `${p}.txt`)], { DATA_DIR: data, DATABASE_URL: '' })));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const stored = await new LowdbKnowledgeStore(data).load();
    expect(stored.bulletins.map((b) => b.region.province).sort()).toEqual(['HE', 'LN', 'SD', 'ZJ']);
    expect(new Set(stored.bulletins.map((b) => b.seq)).size).toBe(4);
    const exported = JSON.parse((await runCli('bot/cli/kb.ts', ['export'], { DATA_DIR: data, DATABASE_URL: '' })).stdout) as { carriers: unknown[] };
    expect(exported.carriers).toHaveLength(12);
  }, 60_000);

  it('explains its usage and rejects unknown options', async () => {
    const r = await runCli('bot/cli/ingest.ts', ['--frobnicate'], { DATA_DIR: join(dir, 'data-c'), DATABASE_URL: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('不认识的选项 --frobnicate');
  });
});
