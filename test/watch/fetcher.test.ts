import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Fetcher, guardedLookup, isPrivateAddress } from '../../bot/fetcher.ts';
import { decodePage } from '../../knowledge/watch/charset.ts';
import { FixtureSite } from './fixture-site.ts';

const UA = 'carrier-watch-test/1.0 (+https://example.org/contact)';

describe('Fetcher against a loopback site', () => {
  let site: FixtureSite;
  let fetcher: Fetcher;
  beforeAll(async () => {
    site = await FixtureSite.start();
  });
  afterAll(() => site.stop());
  afterEach(async () => {
    await fetcher?.close();
    site.routes.clear();
    site.log.length = 0;
  });
  const make = (extra: Partial<ConstructorParameters<typeof Fetcher>[0]> = {}): Fetcher =>
    (fetcher = new Fetcher({ userAgent: UA, allowPrivate: true, minGapMs: 0, timeoutMs: 2_000, ...extra }));

  it('sends the User-Agent, answers 304 to a matching ETag and to Last-Modified, and returns the validators', async () => {
    const f = make();
    site.html('/list.html', '<p>列表</p>', { etag: '"v1"' });
    site.html('/lm.html', '<p>列表</p>', { lastModified: 'Wed, 01 May 2024 00:00:00 GMT' });
    const first = await f.fetch(site.url('/list.html'), 'page');
    expect(first).toMatchObject({ ok: true, notModified: false, etag: '"v1"', contentType: 'text/html; charset=utf-8' });
    expect(await f.fetch(site.url('/list.html'), 'page', { etag: '"v1"' })).toEqual({ ok: true, notModified: true, url: site.url('/list.html') });
    expect(await f.fetch(site.url('/lm.html'), 'page', { lastModified: 'Wed, 01 May 2024 00:00:00 GMT' })).toMatchObject({ ok: true, notModified: true });
    const sent = site.requestsTo('/list.html');
    expect(sent.map((r) => [r.headers['user-agent'], r.headers['if-none-match'], r.status])).toEqual([
      [UA, undefined, 200],
      [UA, '"v1"', 304],
    ]);
  });

  it('follows redirects hop by hop and reports a permanent move', async () => {
    const f = make();
    site.set('/old.html', { status: 301, redirectTo: '/new.html' });
    site.set('/temp.html', { status: 302, redirectTo: '/new.html' });
    site.html('/new.html', '<p>新地址</p>');
    expect(await f.fetch(site.url('/old.html'), 'page')).toMatchObject({ ok: true, url: site.url('/new.html'), movedTo: site.url('/new.html') });
    const temp = await f.fetch(site.url('/temp.html'), 'page');
    expect(temp).toMatchObject({ ok: true, url: site.url('/new.html') });
    expect('movedTo' in temp).toBe(false);
    site.set('/loop.html', { status: 302, redirectTo: '/loop.html' });
    expect(await f.fetch(site.url('/loop.html'), 'page')).toEqual({ ok: false, error: '跳转超过 5 次' });
  });

  it('honours robots.txt, for the first URL and for a redirect hop', async () => {
    const f = make();
    site.set('/robots.txt', { contentType: 'text/plain', body: 'User-agent: *\nDisallow: /private/\n' });
    site.html('/private/list.html', '<p>x</p>');
    site.set('/go.html', { status: 302, redirectTo: '/private/list.html' });
    expect(await f.fetch(site.url('/private/list.html'), 'page')).toEqual({ ok: false, error: 'robots.txt 不允许抓取' });
    expect(await f.fetch(site.url('/go.html'), 'page')).toEqual({ ok: false, error: 'robots.txt 不允许抓取' });
    expect(site.requestsTo('/private/list.html')).toEqual([]);
    // robots.txt is read once per host and remembered.
    expect(site.requestsTo('/robots.txt')).toHaveLength(1);
  });

  it('waits the Crawl-delay robots.txt asks for between two requests', async () => {
    const f = make();
    site.set('/robots.txt', { contentType: 'text/plain', body: 'User-agent: *\nCrawl-delay: 0.3\n' });
    site.html('/a.html', 'a');
    await f.fetch(site.url('/a.html'), 'page');
    const started = performance.now();
    await f.fetch(site.url('/a.html'), 'page');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('gives up on a response slower than the timeout', async () => {
    const f = make({ timeoutMs: 200 });
    site.html('/slow.html', '<p>慢</p>', { delayMs: 1_000 });
    const started = performance.now();
    expect(await f.fetch(site.url('/slow.html'), 'page')).toEqual({ ok: false, error: '超时(0.2 秒无响应)' });
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('refuses a body over the cap, declared or streamed', async () => {
    const f = make();
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 0x61);
    site.set('/declared.html', { contentType: 'text/html', headers: { 'content-length': String(big.length) }, body: big });
    expect(await f.fetch(site.url('/declared.html'), 'page')).toEqual({ ok: false, error: '内容太大(5.0 MB,上限 5.0 MB)' });
    site.set('/big.html', { contentType: 'text/html', body: big });
    expect(await f.fetch(site.url('/big.html'), 'page')).toEqual({ ok: false, error: '内容太大(超过 5.0 MB)' });
    expect(await f.fetch(site.url('/big.html'), 'attachment')).toMatchObject({ ok: true, notModified: false });
  });

  it('reports 4xx and 5xx with their status and Retry-After', async () => {
    const f = make();
    site.set('/busy.html', { status: 503, headers: { 'retry-after': '600' } });
    expect(await f.fetch(site.url('/busy.html'), 'page')).toEqual({ ok: false, error: 'HTTP 503', httpStatus: 503, retryAfterMs: 600_000 });
    expect(await f.fetch(site.url('/missing.html'), 'page')).toEqual({ ok: false, error: 'HTTP 404', httpStatus: 404 });
  });

  it('keeps a minimum gap between two requests to one host', async () => {
    const f = make({ minGapMs: 150 });
    site.html('/a.html', 'a');
    site.html('/b.html', 'b');
    await f.fetch(site.url('/a.html'), 'page'); // robots.txt first, then a
    const started = performance.now();
    await Promise.all([f.fetch(site.url('/a.html'), 'page'), f.fetch(site.url('/b.html'), 'page')]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('hands GBK bytes over for <meta> charset decoding when the header names none', async () => {
    const f = make();
    const html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>吉林联通申告率</body></html>';
    site.set('/gbk.html', { contentType: 'text/html', body: iconv.encode(html, 'gbk') });
    const r = await f.fetch(site.url('/gbk.html'), 'page');
    if (!r.ok || r.notModified) throw new Error('expected a page');
    expect(decodePage(r.bytes, r.contentType).text).toBe(html);
  });

  it('refuses loopback, private and link-local addresses and other schemes unless allowed', async () => {
    const f = make({ allowPrivate: false });
    site.html('/list.html', '<p>x</p>');
    expect(await f.fetch(site.url('/list.html'), 'page')).toEqual({ ok: false, error: '拒绝访问内网地址 127.0.0.1' });
    expect(await f.fetch('http://localhost:9/list.html', 'page')).toEqual({ ok: false, error: '拒绝访问内网地址 localhost' });
    expect(await f.fetch('http://[::1]:9/', 'page')).toEqual({ ok: false, error: '拒绝访问内网地址 ::1' });
    expect(await f.fetch('http://169.254.169.254/latest/meta-data/', 'page')).toEqual({ ok: false, error: '拒绝访问内网地址 169.254.169.254' });
    expect(await f.fetch('ftp://example.org/list.txt', 'page')).toEqual({ ok: false, error: '不支持的协议 ftp:' });
    expect(site.log).toEqual([]);
  });

  it('checks every redirect hop: a hop to another scheme is refused', async () => {
    const f = make();
    site.set('/to-ftp.html', { status: 302, redirectTo: 'ftp://files.example.org/list.txt' });
    expect(await f.fetch(site.url('/to-ftp.html'), 'page')).toEqual({ ok: false, error: '不支持的协议 ftp:' });
  });

  it('refuses, at connection time, a name that resolves to a private address', async () => {
    const error = await new Promise<Error | null>((resolve) => guardedLookup('localhost', {}, (err) => resolve(err)));
    expect(error?.message).toMatch(/^localhost 解析到内网地址 (127\.0\.0\.1|::1)$/);
  });

  it('knows which addresses are private', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:192.168.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['202.106.0.20', '8.8.8.8', '172.32.0.1', '2400:3200::1', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });
});
