import { migrate, openPool } from '../../knowledge/store/migrate.ts';
import { describeDatabase, PostgresKnowledgeStore } from '../../knowledge/store/postgres.ts';
import { LowdbKnowledgeStore, type KnowledgeStore } from '../../knowledge/store/store.ts';
import type { Config } from '../config.ts';
import { fail } from './cli-config.ts';

/**
 * The knowledge store a command-line tool works on: the one the bots read,
 * so DATABASE_URL's database when it is set (migrated first, as a bot does
 * at start, so a tool run before any bot still finds the tables), else
 * DATA_DIR's files. The pool may end when idle, so a tool exits once its
 * work is done without having to close it.
 */
export async function cliKnowledgeStore(config: Config): Promise<KnowledgeStore> {
  const url = config.DATABASE_URL;
  if (!url) return new LowdbKnowledgeStore(config.DATA_DIR);
  const pool = openPool(url, { max: 2, allowExitOnIdle: true });
  try {
    await migrate(pool);
  } catch (e) {
    // describeDatabase leaves the password out; pg's own messages never carry it.
    fail(`无法使用数据库 ${describeDatabase(url)}:${(e as Error).message}`);
  }
  return new PostgresKnowledgeStore(pool, url);
}
