import { RecentQueries } from '../handlers/query-memory.ts';
import type { DigestService, Services } from '../handlers/request.ts';
import { ingestBytes } from '../knowledge/ingest/ingest.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { periodIndex } from '../knowledge/periods/series.ts';
import type { KnowledgeRecovery, KnowledgeStore } from '../knowledge/store/store.ts';
import { DEFAULT_POLICY } from '../knowledge/watch/decide.ts';
import { loadSources } from '../knowledge/watch/sources.ts';
import type { Sender } from './broadcaster.ts';
import { DEFAULT_WATCH_USER_AGENT, type Config } from './config.ts';
import { Fetcher } from './fetcher.ts';
import { KnowledgeService } from './knowledge-service.ts';
import type { Logger } from './logger.ts';
import { WatchRunner, watchService } from './watch-runner.ts';
import { LowdbWatchState, type WatchStateStore } from './watch-state.ts';
import type { WebhookOptions } from './webhook.ts';

/**
 * What both assemblies share: the shape of an assembled bot, the knowledge
 * service, the handlers' services and the source watcher. The assemblies
 * themselves (assemble-files.ts, assemble-shared.ts) differ only in their
 * stores and in how digests are run.
 */

/** What the front end (Telegram or the terminal chat) gives an assembly. */
export interface FrontEnd {
  mode: 'telegram' | 'terminal';
  sender: Sender;
  isGroupAdmin(chatId: number, userId: number): Promise<boolean>;
}

/** An assembled bot: what the front ends serve, and how to stop it. */
export interface App {
  services: Services;
  runner: { resume(): Promise<void>; runInstant(): Promise<unknown> | undefined };
  stop(): Promise<void>;
  webhook: Pick<WebhookOptions, 'ledger' | 'ready' | 'afterUpdate'>;
}

/** The watcher's state and lead when several instances share one database. */
export interface SharedWatch {
  state: WatchStateStore;
  lead(start: () => void, stop: () => Promise<void>): () => Promise<void>;
}

/**
 * Loads the knowledge and keeps it current. The periods index of every base
 * loaded is built right after, off the update path: at national scale it
 * takes about a second, which the first /compare or /trend would pay.
 */
export async function startKnowledge(store: KnowledgeStore & KnowledgeRecovery, log: Logger): Promise<KnowledgeService> {
  const knowledge = new KnowledgeService(store, log);
  // A base superseded by a newer reload before its turn is skipped.
  const prepare = (kb: KnowledgeBase): void => void setImmediate(() => knowledge.get() === kb && periodIndex(kb));
  prepare(await knowledge.start());
  knowledge.onReload(prepare);
  return knowledge;
}

/**
 * The services the handlers get, and the source watcher wired to the
 * knowledge (a watched bulletin reloads it and starts an instant digest
 * run). `stopWatching` ends the watcher, if WATCH started one.
 */
export async function serve(
  config: Config,
  log: Logger,
  front: FrontEnd,
  parts: {
    store: KnowledgeStore;
    knowledge: KnowledgeService;
    digests: DigestService;
    runInstant: () => Promise<unknown> | undefined;
    sharedWatch?: SharedWatch;
  },
): Promise<{ services: Services; stopWatching: () => Promise<void> }> {
  const { store, knowledge } = parts;
  const watch = await startWatching(
    config,
    log,
    front,
    store,
    {
      reload: () => knowledge.reload(),
      instant: () => void parts.runInstant()?.catch((error: unknown) => log.error('instant digest run failed', { error })),
    },
    parts.sharedWatch,
  );
  const services: Services = {
    knowledge: () => knowledge.get(),
    queries: new RecentQueries(),
    maxUploadBytes: config.INGEST_MAX_BYTES,
    async ingest(bytes, fileName) {
      const result = await ingestBytes(store, bytes, fileName, config.INGEST_MAX_BYTES);
      // Answer from the new bulletin right away rather than at the next file poll or notification.
      await knowledge.reload();
      return result;
    },
    digests: parts.digests,
    ...(watch ? { watch: watchService(watch.runner, log) } : {}),
  };
  return { services, stopWatching: async () => watch?.stop() };
}

/**
 * Each source waits up to this long at a tick, so the sites do not all see
 * the bot in the same second; a schedule with a seconds field asked for
 * precision, so it gets less.
 */
const watchJitterMs = (cron: string): number => (cron.trim().split(/\s+/).length === 6 ? 500 : 5_000);

/**
 * The source watcher, when WATCH says so (default: on with a token, off in
 * the terminal): one loop on WATCH_CRON, one notifier that tells ADMIN_IDS.
 */
async function startWatching(
  config: Config,
  log: Logger,
  front: FrontEnd,
  store: KnowledgeStore,
  after: { reload: () => Promise<void>; instant: () => void },
  shared?: SharedWatch,
): Promise<{ runner: WatchRunner; stop: () => Promise<void> } | undefined> {
  if (!(config.WATCH ?? front.mode === 'telegram')) return undefined;
  const shipped = await loadSources(config.WATCH_SOURCES_FILE);
  // The terminal keeps its own watch state, as it keeps its own bot state: one writer per file.
  const state = shared?.state ?? new LowdbWatchState(config.DATA_DIR, front.mode === 'terminal' ? 'terminal-watch' : 'watch');
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
        for (const admin of config.ADMIN_IDS) await front.sender.send(admin, { html });
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
