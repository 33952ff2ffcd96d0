import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fetcher } from '../../bot/fetcher.ts';
import { createLogger } from '../../bot/logger.ts';
import { WatchRunner } from '../../bot/watch-runner.ts';
import { LowdbWatchState, type WatchStateStore } from '../../bot/watch-state.ts';
import { decodeSource } from '../../knowledge/ingest/read-source.ts';
import { parseBulletin } from '../../knowledge/ingest/parse-bulletin.ts';
import { LowdbKnowledgeStore, type BulletinEntry } from '../../knowledge/store/store.ts';
import { DEFAULT_POLICY } from '../../knowledge/watch/decide.ts';
import { sourceKey, type WatchSource } from '../../knowledge/watch/sources.ts';
import { FixtureSite } from './fixture-site.ts';
import { articlePage, bulletinTitle, bulletinText, listPage, type BulletinSpec } from './site-content.ts';

/**
 * The watcher's loop against loopback sites, with the real fetcher, the
 * real knowledge store and the real watch state in a temporary DATA_DIR.
 * The tests run in order and build on each other: a baseline, quiet polls,
 * a publication, a reprint elsewhere, failures and recovery, a redesign.
 */

const LIST = '/zwgk/tzgg/index.html';
const PAGE2 = '/zwgk/tzgg/index_2.html';
const QUARTERS = [4, 3, 2, 1] as const;

/** Twelve 湖南 bulletins, newest first: 2024 Q4 back to 2022 Q1. */
const history: BulletinSpec[] = [2024, 2023, 2022].flatMap((year) => QUARTERS.map((quarter) => ({ province: '湖南', year, quarter, seed: year * 10 + quarter })));
const pathOf = (b: BulletinSpec, dir = 'art'): string => `/zwgk/tzgg/${dir}/${b.year}/art_${b.year}q${b.quarter}.html`;
const item = (b: BulletinSpec, dir?: string) => ({ href: pathOf(b, dir).replace('/zwgk/tzgg/', ''), title: bulletinTitle(b), date: `${b.year}-01-01` });

