import 'dotenv/config';
import { RecentQueries } from '../handlers/query-memory.ts';
import type { Services } from '../handlers/request.ts';
import { ingestBytes } from '../knowledge/ingest/ingest.ts';
import { DamagedFileError, LowdbKnowledgeStore, type KnowledgeStore } from '../knowledge/store/store.ts';
import { Broadcaster, DEFAULT_LIMITS, type Sender } from './broadcaster.ts';
import { ConfigError, DEFAULT_WATCH_USER_AGENT, loadConfig, type Config } from './config.ts';
import { DigestRunner } from './digest-runner.ts';
import { describeSchedule, scheduleDigests } from './digest-schedule.ts';
import { createDigestService } from './digest-service.ts';
import { KnowledgeService, RefusedToStart, shout } from './knowledge-service.ts';
import { createLogger, type Logger } from './logger.ts';
import { StateStore } from './state-store.ts';
import { createTelegramBot, publishCommands, telegramSender } from './telegram.ts';
import { renderReply, runTerminalChat } from './terminal.ts';
import { DEFAULT_POLICY } from '../knowledge/watch/decide.ts';
import { loadSources, SourcesFileError } from '../knowledge/watch/sources.ts';
import { Fetcher } from './fetcher.ts';
import { WatchRunner, watchService } from './watch-runner.ts';
import { LowdbWatchState, type WatchStateStore } from './watch-state.ts';
import { migrate, openPool } from '../knowledge/store/migrate.ts';
import { describeDatabase, PostgresKnowledgeStore } from '../knowledge/store/postgres.ts';
import {
  createSharedDigestService,
  PostgresStateStore,
  PostgresWatchState,
  SharedDigestRunner,
  SharedOutbox,
  tickOf,
  whileLeader,
} from './state-store-postgres.ts';
import { MemoryUpdateLedger, startWebhook, type UpdateLedger, type WebhookServer } from './webhook.ts';

/**
 * Each source waits up to this long at a tick, so the sites do not all see
 * the bot in the same second; a schedule with a seconds field asked for
 * precision, so it gets less.
 */
const watchJitterMs = (cron: string): number => (cron.trim().split(/\s+/).length === 6 ? 500 : 5_000);

/** Held by the one instance that polls the watched sources (see whileLeader). */
const WATCH_LEADER_LOCK = 7_424_301;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n请修改环境变量或 .env 后重试(参见 .env.example)。\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** Everything both front ends share: knowledge, state, digests. */
async function assemble(config: Config, log: Logger, mode: 'telegram' | 'terminal', sender: Sender, isGroupAdmin: (chatId: number, userId: number) => Promise<boolean>) {
  // The terminal tries things out on DATA_DIR, never on the instances' shared database.
  if (config.DATABASE_URL && mode === 'telegram') return assembleShared(config, config.DATABASE_URL, log, sender, isGroupAdmin);
  const store = new LowdbKnowledgeStore(config.DATA_DIR);
  const knowledge = new KnowledgeService(store, log);
  await knowledge.start();
  // The terminal keeps its own state, so trying things out never touches a running bot's subscribers.
  const state = new StateStore(config.DATA_DIR, mode === 'terminal' ? 'terminal-state' : 'state');
  await state.open((damaged, movedTo) => {
    log.error('STATE FILE DAMAGED — restored the previous copy', { file: damaged.path, reason: damaged.reason, damagedCopy: movedTo });
    shout([`状态文件损坏 / damaged state file: ${damaged.path}`, `问题:${damaged.reason}`, `已用上一个完好副本恢复,并重放日志,订阅未丢失。损坏的文件另存为 ${movedTo}。`]);
  });
  const broadcaster = new Broadcaster(state, sender, log, { ...DEFAULT_LIMITS, perSecond: config.BROADCAST_PER_SECOND });
  const runner = new DigestRunner(state, () => knowledge.get(), broadcaster, log);
  const schedule = mode === 'telegram' ? scheduleDigests(config.DIGEST_CRON, config.DIGEST_TZ, () => runner.runAll('scheduled'), log) : undefined;
  const digests = createDigestService({
    state,
    runner,
    broadcaster,
    knowledge: () => knowledge.get(),
    log,
    schedule: describeSchedule(config.DIGEST_CRON, config.DIGEST_TZ),
    nextRun: () => schedule?.getNextRun() ?? undefined,
    isGroupAdmin,
    canBroadcast: mode === 'telegram',
  });
  const watch = await startWatching(config, log, mode, store, sender, {
    reload: () => knowledge.reload(),
    instant: () => void runner.runInstant()?.catch((error: unknown) => log.error('instant digest run failed', { error })),
  });
  const services: Services = {
    knowledge: () => knowledge.get(),
    queries: new RecentQueries(),
    maxUploadBytes: config.INGEST_MAX_BYTES,
    async ingest(bytes, fileName) {
      const result = await ingestBytes(store, bytes, fileName, config.INGEST_MAX_BYTES);
      // Answer from the new bulletin right away rather than at the next file poll.
      await knowledge.reload();
      return result;
    },
    digests,
    ...(watch ? { watch: watchService(watch.runner, log) } : {}),
  };
  const stop = async (): Promise<void> => {
    await watch?.stop();
    await schedule?.stop();
    knowledge.stop();
    await state.close();
  };
  const webhook = {
    ledger: new MemoryUpdateLedger() as UpdateLedger,
    ready: async () => ({ ok: true, detail: { store: 'files', bulletins: knowledge.get().bulletins.length } }),
    afterUpdate: async () => undefined,
  };
  return { services, runner, stop, webhook };
}

