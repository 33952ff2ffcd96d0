import 'dotenv/config';
import { CATEGORIES } from '../../knowledge/categories.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { DamagedFileError, LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { cliConfig, fail } from './cli-config.ts';
import { cliKnowledgeStore } from './knowledge-store.ts';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openPool } from '../../knowledge/store/migrate.ts';
import { describeDatabase, PostgresKnowledgeStore } from '../../knowledge/store/postgres.ts';
import type { KnowledgeData } from '../../knowledge/store/store.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { PostgresStateStore } from '../state-store-postgres.ts';
import { StateStore } from '../state-store.ts';
import { PostgresWatchState } from '../watch-state-postgres.ts';
import { LowdbWatchState } from '../watch-state.ts';

const USAGE = `用法 / usage:
  npm run kb -- export   整个知识库(通告、运营商、记录)以 JSON 输出到 stdout
  npm run kb -- stats    统计数字
  npm run kb -- migrate-to-postgres
                         把 DATA_DIR 的知识库、通告原文、订阅状态和来源关注记录复制到 DATABASE_URL 指向的空数据库,
                         并逐项核对数量;DATA_DIR 中的 JSON 文件保持不变`;

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command !== 'export' && command !== 'stats' && command !== 'migrate-to-postgres') fail(USAGE);
  const config = cliConfig();
  if (command === 'migrate-to-postgres') return migrateToPostgres(config);
  const store = await cliKnowledgeStore(config);
  let kb: KnowledgeBase;
  try {
    kb = new KnowledgeBase(await store.load());
  } catch (e) {
    if (e instanceof DamagedFileError) fail(`知识库文件损坏:${e.message}`);
    throw e;
  }
  if (command === 'export') {
    const data = await store.load();
    process.stdout.write(`${JSON.stringify({ ...data, carriers: kb.carriers }, null, 2)}\n`);
    return;
  }
  const byCategory = new Map<string, number>();
  for (const b of kb.bulletins) for (const f of kb.factsIn(b.id)) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
  const lines = [
    `知识库 ${store.path}`,
    `通告 ${kb.bulletins.length} 份 · 运营商 ${kb.carriers.length} 家 · 记录 ${kb.index.size} 条`,
    '',
    '按类别:',
    ...[...byCategory].sort((a, b) => b[1] - a[1]).map(([c, n]) => `  ${CATEGORIES[c as keyof typeof CATEGORIES].label} ${n}`),
    '',
    '按运营商:',
    ...kb.carriers.map((c) => `  ${c.shortName} ${kb.factsOf(c.id).length}`),
    '',
    '按通告:',
    ...kb.bulletins.map((b) => `  ${b.id} ${kb.factsIn(b.id).length}(${b.title})`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Copies DATA_DIR into an empty database and compares what is there
 * afterwards with what the files hold. The files are only read: the state
 * is opened from a copy, since opening it in place may trim a torn journal line.
 */
async function migrateToPostgres(config: Config): Promise<void> {
  const url = config.DATABASE_URL;
  if (!url) fail('需要 DATABASE_URL,例如 postgres://bot:密码@127.0.0.1:5432/carrier_watch');
  const files = new LowdbKnowledgeStore(config.DATA_DIR);
  let data: KnowledgeData;
  try {
    data = await files.load();
  } catch (e) {
    if (e instanceof DamagedFileError) fail(`知识库文件损坏,未迁移:${e.message}`);
    throw e;
  }
  const sources = await files.keptSources();
  const copy = await mkdtemp(join(tmpdir(), 'cw-state-copy-'));
  const pool = openPool(url, { max: 2 });
  try {
    for (const name of ['state', 'watch'].flatMap((n) => [`${n}.json`, `${n}.json.bak`, `${n}.journal`])) {
      await copyFile(join(config.DATA_DIR, name), join(copy, name)).catch(() => undefined);
    }
    const state = new StateStore(copy);
    const watch = new LowdbWatchState(copy);
    try {
      await state.open();
      await watch.open();
    } catch (e) {
      if (e instanceof DamagedFileError) fail(`状态文件损坏,未迁移:${e.message}`);
      throw e;
    }
    await migrate(pool);
    const knowledge = new PostgresKnowledgeStore(pool, url);
    const shared = new PostgresStateStore(pool, url, createLogger('silent'));
    const before = await knowledge.load();
    const stateBefore = await shared.counts();
    const watchedSources = new PostgresWatchState(pool);
    const watchBefore = await watchedSources.counts();
    const watchHeld = watchBefore.sources + watchBefore.seen + watchBefore.added + watchBefore.removed;
    if (before.bulletins.length || before.facts.length || stateBefore.active + stateBefore.ended + stateBefore.runs > 0 || watchHeld > 0) {
      fail(`数据库 ${describeDatabase(url)} 不是空的(已有通告、订阅或来源关注记录),未迁移。请换一个新建的数据库。`);
    }
    for (const s of sources) await knowledge.saveSource(s.name.replace(/\.txt$/, ''), s.text);
    await knowledge.update((d) => {
      d.seq = data.seq;
      d.bulletins = data.bulletins;
      d.facts = data.facts;
    });
    const runs = state.unfinishedRuns();
    const digests = Object.fromEntries(runs.flatMap((r) => r.deliveries.map((d) => [d.digest, state.digest(d.digest) ?? []])));
    const subs = state.allSubscriptions();
    const counts = await shared.importState({ subscriptions: subs, runs, digests, totals: state.totals() });
    // Without the watcher's memory every source would be taken as new and re-baselined, its news since then missed.
    const watched = watch.contents();
    const watchCounts = await watchedSources.importState(watched);
    const watchedKeys = Object.keys(watched.sources);
    const back = await new PostgresKnowledgeStore(pool, url).load();
    const sameIds = (a: ReadonlyArray<{ id: string }>, b: ReadonlyArray<{ id: string }>): boolean =>
      a.length === b.length && new Set([...a, ...b].map((x) => x.id)).size === a.length;
    const checks: Array<[string, number, number, boolean?]> = [
      ['通告', data.bulletins.length, back.bulletins.length, sameIds(data.bulletins, back.bulletins)],
      ['记录', data.facts.length, back.facts.length, sameIds(data.facts, back.facts)],
      ['通告原文', sources.length, (await knowledge.keptSources()).length],
      ['知识库序号', data.seq, back.seq],
      ['有效订阅', subs.filter((s) => s.active).length, counts.active],
      ['已退订', subs.filter((s) => !s.active).length, counts.ended],
      ['未完成的推送', runs.length, counts.runs],
      ['其中的摘要投递', runs.reduce((n, r) => n + r.deliveries.length, 0), counts.deliveries],
      ['累计发送消息', state.totals().messagesSent, counts.messagesSent],
      ['关注的来源', watchedKeys.length, watchCounts.sources],
      ['来源中已见的链接', watchedKeys.reduce((n, k) => n + new Set(watched.sources[k]!.seen).size, 0), watchCounts.seen],
      ['添加的来源', watched.added.length, watchCounts.added],
      ['移除的来源', watched.removed.length, watchCounts.removed],
    ];
    const bad = checks.filter(([, a, b, same]) => a !== b || same === false);
    const lines = checks.map(([what, a, b, same]) => `  ${a === b && same !== false ? '✓' : '✗'} ${what}:文件 ${a} · 数据库 ${b}`);
    process.stdout.write(`迁移到 ${describeDatabase(url)}\n${lines.join('\n')}\n`);
    if (bad.length) {
      process.stderr.write('核对不一致,请检查后再切换到 DATABASE_URL。\n');
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`全部一致。DATA_DIR(${config.DATA_DIR})中的文件未改动;设置 DATABASE_URL 后重启即可使用数据库。\n`);
  } finally {
    await pool.end();
    await rm(copy, { recursive: true, force: true });
  }
}

void main();