describe('the watch loop', () => {
  let dataDir = '';
  let site: FixtureSite;
  let paper: FixtureSite;
  let store: LowdbKnowledgeStore;
  let state: WatchStateStore;
  let fetcher: Fetcher;
  let runner: WatchRunner;
  const alerts: string[] = [];
  const ingestions: boolean[] = [];
  const sources: WatchSource[] = [];
  let listEtag = 1;

  /** Puts a list on the site: page 1 (8 items) and page 2 (the rest), with a new ETag. */
  const publishList = (items: ReturnType<typeof item>[]): void => {
    site.html(LIST, listPage(items.slice(0, 8), items.length > 8 ? { next: 'index_2.html' } : {}), { etag: `"list-${++listEtag}"` });
    if (items.length > 8) site.html(PAGE2, listPage(items.slice(8)));
  };
  const makeRunner = (s: WatchStateStore): WatchRunner =>
    new WatchRunner({
      store,
      state: s,
      fetcher,
      shipped: sources,
      policy: { ...DEFAULT_POLICY, backfill: 10 },
      notifier: { notify: async (html) => void alerts.push(html) },
      log: createLogger('silent'),
      onIngested: async (news) => void ingestions.push(news),
    });
  const bulletins = async (): Promise<BulletinEntry[]> => (await store.load()).bulletins;
  const key = (): string => sourceKey(sources[0]!.url);
  const paperKey = (): string => sourceKey(sources[1]!.url);
  const status = async (k = key()) => (await state.read(k)).status;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'carrier-watch-runner-'));
    site = await FixtureSite.start('127.0.0.1');
    paper = await FixtureSite.start('127.0.0.2');
    for (const b of history) site.html(pathOf(b), articlePage(b));
    publishList(history.map((b) => item(b)));
    // The newspaper: two 四川 bulletins before the bot first looks.
    const sichuan = [1, 2].map((q) => ({ province: '四川', year: 2024, quarter: q as 1 | 2, seed: 900 + q }));
    for (const b of sichuan) paper.html(`/news/${b.quarter}.html`, articlePage(b));
    paper.html('/news/index.html', listPage(sichuan.map((b) => ({ href: `${b.quarter}.html`, title: bulletinTitle(b), date: '2024-08-01' }))));
    sources.push({ name: '湖南省通信管理局', url: site.url(LIST), verified: true }, { name: '某日报 · 通信', url: paper.url('/news/index.html'), verified: false });
    store = new LowdbKnowledgeStore(dataDir);
    state = new LowdbWatchState(dataDir);
    await state.open();
    fetcher = new Fetcher({ userAgent: 'carrier-watch-test', allowPrivate: true, minGapMs: 0, timeoutMs: 400 });
    runner = makeRunner(state);
  });
  afterAll(async () => {
    await fetcher.close();
    await state.close();
    await site.stop();
    await paper.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes the first check a baseline: the latest ten ingested silently, with their URLs, across both list pages', async () => {
    expect(await runner.runCycle()).toEqual({ checked: 2, ingested: 12, announced: 0 });
    const stored = await bulletins();
    const hunan = stored.filter((b) => b.region.province === 'HN');
    expect(hunan.map((b) => b.id).sort()).toEqual(
      history
        .slice(0, 10)
        .map((b) => `hn-${b.year}q${b.quarter}-official`)
        .sort(),
    );
    expect(stored.every((b) => b.silent === true)).toBe(true);
    expect(hunan.find((b) => b.id === 'hn-2024q4-official')?.url).toBe(site.url(pathOf(history[0]!)));
    // Oldest first, so sequence numbers follow publication.
    expect(hunan.sort((a, b) => a.seq - b.seq).map((b) => b.id)[0]).toBe('hn-2022q3-official');
    expect(site.requestsTo(PAGE2)).toHaveLength(1);
    expect(site.requestsTo(pathOf(history[11]!))).toEqual([]);
    expect(await status()).toMatchObject({ baselined: true, failures: 0, itemsSeen: 10, etag: `"list-${listEtag}"` });
    expect((await state.read(key())).seen.size).toBe(12);
    expect(alerts).toEqual([]);
    expect(ingestions).toEqual([false]);
  });

  it('costs one conditional request per source when nothing changed', async () => {
    const before = site.log.length;
    expect(await runner.runCycle()).toEqual({ checked: 2, ingested: 0, announced: 0 });
    expect(site.log.slice(before).map((r) => [r.path, r.status, r.headers['if-none-match']])).toEqual([[LIST, 304, `"list-${listEtag}"`]]);
  });

  it('ingests a bulletin published later as news, with its URL', async () => {
    const fresh: BulletinSpec = { province: '湖南', year: 2025, quarter: 1, seed: 20251 };
    site.html(pathOf(fresh), articlePage(fresh));
    publishList([fresh, ...history].map((b) => item(b)));
    expect(await runner.runCycle()).toEqual({ checked: 2, ingested: 1, announced: 1 });
    const entry = (await bulletins()).find((b) => b.id === 'hn-2025q1-official');
    expect(entry).toMatchObject({ url: site.url(pathOf(fresh)), title: bulletinTitle(fresh) });
    expect(entry?.silent).toBeUndefined();
    expect(ingestions.at(-1)).toBe(true);
    expect(await status()).toMatchObject({ itemsSeen: 11 });
  });

  it('ingests once a bulletin reprinted on a second site, filling in nothing new', async () => {
    const reprint: BulletinSpec = { province: '湖南', year: 2025, quarter: 1, seed: 20251 };
    const seqBefore = (await bulletins()).find((b) => b.id === 'hn-2025q1-official')!.seq;
    // A newspaper lays it out its own way: its own header, a dateline, and an editor's line.
    paper.html('/news/3.html', `<html><body><header>某日报 · 通信专刊</header><article><h1>${bulletinTitle(reprint)}</h1><p>本报讯 记者从省通信管理局获悉:</p>${bulletinText(reprint).split('\n').slice(1).map((p) => `<p>${p}</p>`).join('')}<p>(责任编辑:王平)</p></article></body></html>`);
    paper.html('/news/index.html', listPage([{ href: '3.html', title: bulletinTitle(reprint), date: '2025-04-20' }, ...[2, 1].map((q) => ({ href: `${q}.html`, title: `四川省通信管理局关于2024年第${q === 2 ? '二' : '一'}季度电信服务质量的通告`, date: '2024-08-01' }))]));
    expect(await runner.runCycle()).toEqual({ checked: 2, ingested: 0, announced: 0 });
    const all = await bulletins();
    expect(all.filter((b) => b.id === 'hn-2025q1-official').map((b) => b.seq)).toEqual([seqBefore]);
    expect((await state.read(paperKey())).seen.has(paper.url('/news/3.html'))).toBe(true);
  });

  it('reads a GBK article that declares its charset only in <meta>', async () => {
    const gbk: BulletinSpec = { province: '湖南', year: 2025, quarter: 2, seed: 20252 };
    site.set(pathOf(gbk), { contentType: 'text/html', body: iconv.encode(articlePage(gbk, { charsetMeta: 'gbk' }), 'gbk') });
    publishList([gbk, { province: '湖南', year: 2025, quarter: 1, seed: 20251 } satisfies BulletinSpec, ...history].map((b) => item(b)));
    expect(await runner.runCycle([key()])).toEqual({ checked: 1, ingested: 1, announced: 1 });
    const entry = (await bulletins()).find((b) => b.id === 'hn-2025q2-official');
    expect(entry?.title).toBe(bulletinTitle(gbk));
  });

  it('leaves an article slower than the timeout unseen, counts the failure, and reads it at the next check', async () => {
    const slow: BulletinSpec = { province: '湖南', year: 2025, quarter: 3, seed: 20253 };
    site.html(pathOf(slow), articlePage(slow), { delayMs: 1_500 });
    const listed: BulletinSpec[] = [slow, ...[2, 1].map((q) => ({ province: '湖南', year: 2025, quarter: q as 1 | 2, seed: 20250 + q })), ...history];
    publishList(listed.map((b) => item(b)));
    expect(await runner.runCycle([key()])).toEqual({ checked: 1, ingested: 0, announced: 0 });
    expect(await status()).toMatchObject({ failures: 1, lastError: '有新通告暂时无法读取:超时(0.4 秒无响应)' });
    expect((await state.read(key())).seen.has(site.url(pathOf(slow)))).toBe(false);
    site.html(pathOf(slow), articlePage(slow));
    expect(await runner.runCycle([key()])).toEqual({ checked: 1, ingested: 1, announced: 1 });
    expect(await status()).toMatchObject({ failures: 0 });
    expect(alerts).toEqual([]);
  });

  it('tells admins once when a list fails three times in a row, backs off, and once when it recovers', async () => {
    const good = site.routes.get(LIST)!;
    site.set(LIST, { status: 500 });
    for (let i = 0; i < 5; i++) await runner.runCycle([key()]);
    const failing = await status();
    expect(failing).toMatchObject({ failures: 5, lastError: 'HTTP 500' });
    expect(Date.parse(failing.nextCheckAt!) - Date.parse(failing.lastCheckAt!)).toBe(4 * 3600_000);
    // Not due: a scheduled pass leaves it alone.
    const before = site.requestsTo(LIST).length;
    expect(await runner.runCycle()).toMatchObject({ checked: 1 });
    expect(site.requestsTo(LIST)).toHaveLength(before);
    expect(alerts).toEqual(['⚠️ 来源“湖南省通信管理局”已连续 3 次检查失败:HTTP 500\n将逐步拉长间隔继续尝试;恢复时会再通知。发送 /sources 查看。']);
    site.set(LIST, good);
    await runner.runCycle([key()]);
    await runner.runCycle([key()]);
    expect(alerts.slice(1)).toEqual(['✅ 来源“湖南省通信管理局”已恢复正常。']);
    expect(await status()).toMatchObject({ failures: 0 });
  });

  it('counts a robots.txt refusal, a 404 list and a list with no bulletin links as failures; 410 disables', async () => {
    paper.set('/robots.txt', { contentType: 'text/plain', body: 'User-agent: *\nDisallow: /news/\n' });
    const robotsFetcher = new Fetcher({ userAgent: 'carrier-watch-test', allowPrivate: true, minGapMs: 0 });
    const other = new WatchRunner({ ...runnerDeps(), fetcher: robotsFetcher });
    await other.runCycle([paperKey()]);
    expect(await status(paperKey())).toMatchObject({ failures: 1, lastError: 'robots.txt 不允许抓取' });
    await robotsFetcher.close();

    const extra: WatchSource = { name: '缺失的列表', url: site.url('/gone/index.html'), verified: false };
    await runner.add(extra);
    await runner.runCycle([sourceKey(extra.url)]);
    expect(await status(sourceKey(extra.url))).toMatchObject({ failures: 1, lastError: 'HTTP 404' });
    site.html('/gone/index.html', '<html><body><p>栏目调整中</p></body></html>');
    await runner.runCycle([sourceKey(extra.url)]);
    expect(await status(sourceKey(extra.url))).toMatchObject({ failures: 2, lastError: '列表页上没有找到通告链接(网页可能改版,或链接规则需要更新)' });
    site.set('/gone/index.html', { status: 410 });
    await runner.runCycle([sourceKey(extra.url)]);
    expect((await status(sourceKey(extra.url))).disabled).toMatch(/起返回 410\(已删除\),不再检查$/);
    expect(alerts.at(-1)).toBe('⛔ 来源“缺失的列表”返回 410(已删除),已停止检查。请用 /sources remove 删除,或 /sources add 新地址。');
    await runner.remove(sourceKey(extra.url));
  });

  function runnerDeps() {
    return {
      store,
      state,
      fetcher,
      shipped: sources,
      policy: { ...DEFAULT_POLICY, backfill: 10 },
      notifier: { notify: async (html: string) => void alerts.push(html) },
      log: createLogger('silent'),
      onIngested: async (news: boolean) => void ingestions.push(news),
    };
  }

  it('follows a list that moved permanently, and remembers where', async () => {
    const current = site.routes.get(LIST)!;
    site.set('/zwgk/tzgg/list.html', current);
    site.set(LIST, { status: 301, redirectTo: '/zwgk/tzgg/list.html' });
    await runner.runCycle([key()]);
    expect(await status()).toMatchObject({ failures: 0, movedTo: site.url('/zwgk/tzgg/list.html') });
    const before = site.requestsTo(LIST).length;
    await runner.runCycle([key()]);
    expect(site.requestsTo(LIST)).toHaveLength(before);
    site.set(LIST, current);
  });

  it('treats a redesign (most links suddenly new) as a new baseline: admins told, nothing announced', async () => {
    const seqBefore = (await store.load()).seq;
    const moved = history.slice(0, 8);
    for (const b of moved) site.html(pathOf(b, 'content'), articlePage(b));
    site.html('/zwgk/tzgg/list.html', listPage(moved.map((b) => item(b, 'content'))), { etag: '"redesigned"' });
    expect(await runner.runCycle([key()])).toEqual({ checked: 1, ingested: 0, announced: 0 });
    expect(alerts.at(-1)).toBe('🔄 来源“湖南省通信管理局”的列表页似乎改版了:列出的 8 条链接中 8 条是新的。已重新建立基线,这些通告只收录、不推送。请确认链接规则仍然适用。');
    expect((await store.load()).seq).toBe(seqBefore);
    expect((await status()).redesignAt).toBeDefined();
  });

  const pdf = join(import.meta.dirname, '../fixtures/pdf/bulletin.pdf');
  const docx = join(import.meta.dirname, '../fixtures/docx/bulletin.docx');
  it.skipIf(!existsSync(pdf) || !existsSync(docx))('reads PDF and Word attachments linked from an article, each with its own URL', async () => {
    const expected = await Promise.all(
      [
        [pdf, 'bulletin.pdf'],
        [docx, 'bulletin.docx'],
      ].map(async ([path, name]) => parseBulletin((await decodeSource(readFileSync(path!), name!, 20 * 1024 * 1024)).text, name!).bulletin.id),
    );
    const host: BulletinSpec = { province: '湖南', year: 2025, quarter: 4, seed: 20254 };
    site.set('/files/tg.pdf', { contentType: 'application/pdf', body: readFileSync(pdf) });
    site.set('/files/tg.docx', { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', body: readFileSync(docx) });
    site.html(pathOf(host, 'content'), articlePage(host, { body: `${bulletinTitle(host)}\n详见附件。`, attachments: [{ href: '/files/tg.pdf', text: '通告.pdf' }, { href: '/files/tg.docx', text: '通告.docx' }] }));
    site.html('/zwgk/tzgg/list.html', listPage([host, ...history.slice(0, 8)].map((b) => item(b, 'content'))), { etag: '"with-files"' });
    const result = await runner.runCycle([key()]);
    const stored = await bulletins();
    const distinct = new Set(expected);
    expect(result?.announced).toBe(distinct.size);
    for (const [i, id] of expected.entries()) {
      const b = stored.find((x) => x.id === id);
      expect(b?.url).toBe(site.url(i === 0 || expected[0] === expected[1] ? '/files/tg.pdf' : '/files/tg.docx'));
    }
  });

  it('after a crash between ingesting and recording the link, reads it again and changes nothing', async () => {
    const crashy: BulletinSpec = { province: '湖南', year: 2026, quarter: 1, seed: 20261 };
    site.html(pathOf(crashy, 'content'), articlePage(crashy));
    const listHtml = listPage([crashy, ...history.slice(0, 8)].map((b) => item(b, 'content')));
    site.html('/zwgk/tzgg/list.html', listHtml, { etag: '"crash"' });
    // The process "dies" right after the ingest committed: markSeen never happens.
    class Crash extends Error {}
    const dying: WatchStateStore = Object.assign(Object.create(state) as WatchStateStore, {
      markSeen: async () => {
        throw new Crash('killed');
      },
      saveStatus: async () => {
        throw new Crash('killed');
      },
    });
    await expect(makeRunner(dying).runCycle([key()])).resolves.toEqual({ checked: 1, ingested: 0, announced: 0 });
    const afterCrash = (await bulletins()).filter((b) => b.id === 'hn-2026q1-official');
    expect(afterCrash).toHaveLength(1);
    // Restart on the same files.
    await state.close();
    state = new LowdbWatchState(dataDir);
    await state.open();
    runner = makeRunner(state);
    expect((await state.read(key())).seen.has(site.url(pathOf(crashy, 'content')))).toBe(false);
    expect(await runner.runCycle([key()])).toEqual({ checked: 1, ingested: 0, announced: 0 });
    expect((await bulletins()).filter((b) => b.id === 'hn-2026q1-official').map((b) => b.seq)).toEqual(afterCrash.map((b) => b.seq));
    expect((await state.read(key())).seen.has(site.url(pathOf(crashy, 'content')))).toBe(true);
  });
});