/**
 * Several instances on one PostgreSQL (DATABASE_URL): knowledge reloads on
 * NOTIFY, subscriptions are shared, each digest run is recorded once per
 * tick and every instance drains the one outbox within one send budget.
 */
async function assembleShared(
  config: Config,
  url: string,
  log: Logger,
  sender: Sender,
  isGroupAdmin: (chatId: number, userId: number) => Promise<boolean>,
) {
  const pool = openPool(url, { max: 10, onError: (error) => log.warn('database connection lost; it will be reopened', { error }) });
  const applied = await migrate(pool);
  log.info('database ready', { database: describeDatabase(url), migrationsApplied: applied });
  const store = new PostgresKnowledgeStore(pool, url, (what, error) => log.warn(what, { error }));
  const knowledge = new KnowledgeService(store, log);
  await knowledge.start();
  const state = new PostgresStateStore(pool, url, log);
  await state.open();
  const outbox = new SharedOutbox(state, sender, log, { ...DEFAULT_LIMITS, perSecond: config.BROADCAST_PER_SECOND });
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
    isGroupAdmin,
  });
  const progress = setInterval(() => void digests.refresh().catch(() => undefined), 2000);
  const housekeeping = setInterval(() => void state.forgetOldUpdates().catch(() => undefined), 3_600_000);
  const watch = await startWatching(
    config,
    log,
    'telegram',
    store,
    sender,
    {
      reload: () => knowledge.reload(),
      instant: () => void runner.runInstant()?.catch((error: unknown) => log.error('instant digest run failed', { error })),
    },
    {
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
  );
  const services: Services = {
    knowledge: () => knowledge.get(),
    queries: new RecentQueries(),
    maxUploadBytes: config.INGEST_MAX_BYTES,
    async ingest(bytes, fileName) {
      const result = await ingestBytes(store, bytes, fileName, config.INGEST_MAX_BYTES);
      await knowledge.reload();
      return result;
    },
    digests,
    ...(watch ? { watch: watchService(watch.runner, log) } : {}),
  };
  outbox.start();
  const stop = async (): Promise<void> => {
    clearInterval(progress);
    clearInterval(housekeeping);
    await watch?.stop();
    await schedule.stop();
    // The batch in hand is finished and committed before the connections go.
    await outbox.stop();
    knowledge.stop();
    await state.close();
    await pool.end();
  };
  const webhook = {
    ledger: { claim: (id: number) => state.claimUpdate(id), finish: (id: number) => state.finishUpdate(id), release: (id: number) => state.releaseUpdate(id) } as UpdateLedger,
    ready: async () => {
      await pool.query('SELECT 1');
      return { ok: true, detail: { store: describeDatabase(url), bulletins: knowledge.get().bulletins.length } };
    },
    // A subscription change counts once it is committed, not when the reply went out.
    afterUpdate: () => state.settle(),
  };
  const sharedRunner = {
    // Nothing to resume by hand: whatever a dead instance left pending is in the outbox every instance drains.
    resume: async () => undefined,
    runInstant: () => runner.runInstant(),
  };
  return { services, runner: sharedRunner, stop, webhook };
}

/**
 * The source watcher, when WATCH says so (default: on with a token, off in
 * the terminal): one loop on WATCH_CRON, one notifier that tells ADMIN_IDS.
 */
