import { setTimeout as delay } from 'node:timers/promises';
import cron, { type ScheduledTask } from 'node-cron';
import { escapeHtml } from '../handlers/reply.ts';
import type { WatchService } from '../handlers/sources.ts';
import { NotABulletinError } from '../knowledge/ingest/parse-bulletin.ts';
import { decodeSource, UnreadableSourceError } from '../knowledge/ingest/read-source.ts';
import type { KnowledgeStore } from '../knowledge/store/store.ts';
import { readArticle } from '../knowledge/watch/article.ts';
import { decodePage } from '../knowledge/watch/charset.ts';
import {
  afterCheck,
  isDue,
  planCheck,
  readListPage,
  wantsNextPage,
  type CheckOutcome,
  type ListedLink,
  type SourceStatus,
  type WatchAlert,
  type WatchPolicy,
} from '../knowledge/watch/decide.ts';
import { ingestWatched } from '../knowledge/watch/ingest-watched.ts';
import { safeUrl, sourceKey, WatchSource } from '../knowledge/watch/sources.ts';
import type { FetchKind, FetchResult, Validators } from './fetcher.ts';
import { SIZE_CAPS } from './fetcher.ts';
import type { Logger } from './logger.ts';
import type { WatchStateStore } from './watch-state.ts';

const ATTACHMENT = /\.(pdf|docx?|wps)$/i;
/** Attachments read per article at most: a page linking dozens of files is an index, not a bulletin. */
const MAX_ATTACHMENTS = 5;

/** What the runner needs of the HTTP adapter (bot/fetcher.ts); tests may hand it another. */
export interface PageFetcher {
  fetch(url: string, kind: FetchKind, validators?: Validators): Promise<FetchResult>;
}

/** Tells the bot's admins; one notifier for the whole loop. */
export interface WatchNotifier {
  notify(html: string): Promise<void>;
}

export interface WatchRunnerDeps {
  store: KnowledgeStore;
  state: WatchStateStore;
  fetcher: PageFetcher;
  /** Sources from WATCH_SOURCES_FILE; /sources add and remove change the list on top of it. */
  shipped: readonly WatchSource[];
  policy: WatchPolicy;
  notifier: WatchNotifier;
  log: Logger;
  /** After a check stored something: reload the knowledge, and send 即时 digests when something was news. */
  onIngested: (news: boolean) => Promise<void>;
  /** Each source waits up to this long at a tick, so forty sources do not fire in the same second. */
  jitterMs?: number;
  clock?: () => Date;
}

export interface SourceOverview {
  n: number;
  key: string;
  source: WatchSource;
  /** Added by /sources add rather than shipped in the sources file. */
  added: boolean;
  status: SourceStatus;
  linksSeen: number;
}

export interface CycleResult {
  checked: number;
  ingested: number;
  announced: number;
}

type LinkResult = { kind: 'done'; ingested: number } | { kind: 'retry'; error: string };

/**
 * One loop over every source that is due: fetch its list, let
 * knowledge/watch/decide.ts say what is new, read and ingest it, and record
 * a link as seen only once what it held is committed to the knowledge store
 * (so a crash re-reads it, and the store's dedupe makes the re-read a no-op).
 * Announcing is the digest machinery's job: a new bulletin simply gets a new
 * sequence number, and a baseline one is stored silent.
 */
export class WatchRunner {
  private running: Promise<CycleResult> | undefined;
  private task: ScheduledTask | undefined;
  private readonly clock: () => Date;

