import { ensureShippedSources, reparseOutdated } from '../knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { KnowledgeData, KnowledgeStore } from '../knowledge/store.ts';
import type { Logger } from './logger.ts';

/**
 * Keeps the running bot's knowledge current: loads it at startup (adding
 * the shipped bulletins if the store lacks them) and reloads it whenever
 * the store's file changes, whether the bot or `npm run ingest` wrote it.
 */
export class KnowledgeService {
  private current: KnowledgeBase | undefined;
  private stopWatching: (() => void) | undefined;
  private reloading: Promise<void> | undefined;
  private again = false;
  private readonly listeners: Array<(kb: KnowledgeBase, previous: KnowledgeBase) => void> = [];

  constructor(
    readonly store: KnowledgeStore,
    private readonly log: Logger,
  ) {}

  async start(options: { watch?: boolean; watchIntervalMs?: number } = {}): Promise<KnowledgeBase> {
    // At national scale one read of the store is most of the start-up time: the checks below share it,
    // and only when they ingest something is the store read again.
    const store = new LoadedOnce(this.store, await this.store.load());
    const seeded = await ensureShippedSources(store);
    for (const r of seeded) this.log.info('shipped bulletin ingested', { id: r.outcome.bulletin.id, status: r.outcome.status });
    for (const r of await reparseOutdated(store)) {
      this.log.info('bulletin re-parsed by the current parser', { id: r.outcome.bulletin.id, status: r.outcome.status });
    }
    this.current = new KnowledgeBase(await store.load());
    if (options.watch ?? true) this.stopWatching = this.store.watch(() => void this.reload(), options.watchIntervalMs);
    return this.current;
  }

  get(): KnowledgeBase {
    if (!this.current) throw new Error('knowledge not loaded yet');
    return this.current;
  }

  onReload(listener: (kb: KnowledgeBase, previous: KnowledgeBase) => void): void {
    this.listeners.push(listener);
  }

  /** Reloads from the store; concurrent calls coalesce into one more reload. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.again = false;
        try {
          const started = performance.now();
          const previous = this.get();
          const next = new KnowledgeBase(await this.store.load(), previous);
          this.current = next;
          this.log.info('knowledge reloaded', {
            bulletins: next.bulletins.length,
            facts: next.index.size,
            ms: Math.round(performance.now() - started),
          });
          for (const l of this.listeners) l(next, previous);
        } catch (e) {
          // Keep answering from what we have; a half-written or damaged file must not take the bot down.
          this.log.error('knowledge reload failed; keeping the previous knowledge', { error: e });
        }
      } while (this.again);
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  stop(): void {
    this.stopWatching?.();
  }
}

/**
 * A store that answers load() with data already read until someone writes,
 * after which it reads the file again. Startup checks (shipped bulletins,
 * outdated parses) load the store several times; when they change nothing,
 * this makes those loads free.
 */
class LoadedOnce implements KnowledgeStore {
  constructor(
    private readonly inner: KnowledgeStore,
    private data: KnowledgeData | undefined,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  async load(): Promise<KnowledgeData> {
    return this.data ?? this.inner.load();
  }

  update<R>(fn: (data: KnowledgeData) => R, changed?: (result: R) => boolean): Promise<R> {
    this.data = undefined;
    return this.inner.update(fn, changed);
  }

  watch(onChange: () => void, intervalMs?: number): () => void {
    return this.inner.watch(onChange, intervalMs);
  }

  saveSource(contentHash: string, text: string): Promise<void> {
    return this.inner.saveSource(contentHash, text);
  }

  readSource(contentHash: string): Promise<string | undefined> {
    return this.inner.readSource(contentHash);
  }
}
