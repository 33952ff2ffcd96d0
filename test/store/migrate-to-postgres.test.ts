import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../bot/state-store.ts';
import { PostgresWatchState } from '../../bot/watch-state-postgres.ts';
import { LowdbWatchState } from '../../bot/watch-state.ts';
import { ingestText } from '../../knowledge/ingest/ingest.ts';
import { NO_FILTER } from '../../knowledge/digests/subscription-filter.ts';
import { freshStatus } from '../../knowledge/watch/decide.ts';
import { WatchSource } from '../../knowledge/watch/sources.ts';
import { migrate } from '../../knowledge/store/migrate.ts';
import { PostgresKnowledgeStore } from '../../knowledge/store/postgres.ts';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { readShipped } from '../helpers/knowledge.ts';
import { testPool, usePostgres } from '../helpers/postgres.ts';
import { runCli } from '../helpers/run-cli.ts';

const db = usePostgres();

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  return out;
}

describe('npm run kb -- migrate-to-postgres', () => {
  it('copies a DATA_DIR into an empty database, checks every count, and leaves the files as they were', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cw-migrate-'));
    const files = new LowdbKnowledgeStore(dataDir);
    await ingestText(files, readShipped('000'), 'knowledge/sources/000.txt', new Date('2026-03-01T00:00:00Z'));
    await ingestText(files, readShipped('001'), 'knowledge/sources/001.txt', new Date('2026-03-01T00:00:00Z'));
    const state = new StateStore(dataDir);
    await state.open();
    for (const chatId of [11, 12, 13]) state.subscribe({ chatId, chatType: 'private', filter: NO_FILTER, cursor: 1, active: true, since: '2026-03-01T00:00:00.000Z' });
    state.unsubscribe(13, '用户退订');
    state.startRun(
      {
        id: 'm1',
        reason: 'scheduled',
        startedAt: '2026-03-02T01:00:00.000Z',
        uptoSeq: 2,
        nothingNew: [],
        deliveries: [11, 12].map((chatId) => ({ chatId, digest: 'k1', uptoSeq: 2, sentParts: 0, status: 'pending' as const, attempts: 0 })),
      },
      { k1: [{ html: '<b>新通告</b> 第一部分' }, { html: '第二部分' }] },
    );
    state.markSent('m1', 11, 0);
    await state.close();
    // The watcher's memory: two sources with links already seen, one added by an admin, one shipped source removed.
    const watch = new LowdbWatchState(dataDir);
    await watch.open();
    const hebei = 'https://hbca.miit.gov.cn/xwdt/tzgg';
    const anhui = 'https://ahca.miit.gov.cn/zwgk/tzgg';
    await watch.saveStatus(hebei, { ...freshStatus(), baselined: true, itemsSeen: 2, etag: 'W/"5f3a-19c"', lastSuccessAt: '2026-11-29T08:30:00.000Z' });
    await watch.markSeen(hebei, [`${hebei}/art_101.html`, `${hebei}/art_102.html`, `${hebei}/art_103.html`]);
    await watch.saveStatus(anhui, { ...freshStatus(), baselined: true, failures: 2, nextCheckAt: '2026-11-30T09:00:00.000Z', lastError: 'HTTP 503' });
    await watch.markSeen(anhui, [`${anhui}/content_88.html`]);
    const added = WatchSource.parse({ name: '山西省通信管理局 通知公告', url: 'https://sxca.miit.gov.cn/xxgk/tzgg' });
    await watch.addSource('https://sxca.miit.gov.cn/xxgk/tzgg', added);
    await watch.removeSource('https://jlca.miit.gov.cn/xwdt/tzgg');
    await watch.close();
    const before = await fingerprint(dataDir);

    const url = await db.another();
    const run = await runCli('bot/cli/kb.ts', ['migrate-to-postgres'], { DATA_DIR: dataDir, DATABASE_URL: url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ 通告:文件 2 · 数据库 2');
    expect(run.stdout).toContain('✓ 有效订阅:文件 2 · 数据库 2');
    expect(run.stdout).toContain('✓ 已退订:文件 1 · 数据库 1');
    expect(run.stdout).toContain('✓ 其中的摘要投递:文件 2 · 数据库 2');
    expect(run.stdout).toContain('✓ 关注的来源:文件 2 · 数据库 2');
    expect(run.stdout).toContain('✓ 来源中已见的链接:文件 4 · 数据库 4');
    expect(run.stdout).toContain('✓ 添加的来源:文件 1 · 数据库 1');
    expect(run.stdout).toContain('✓ 移除的来源:文件 1 · 数据库 1');
    expect(run.stdout).toContain('全部一致');
    expect(run.stdout).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]*@/);
    expect(await fingerprint(dataDir)).toEqual(before);

    const pool = testPool(url, 2);
    try {
      const knowledge = await new PostgresKnowledgeStore(pool, url).load();
      expect(knowledge).toEqual(await files.load());
      const { rows } = await pool.query('SELECT chat_id::int AS chat, sent_parts, parts, status FROM deliveries ORDER BY chat_id');
      expect(rows).toEqual([
        { chat: 11, sent_parts: 1, parts: 2, status: 'pending' },
        { chat: 12, sent_parts: 0, parts: 2, status: 'pending' },
      ]);
      // The watcher on the database goes on from what it had seen: no source starts a new baseline.
      const watchFiles = new LowdbWatchState(dataDir);
      await watchFiles.open();
      const moved = new PostgresWatchState(pool);
      for (const key of [hebei, anhui]) expect(await moved.read(key)).toEqual(await watchFiles.read(key));
      expect((await moved.read(hebei)).status.baselined).toBe(true);
      expect(await moved.addedSources()).toEqual([added]);
      expect(await moved.removedKeys()).toEqual(['https://jlca.miit.gov.cn/xwdt/tzgg']);
      await watchFiles.close();
    } finally {
      await pool.end();
    }

    // With DATABASE_URL, `kb stats` reads the database, and finds what the files hold.
    const fromDb = await runCli('bot/cli/kb.ts', ['stats'], { DATA_DIR: dataDir, DATABASE_URL: url });
    const fromFiles = await runCli('bot/cli/kb.ts', ['stats'], { DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(fromDb.code).toBe(0);
    expect(fromDb.stdout.split('\n')[0]).toMatch(/^知识库 postgres:\/\/[^/\s]+\/cw_test_\w+ \(knowledge\)$/);
    expect(fromDb.stdout.split('\n').slice(1)).toEqual(fromFiles.stdout.split('\n').slice(1));
    expect(fromDb.stdout).toContain('通告 2 份');

    // Into a database that is no longer empty: refused, nothing doubled.
    const again = await runCli('bot/cli/kb.ts', ['migrate-to-postgres'], { DATA_DIR: dataDir, DATABASE_URL: url });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('不是空的');
  }, 60_000);

  it('refuses a database whose only state is the watcher\'s, rather than mixing two memories', async () => {
    const url = await db.another();
    const pool = testPool(url, 2);
    try {
      await migrate(pool);
      await new PostgresWatchState(pool).removeSource('https://jlca.miit.gov.cn/xwdt/tzgg');
    } finally {
      await pool.end();
    }
    const run = await runCli('bot/cli/kb.ts', ['migrate-to-postgres'], { DATA_DIR: await mkdtemp(join(tmpdir(), 'cw-migrate-')), DATABASE_URL: url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('不是空的(已有通告、订阅或来源关注记录)');
  });

  it('says what it needs without DATABASE_URL', async () => {
    const run = await runCli('bot/cli/kb.ts', ['migrate-to-postgres'], { DATA_DIR: await mkdtemp(join(tmpdir(), 'cw-migrate-')), DATABASE_URL: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('需要 DATABASE_URL');
  });
});