  constructor(private readonly d: WatchRunnerDeps) {
    this.clock = d.clock ?? (() => new Date());
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when no pass is going on. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /** Checks on the cron schedule (node-cron 4, seconds field allowed); overlapping ticks are skipped. */
  start(expression: string): void {
    this.task = cron.schedule(
      expression,
      async () => {
        const run = this.runCycle();
        if (!run) this.d.log.warn('watch tick skipped: the previous check is still going');
        else await run.catch((error: unknown) => this.d.log.error('watch cycle failed', { error }));
      },
      { noOverlap: true, name: 'watch' },
    );
  }

  nextTick(): Date | undefined {
    return this.task?.getNextRun() ?? undefined;
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.running?.catch(() => undefined);
  }

  /** The sources watched now: the file's, minus removed ones, plus added ones. */
  async sources(): Promise<Array<{ key: string; source: WatchSource; added: boolean }>> {
    const removed = new Set(await this.d.state.removedKeys());
    const list = this.d.shipped.filter((s) => !removed.has(sourceKey(s.url))).map((s) => ({ key: sourceKey(s.url), source: s, added: false }));
    const keys = new Set(list.map((s) => s.key));
    for (const s of await this.d.state.addedSources()) {
      const key = sourceKey(s.url);
      if (!keys.has(key)) list.push({ key, source: s, added: true });
      keys.add(key);
    }
    return list;
  }

  async overview(): Promise<SourceOverview[]> {
    const list = await this.sources();
    return Promise.all(
      list.map(async (s, i) => {
        const rec = await this.d.state.read(s.key);
        return { n: i + 1, ...s, status: rec.status, linksSeen: rec.seen.size };
      }),
    );
  }

  async add(source: WatchSource): Promise<'added' | 'exists'> {
    const key = sourceKey(source.url);
    if ((await this.sources()).some((s) => s.key === key)) return 'exists';
    await this.d.state.addSource(key, source);
    return 'added';
  }

  async remove(key: string): Promise<void> {
    await this.d.state.removeSource(key);
  }

  /**
   * One pass over the due sources (or the given ones, due or not). Passes
   * never overlap: one asked for while another runs returns undefined.
   */
  runCycle(only?: readonly string[]): Promise<CycleResult> | undefined {
    if (this.running) return undefined;
    const run = this.cycle(only).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async cycle(only?: readonly string[]): Promise<CycleResult> {
    const now = this.clock();
    const all = await this.sources();
    const chosen = only ? all.filter((s) => only.includes(s.key)) : all;
    const due: typeof chosen = [];
    for (const s of chosen) if (only || isDue((await this.d.state.read(s.key)).status, now)) due.push(s);
    const results = await Promise.all(
      due.map(async (s) => {
        if (this.d.jitterMs) await delay(Math.random() * this.d.jitterMs);
        try {
          return await this.checkSource(s.key, s.source);
        } catch (error) {
          this.d.log.error('source check failed unexpectedly', { source: safeUrl(s.source.url), error });
          return { ingested: 0, announced: 0 };
        }
      }),
    );
    const ingested = results.reduce((n, r) => n + r.ingested, 0);
    const announced = results.reduce((n, r) => n + r.announced, 0);
    if (ingested) await this.d.onIngested(announced > 0);
    return { checked: due.length, ingested, announced };
  }

  private async checkSource(key: string, source: WatchSource): Promise<{ ingested: number; announced: number }> {
    const { policy, state, log } = this.d;
    const rec = await state.read(key);
    const listUrl = rec.status.movedTo ?? source.url;
    const first = await this.d.fetcher.fetch(listUrl, 'page', { ...(rec.status.etag ? { etag: rec.status.etag } : {}), ...(rec.status.lastModified ? { lastModified: rec.status.lastModified } : {}) });
    const movedTo = first.movedTo ? { movedTo: first.movedTo } : {};
    let outcome: CheckOutcome;
    let ingested = 0;
    let announced = 0;
    let redesign: { fresh: number; listed: number } | undefined;
    if (!first.ok) {
      outcome = { ok: false, at: this.clock(), error: first.error, ...(first.httpStatus ? { httpStatus: first.httpStatus } : {}), ...(first.retryAfterMs !== undefined ? { retryAfterMs: first.retryAfterMs } : {}), ...movedTo };
    } else if (first.notModified) {
      outcome = { ok: true, at: this.clock(), ingested: 0, ...validatorsOf(rec.status), ...movedTo };
    } else {
      const isSeen = (url: string): boolean => rec.seen.has(url);
      const listed: ListedLink[] = [];
      let page = first;
      for (let pagesRead = 1; ; pagesRead++) {
        const read = readListPage(decodePage(page.bytes, page.contentType, source.encoding).text, page.url, source);
        for (const l of read.links) if (!listed.some((x) => x.url === l.url)) listed.push(l);
        if (!read.next || !wantsNextPage(rec.status, listed, isSeen, pagesRead, policy)) break;
        const more = await this.d.fetcher.fetch(read.next, 'page');
        if (!more.ok || more.notModified) break;
        page = more;
      }
      if (!listed.length) {
        outcome = { ok: false, at: this.clock(), error: '列表页上没有找到通告链接(网页可能改版,或链接规则需要更新)', ...movedTo };
      } else {
        const plan = planCheck(rec.status, listed, isSeen, policy);
        // Skipped links first: a crash mid-baseline then resumes with just the backfill still to read.
        if (plan.skip.length) await state.markSeen(key, plan.skip.map((l) => l.url));
        let retry: string | undefined;
        for (const link of plan.ingest) {
          const r = await this.readLink(link, plan.silent);
          if (r.kind === 'retry' && !plan.silent) {
            // Left unseen: the next check reads it again, and it is still news then.
            retry ??= r.error;
            continue;
          }
          if (r.kind === 'done') {
            ingested += r.ingested;
            if (!plan.silent) announced += r.ingested;
          }
          await state.markSeen(key, [link.url]);
        }
        if (plan.kind === 'redesign') redesign = { fresh: plan.ingest.length + plan.skip.length, listed: listed.length };
        log.info('source checked', { source: safeUrl(source.url), plan: plan.kind, listed: listed.length, read: plan.ingest.length, ingested });
        outcome = retry
          ? { ok: false, at: this.clock(), error: `有新通告暂时无法读取:${retry}`, ...movedTo }
          : {
              ok: true,
              at: this.clock(),
              ingested,
              ...(first.etag ? { etag: first.etag } : {}),
              ...(first.lastModified ? { lastModified: first.lastModified } : {}),
              ...(plan.kind === 'baseline' ? { baselined: true } : {}),
              ...(plan.kind === 'redesign' ? { redesign: true } : {}),
              ...movedTo,
            };
      }
    }
    const { status, alert } = afterCheck(rec.status, outcome, policy);
    await state.saveStatus(key, status);
    if (!outcome.ok) log.warn('source check failed', { source: safeUrl(source.url), failures: status.failures, error: outcome.error });
    // After the status is saved: a crash in between loses the message rather than sending it twice.
    if (alert) await this.alert(alert, source, status, redesign);
    return { ingested, announced };
  }

  /** An article (with its attachments) or a file linked straight from the list. */
  private async readLink(link: ListedLink, silent: boolean): Promise<LinkResult> {
    const kind: FetchKind = ATTACHMENT.test(new URL(link.url).pathname) ? 'attachment' : 'page';
    const got = await this.d.fetcher.fetch(link.url, kind);
    if (!got.ok) return transient(got) ? { kind: 'retry', error: got.error } : { kind: 'done', ingested: 0 };
    if (got.notModified) return { kind: 'done', ingested: 0 };
    if (kind === 'attachment') return { kind: 'done', ingested: await this.ingestFile(got.bytes, got.url, silent) };
    const page = decodePage(got.bytes, got.contentType);
    const article = readArticle(page.text, got.url, link.title);
    let ingested = await this.ingestDecoded(Buffer.from(article.html, 'utf8'), 'article.html', got.url, silent);
    for (const file of article.attachments.slice(0, MAX_ATTACHMENTS)) {
      const att = await this.d.fetcher.fetch(file.url, 'attachment');
      if (!att.ok) {
        if (transient(att)) return { kind: 'retry', error: att.error };
        continue;
      }
      if (!att.notModified) ingested += await this.ingestFile(att.bytes, att.url, silent);
    }
    return { kind: 'done', ingested };
  }

  private ingestFile(bytes: Uint8Array, url: string, silent: boolean): Promise<number> {
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'attachment');
    return this.ingestDecoded(bytes, name, url, silent);
  }

  /** Bytes through the ingestion reader (HTML, and PDF/Word where it reads them), then into the store. */
  private async ingestDecoded(bytes: Uint8Array, fileName: string, url: string, silent: boolean): Promise<number> {
    try {
      const source = await decodeSource(bytes, fileName, SIZE_CAPS.attachment);
      const r = await ingestWatched(this.d.store, source.text, safeUrl(url), { url: safeUrl(url), silent, now: this.clock() });
      if (r.outcome.status === 'unchanged') return 0;
      this.d.log.info('watched bulletin ingested', { id: r.outcome.bulletin.id, url: safeUrl(url), silent, status: r.outcome.status });
      return 1;
    } catch (e) {
      // A page that is no bulletin (a notice, a meeting report) is simply not knowledge.
      if (e instanceof NotABulletinError || e instanceof UnreadableSourceError) {
        this.d.log.debug('watched page is not a bulletin', { url: safeUrl(url), reason: e.message });
        return 0;
      }
      throw e;
    }
  }

  private async alert(alert: WatchAlert, source: WatchSource, status: SourceStatus, redesign?: { fresh: number; listed: number }): Promise<void> {
    const name = `“${escapeHtml(source.name)}”`;
    const text: Record<WatchAlert, string> = {
      failing: `⚠️ 来源${name}已连续 ${status.failures} 次检查失败:${escapeHtml(status.lastError ?? '')}\n将逐步拉长间隔继续尝试;恢复时会再通知。发送 /sources 查看。`,
      recovered: `✅ 来源${name}已恢复正常。`,
      disabled: `⛔ 来源${name}返回 410(已删除),已停止检查。请用 /sources remove 删除,或 /sources add 新地址。`,
      redesign: `🔄 来源${name}的列表页似乎改版了:列出的 ${redesign?.listed ?? 0} 条链接中 ${redesign?.fresh ?? 0} 条是新的。已重新建立基线,这些通告只收录、不推送。请确认链接规则仍然适用。`,
    };
    try {
      await this.d.notifier.notify(text[alert]);
    } catch (error) {
      this.d.log.warn('could not tell admins about a source', { alert, source: safeUrl(source.url), error });
    }
  }
}

/** Worth another try later: network trouble, timeouts, 5xx, 429. A 404 article is gone for good. */
function transient(r: Extract<FetchResult, { ok: false }>): boolean {
  return r.httpStatus === undefined ? !/robots\.txt 不允许|拒绝访问|不支持的协议|内容太大/.test(r.error) : r.httpStatus >= 500 || r.httpStatus === 429;
}

function validatorsOf(status: SourceStatus): { etag?: string; lastModified?: string } {
  return { ...(status.etag ? { etag: status.etag } : {}), ...(status.lastModified ? { lastModified: status.lastModified } : {}) };
}

/** The runner as the /sources handlers see it: numbered rows, and checks started in the background. */
export function watchService(runner: WatchRunner, log: Logger): WatchService {
  const rows = async (): Promise<SourceOverview[]> => runner.overview();
  return {
    list: async () => (await rows()).map(({ key: _key, ...row }) => row),
    nextTick: () => runner.nextTick(),
    add: (source) => runner.add(source),
    async remove(n) {
      const row = (await rows()).find((r) => r.n === n);
      if (!row) return undefined;
      await runner.remove(row.key);
      const { key: _key, ...view } = row;
      return view;
    },
    async check(n) {
      const all = await rows();
      const chosen = n === undefined ? all : all.filter((r) => r.n === n);
      if (!chosen.length) return 'not_found';
      const keys = chosen.map((r) => r.key);
      // A scheduled pass going on now is not a reason to refuse: the check follows it.
      const run = runner.runCycle(keys) ?? runner.idle().then(() => runner.runCycle(keys) ?? Promise.reject(new Error('the watcher stayed busy')));
      run.catch((error: unknown) => log.error('manual source check failed', { error }));
      return 'started';
    },
  };
}
