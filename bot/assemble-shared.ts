import { migrate, openPool } from '../knowledge/store/migrate.ts';
import { describeDatabase, PostgresKnowledgeStore } from '../knowledge/store/postgres.ts';
import { serve, startKnowledge, type App, type FrontEnd } from './assembly.ts';
import { DEFAULT_LIMITS } from './broadcaster.ts';
import type { Config } from './config.ts';
import { describeSchedule, scheduleDigests } from './digest-schedule.ts';
import { whileLeader } from './leadership.ts';
import type { Logger } from './logger.ts';
import { createSharedDigestService, SharedDigestRunner, tickOf } from './shared-digests.ts';
import { SharedOutbox } from './shared-outbox.ts';
import { PostgresStateStore } from './state-store-postgres.ts';
import { PostgresWatchState } from './watch-state-postgres.ts';

/** Held by the one instance that polls the watched sources (see whileLeader). */
const WATCH_LEADER_LOCK = 7_424_301;

/**
 * Several instances on one PostgreSQL (DATABASE_URL): knowledge reloads on
 * NOTIFY, subscriptions are shared, each digest run is recorded once per
 * tick and every instance drains the one outbox within one send budget.
 */
export async function assembleShared(config: Config, url: string, log: Logger, front: FrontEnd): Promise<App> {
  const pool = openPool(url, { max: 10, onError: (error) => log.warn('database connection lost; it will be reopened', { error }) });
  const applied = await migrate(pool);
  log.info('database ready', { database: describeDatabase(url), migrationsApplied: applied });
  const store = new PostgresKnowledgeStore(pool, url, (what, error) => log.warn(what, { error }));
  const knowledge = await startKnowledge(store, log);
  const state = new PostgresStateStore(pool, url, log);
  await state.open();
  const outbox = new SharedOutbox(state, front.sender, log, { ...DEFAULT_LIMITS, perSecond: config.BROADCAST_PER_SECOND });
  const runner = new SharedDigestRunner(state, () => knowledge.get(), outbox, log);
  const withSeconds = config.DIGEST_CRON.trim().split(/\s+/).length === 6;
  const schedule = scheduleDigests(config.DIGEST_CRON, config.DIGEST_TZ, () => runner.runAll('scheduled', tickOf(new Date(), withSeconds)), log);
  const digests = createSharedDigestService({
    state,
    runner,
    knowledge: () => knowledge.get(),
    log,
    schedule: describeSchedule(config.DIGEST_CRON, config.DIGEST_TZ),
    nextRun: () => schedule.getNextRun() ?? undefined,
    isGroupAdmin: front.isGroupAdmin,
  });
  const progress = setInterval(() => void digests.refresh().catch(() => undefined), 2000);
  const housekeeping = setInterval(() => void state.forgetOldUpdates().catch(() => undefined), 3_600_000);
  const { services, stopWatching } = await serve(config, log, front, {
    store,
    knowledge,
    digests,
    runInstant: () => runner.runInstant(),
    sharedWatch: {
      state: new PostgresWatchState(pool),
      lead: (start, stop) =>
        whileLeader(
          url,
          WATCH_LEADER_LOCK,
          async () => {
            log.info('this instance watches the sources');
            start();
            return stop;
          },
          log,
        ),
    },
  });
  outbox.start();
  return {
    services,
    runner: {
      // Nothing to resume by hand: whatever a dead instance left pending is in the outbox every instance drains.
      resume: async () => undefined,
      runInstant: () => runner.runInstant(),
    },
    async stop() {
      clearInterval(progress);
      clearInterval(housekeeping);
      await stopWatching();
      await schedule.stop();
      // The batch in hand is finished and committed before the connections go.
      await outbox.stop();
      knowledge.stop();
      await state.close();
      await pool.end();
    },
    webhook: {
      ledger: { claim: (id) => state.claimUpdate(id), finish: (id) => state.finishUpdate(id), release: (id) => state.releaseUpdate(id) },
      ready: async () => {
        await pool.query('SELECT 1');
        return { ok: true, detail: { store: describeDatabase(url), bulletins: knowledge.get().bulletins.length } };
      },
      // A subscription change counts once it is committed, not when the reply went out.
      afterUpdate: () => state.settle(),
    },
  };
}