async function startWatching(
  config: Config,
  log: Logger,
  mode: 'telegram' | 'terminal',
  store: KnowledgeStore,
  sender: Sender,
  after: { reload: () => Promise<void>; instant: () => void },
  shared?: { state: WatchStateStore; lead: (start: () => void, stop: () => Promise<void>) => () => Promise<void> },
): Promise<{ runner: WatchRunner; stop: () => Promise<void> } | undefined> {
  if (!(config.WATCH ?? mode === 'telegram')) return undefined;
  const shipped = await loadSources(config.WATCH_SOURCES_FILE);
  // The terminal keeps its own watch state, as it keeps its own bot state: one writer per file.
  const state = shared?.state ?? new LowdbWatchState(config.DATA_DIR, mode === 'terminal' ? 'terminal-watch' : 'watch');
  await state.open();
  const fetcher = new Fetcher({ userAgent: config.WATCH_USER_AGENT, allowPrivate: config.WATCH_ALLOW_PRIVATE });
  if (config.WATCH_USER_AGENT === DEFAULT_WATCH_USER_AGENT) log.warn('WATCH_USER_AGENT names no contact URL; site owners expect one');
  const runner = new WatchRunner({
    store,
    state,
    fetcher,
    shipped,
    policy: { ...DEFAULT_POLICY, backfill: config.WATCH_BACKFILL },
    notifier: {
      async notify(html) {
        if (!config.ADMIN_IDS.length) log.warn('source alert with no ADMIN_IDS to tell', { html });
        for (const admin of config.ADMIN_IDS) await sender.send(admin, { html });
      },
    },
    log,
    async onIngested(news) {
      await after.reload();
      if (news) after.instant();
    },
    jitterMs: watchJitterMs(config.WATCH_CRON),
  });
  // With several instances only the one holding the lead polls; every one serves /sources from the shared state.
  const stopLeading = shared ? shared.lead(() => runner.start(config.WATCH_CRON), () => runner.stop()) : (runner.start(config.WATCH_CRON), undefined);
  log.info('watching sources', { sources: (await runner.sources()).length, cron: config.WATCH_CRON });
  return {
    runner,
    async stop() {
      await stopLeading?.();
      await runner.stop();
      await fetcher.close();
      await state.close();
    },
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const token = config.BOT_TOKEN;
  // In the terminal, routine info lines would interleave with the chat; show them only when asked for.
  const level = token || process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn';
  const log = createLogger(level, token ? [token] : []);

  if (!token) {
    const terminalSender: Sender = { send: async (_chatId, message) => void process.stdout.write(`${renderReply({ messages: [message] }).text}\n`) };
    const app = await assemble(config, log, 'terminal', terminalSender, async () => true);
    await runTerminalChat(app.services);
    await app.stop();
    return;
  }

  if (config.BOT_MODE === 'webhook' && !config.WEBHOOK_SECRET) {
    // Before anything is opened: an unchecked webhook would take updates from anyone who finds the URL.
    process.stderr.write('BOT_MODE=webhook 需要 WEBHOOK_SECRET(1–256 个字母、数字、_ 或 -),每个请求都会核对它。\n');
    process.exit(2);
  }
  let bot: ReturnType<typeof createTelegramBot> | undefined;
  const app = await assemble(config, log, 'telegram', telegramSender(() => bot!), async (chatId, userId) => {
    const member = await bot!.telegram.getChatMember(chatId, userId);
    return member.status === 'creator' || member.status === 'administrator';
  });
  bot = createTelegramBot({ config: { ...config, BOT_TOKEN: token }, log, services: app.services });
  let webhook: WebhookServer | undefined;
  const shutdown = (signal: string): void => {
    log.info('shutting down', { signal });
    void (async () => {
      // Updates in hand are finished before the stores close.
      if (webhook) await webhook.close();
      else bot!.stop(signal);
      await app.stop();
    })();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await publishCommands(bot, log);
  const ready = (): void => {
    log.info('bot ready', { bulletins: app.services.knowledge().bulletins.length });
    // A broadcast a crash interrupted goes on where it stopped.
    app.runner.resume().catch((error: unknown) => log.error('could not resume the interrupted broadcast', { error }));
    // 即时 chats owed a digest when the bot stopped (news ingested, digest not yet sent) get it now.
    app.runner.runInstant()?.catch((error: unknown) => log.error('instant digest run failed', { error }));
  };
  if (config.BOT_MODE === 'webhook' && config.WEBHOOK_SECRET) {
    webhook = await startWebhook({ bot, log, path: config.WEBHOOK_PATH, secret: config.WEBHOOK_SECRET, port: config.PORT, ...app.webhook });
    ready();
  } else await bot.launch(ready);
}

main().catch((e: unknown) => {
  if (e instanceof RefusedToStart || e instanceof DamagedFileError || e instanceof SourcesFileError) {
    const advice =
      e instanceof DamagedFileError ? '\n没有可用的完好副本。机器人没有启动,以免丢失订阅或在空数据上运行。请检查或修复该文件后再启动。' : '';
    process.stderr.write(`机器人没有启动 / not started:\n${e.message}${advice}\n`);
    process.exit(1);
  }
  // Last resort: the logger may not exist yet, so redact the token shape by hand.
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  process.stderr.write(`启动失败 / failed to start: ${text.replace(/\d{6,}:[A-Za-z0-9_-]{20,}/g, '[REDACTED]')}\n`);
  process.exit(1);
});
