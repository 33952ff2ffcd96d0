import { ensureShippedSources, ingestText, reparseOutdated } from '../knowledge/ingest/ingest.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { DamagedFileError, type KnowledgeData, type KnowledgeRecovery, type KnowledgeStore } from '../knowledge/store/store.ts';
import type { Logger } from './logger.ts';

/** Startup stopped on purpose: the message says which file, what is wrong and what to do. */
export class RefusedToStart extends Error {
  override name = 'RefusedToStart';
}

/** Printed to stderr as well as logged: a restore from backup must not go unnoticed. */
export function shout(lines: string[]): void {
  const bar = '!'.repeat(60);
  process.stderr.write(`${bar}\n${lines.map((l) => `!! ${l}`).join('\n')}\n${bar}\n`);
}

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
    readonly store: KnowledgeStore & KnowledgeRecovery,
    private readonly log: Logger,
  ) {}

  async start(options: { watch?: boolean; watchIntervalMs?: number } = {}): Promise<KnowledgeBase> {
    // At national scale one read of the store is most of the start-up time: the checks below share it,
    // and only when they ingest something is the store read again.
    const store = new LoadedOnce(this.store, await this.loadOrRecover());
    const seeded = await ensureShippedSources(store);
    for (const r of seeded) this.log.info('shipped bulletin ingested', { id: r.outcome.bulletin.id, status: r.outcome.status });
    for (const r of await reparseOutdated(store)) {
      this.log.info('bulletin re-parsed by the current parser', { id: r.outcome.bulletin.id, status: r.outcome.status });
    }
    this.current = new KnowledgeBase(await store.load());
    if (options.watch ?? true) this.stopWatching = this.store.watch(() => void this.reload(), options.watchIntervalMs);
    return this.current;
  }

  /**
   * A damaged knowledge file never means starting empty: the last good copy
   * is put back, and any bulletin newer than that copy is read again from
   * the texts kept in DATA_DIR/sources (with no good copy, all of them are).
   * Both say so loudly. With neither, the bot refuses to start and says
   * which file is wrong.
   */
  private async loadOrRecover(): Promise<KnowledgeData> {
    try {
      return await this.store.load();
    } catch (e) {
      if (!(e instanceof DamagedFileError)) throw e;
      const kept = await this.store.keptSources();
      const restored = await this.store.restoreLastGood();
      if (!restored && !kept.length) {
        throw new RefusedToStart(
          `知识库文件 ${e.path} 已损坏:${e.reason}\n没有完好的备份(${e.path}.bak),也没有保存的通告原文(sources/)。机器人没有启动,以免在空知识库上运行。\n请检查该文件;若确认无法修复,把它移走后重新启动(将只含内置通告),再用 npm run ingest 重新导入通告。`,
        );
      }
      const aside = restored ?? (await this.store.setAside());
      const have = new Set((await this.store.load()).bulletins.map((b) => b.contentHash));
      let reread = 0;
      for (const source of kept.filter((k) => !have.has(k.name.replace(/\.txt$/, '')))) {
        try {
          await ingestText(this.store, source.text, `sources/${source.name}`);
          reread++;
        } catch (error) {
          this.log.error('a kept bulletin could not be read again', { source: source.name, error });
        }
      }
      const how = restored ? `已用上一个完好副本(${e.path}.bak)恢复` : '没有完好的备份';
      this.announce(e, `${how};从保存的通告原文重新导入 ${reread} 份。损坏的文件另存为 ${aside}。`);
      return this.store.load();
    }
  }

  private announce(e: DamagedFileError, what: string): void {
    this.log.error('KNOWLEDGE FILE DAMAGED — recovered', { file: e.path, reason: e.reason, action: what });
    shout([`知识库文件损坏 / damaged knowledge file: ${e.path}`, `问题:${e.reason}`, what]);
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
