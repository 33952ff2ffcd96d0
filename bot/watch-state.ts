import { z } from 'zod';
import { SourceStatus, freshStatus } from '../knowledge/watch/decide.ts';
import { WatchSource } from '../knowledge/watch/sources.ts';
import { JournaledFile } from './journaled-file.ts';

/** What the watcher remembers of one source. */
export interface SourceRecord {
  status: SourceStatus;
  /** Every link seen on the list, read or skipped: never capped, or old items would come back as news. */
  seen: ReadonlySet<string>;
}

/**
 * The watcher's memory, keyed by sourceKey(url). Each write is durable when
 * its promise resolves: the runner records a link as seen only after the
 * bulletin behind it is committed to the knowledge store. Implementations:
 * the journaled lowdb file below; a PostgreSQL one beside the state store.
 */
export interface WatchStateStore {
  open(): Promise<void>;
  close(): Promise<void>;
  read(key: string): Promise<SourceRecord>;
  markSeen(key: string, urls: readonly string[]): Promise<void>;
  saveStatus(key: string, status: SourceStatus): Promise<void>;
  /** Sources added by /sources add, in the order they were added. */
  addedSources(): Promise<WatchSource[]>;
  /** Keys of sources removed by /sources remove (shipped ones stay in their file). */
  removedKeys(): Promise<string[]>;
  addSource(key: string, source: WatchSource): Promise<void>;
  removeSource(key: string): Promise<void>;
}

export const WATCH_STATE_VERSION = 1;

const SourceEntry = z.object({ status: SourceStatus, seen: z.array(z.string()) });
const WatchData = z.object({
  schemaVersion: z.literal(WATCH_STATE_VERSION),
  journalSeq: z.number().int().nonnegative(),
  sources: z.record(z.string(), SourceEntry),
  added: z.array(z.object({ key: z.string(), source: WatchSource })),
  removed: z.array(z.string()),
});
type WatchData = z.infer<typeof WatchData>;
/** Everything the watcher remembers, as `npm run kb -- migrate-to-postgres` copies it. */
export type WatchContents = Pick<WatchData, 'sources' | 'added' | 'removed'>;

const WatchEvent = z.discriminatedUnion('e', [
  z.object({ e: z.literal('seen'), seq: z.number(), key: z.string(), urls: z.array(z.string()) }),
  z.object({ e: z.literal('status'), seq: z.number(), key: z.string(), status: SourceStatus }),
  z.object({ e: z.literal('add'), seq: z.number(), key: z.string(), source: WatchSource }),
  z.object({ e: z.literal('remove'), seq: z.number(), key: z.string() }),
]);
type WatchEvent = z.infer<typeof WatchEvent>;

const COMPACT_EVERY = 500;

function emptyWatch(): WatchData {
  return { schemaVersion: WATCH_STATE_VERSION, journalSeq: 0, sources: {}, added: [], removed: [] };
}

/**
 * The watcher's state in DATA_DIR/watch.json and watch.journal, a journaled
 * file like the bot's state (bot/journaled-file.ts): every change is
 * journaled and synced before its promise resolves. After kill -9 the
 * snapshot plus the journal give back every change that resolved; a torn
 * last line is one that never did. One process writes it.
 */
export class LowdbWatchState implements WatchStateStore {
  private readonly journal: JournaledFile<WatchData, WatchEvent>;
  /** Each source's seen links as a set, for lookups; built from its entry on first use. */
  private seenSets = new Map<string, Set<string>>();

  constructor(
    readonly dataDir: string,
    name = 'watch',
  ) {
    this.journal = new JournaledFile(dataDir, name, {
      snapshot: { schema: WatchData, version: WATCH_STATE_VERSION },
      event: WatchEvent,
      empty: emptyWatch,
      apply: (d, ev) => this.apply(d, ev),
      compactEvery: COMPACT_EVERY,
    });
  }

  get snapshotPath(): string {
    return this.journal.snapshotPath;
  }

  get journalPath(): string {
    return this.journal.journalPath;
  }

  open(): Promise<void> {
    return this.journal.open();
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  /** A copy of everything remembered, for moving it to another store. */
  contents(): WatchContents {
    const { sources, added, removed } = this.journal.data;
    return structuredClone({ sources, added, removed });
  }

  /** Folds the journal into the snapshot (see JournaledFile.compact). */
  compact(): Promise<void> {
    return this.journal.compact();
  }

  private seen(key: string): Set<string> | undefined {
    const entry = this.journal.data.sources[key];
    if (!entry) return undefined;
    let set = this.seenSets.get(key);
    if (!set) this.seenSets.set(key, (set = new Set(entry.seen)));
    return set;
  }

  private apply(d: WatchData, ev: WatchEvent): void {
    switch (ev.e) {
      case 'seen': {
        const entry = (d.sources[ev.key] ??= { status: freshStatus(), seen: [] });
        const set = this.seen(ev.key) ?? new Set();
        for (const url of ev.urls) {
          if (set.has(url)) continue;
          set.add(url);
          entry.seen.push(url);
        }
        break;
      }
      case 'status':
        (d.sources[ev.key] ??= { status: freshStatus(), seen: [] }).status = ev.status;
        break;
      case 'add':
        d.added = [...d.added.filter((a) => a.key !== ev.key), { key: ev.key, source: ev.source }];
        d.removed = d.removed.filter((k) => k !== ev.key);
        break;
      case 'remove':
        d.added = d.added.filter((a) => a.key !== ev.key);
        if (!d.removed.includes(ev.key)) d.removed.push(ev.key);
        // A source added again later starts with a new baseline, not with news from the gap.
        delete d.sources[ev.key];
        this.seenSets.delete(ev.key);
        break;
    }
  }

  async read(key: string): Promise<SourceRecord> {
    const entry = this.journal.data.sources[key];
    return { status: structuredClone(entry?.status ?? freshStatus()), seen: this.seen(key) ?? new Set() };
  }

  async markSeen(key: string, urls: readonly string[]): Promise<void> {
    const known = this.seen(key);
    const fresh = [...new Set(urls)].filter((u) => !known?.has(u));
    if (fresh.length) this.journal.record({ e: 'seen', key, urls: fresh });
  }

  async saveStatus(key: string, status: SourceStatus): Promise<void> {
    this.journal.record({ e: 'status', key, status });
  }

  async addedSources(): Promise<WatchSource[]> {
    return this.journal.data.added.map((a) => a.source);
  }

  async removedKeys(): Promise<string[]> {
    return [...this.journal.data.removed];
  }

  async addSource(key: string, source: WatchSource): Promise<void> {
    this.journal.record({ e: 'add', key, source });
  }

  async removeSource(key: string): Promise<void> {
    this.journal.record({ e: 'remove', key });
  }
}
