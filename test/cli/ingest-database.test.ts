import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { KNOWLEDGE_CHANNEL, PostgresKnowledgeStore } from '../../knowledge/store/postgres.ts';
import { readShipped } from '../helpers/knowledge.ts';
import { testPool, usePostgres } from '../helpers/postgres.ts';
import { runCli } from '../helpers/run-cli.ts';

const db = usePostgres();

describe('npm run ingest with DATABASE_URL', () => {
  it('ingests into the database the bots read, tells them, and leaves DATA_DIR alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-ingest-db-'));
    const dataDir = join(dir, 'data');
    await writeFile(join(dir, '湖南.txt'), readShipped('000').replaceAll('吉林', '湖南'));
    await writeFile(join(dir, 'empty.txt'), '');
    const url = await db.another();

    // A bot LISTENs like this (PostgresKnowledgeStore.watch); awaited here so the notification cannot be missed.
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => {
      if (n.channel === KNOWLEDGE_CHANNEL) notified.push(n.payload ?? '');
    });
    await listener.query(`LISTEN ${KNOWLEDGE_CHANNEL}`);

    const pool = testPool(url, 2);
    try {
      const run = await runCli('bot/cli/ingest.ts', [join(dir, '湖南.txt'), join(dir, 'empty.txt')], { DATA_DIR: dataDir, DATABASE_URL: url });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('📥 2023年下半年湖南省电信服务质量通告');
      expect(run.stdout).toContain('运营商(3):湖南移动 🆕、湖南电信 🆕、湖南联通 🆕');
      expect(run.stdout).toContain(`✗ ${join(dir, 'empty.txt')}:文件是空的。`);

      const stored = await new PostgresKnowledgeStore(pool, url).load();
      expect(stored.seq).toBe(1);
      expect(stored.bulletins).toHaveLength(1);
      const [bulletin] = stored.bulletins;
      expect(bulletin!.title).toBe('2023年下半年湖南省电信服务质量通告');
      expect(bulletin!.region.province).toBe('HN');
      expect(stored.facts.filter((f) => f.bulletinId === bulletin!.id).length).toBeGreaterThan(0);
      expect(await new PostgresKnowledgeStore(pool, url).keptSources()).toHaveLength(1);
      await expect.poll(() => notified).toEqual(['1']);
      // The files were neither written nor created.
      await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });

      // `kb stats` with the same variable reads back what was ingested.
      const stats = await runCli('bot/cli/kb.ts', ['stats'], { DATA_DIR: dataDir, DATABASE_URL: url });
      expect(stats.code).toBe(0);
      expect(stats.stdout).toContain('通告 1 份 · 运营商 3 家');
    } finally {
      await listener.end();
      await pool.end();
    }
  }, 60_000);

  it('says clearly when the database cannot be reached, without showing the password', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-ingest-db-'));
    await writeFile(join(dir, '湖南.txt'), readShipped('000').replaceAll('吉林', '湖南'));
    // Port 9 (discard) on loopback: nothing listens there.
    const run = await runCli('bot/cli/ingest.ts', [join(dir, '湖南.txt')], { DATA_DIR: join(dir, 'data'), DATABASE_URL: 'postgres://bot:s3cret-pw@127.0.0.1:9/carrier_watch' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('无法使用数据库 postgres://127.0.0.1:9/carrier_watch:');
    expect(run.stderr + run.stdout).not.toContain('s3cret-pw');
    await expect(readdir(join(dir, 'data'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
