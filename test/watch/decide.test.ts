import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readArticle } from '../../knowledge/watch/article.ts';
import { decodePage } from '../../knowledge/watch/charset.ts';
import {
  afterCheck,
  DEFAULT_POLICY,
  freshStatus,
  isDue,
  parseRetryAfter,
  planCheck,
  readListPage,
  wantsNextPage,
  type ListedLink,
  type SourceStatus,
} from '../../knowledge/watch/decide.ts';
import { articlePage, listPage } from './site-content.ts';

const PAGE = 'https://hunca.miit.gov.cn/zwgk/tzgg/index.html';
const links = (n: number, prefix = 'a'): ListedLink[] => Array.from({ length: n }, (_, i) => ({ url: `https://x.gov.cn/${prefix}${i}.html`, title: `通告${prefix}${i}` }));
const seenOf = (list: readonly ListedLink[]) => {
  const set = new Set(list.map((l) => l.url));
  return (url: string): boolean => set.has(url);
};
const baselined: SourceStatus = { ...freshStatus(), baselined: true };
const at = (iso: string): Date => new Date(iso);

describe('readListPage', () => {
  const html = listPage(
    [
      { href: 'art/2024/art_b3.html', title: '湖南省通信管理局关于2024年第三季度电信服务质量的通告', date: '2024-10-15' },
      { href: '/zwgk/tzgg/art/2024/art_b2.html', title: '湖南省通信管理局关于2024年第二季度电信服务质量的通告', date: '2024-07-15' },
      { href: 'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_b1.html#top', title: '关于开展信息通信服务感知提升行动的通知', date: '2024-04-02' },
      { href: '../../zwgk/tzgg/art/2024/art_b2.html', title: '重复出现的同一链接不应计两次', date: '2024-07-15' },
      { href: 'javascript:void(0)', title: '脚本链接不是通告链接不应收录', date: '' },
      { href: 'https://www.example.com/art/2024/1234.html', title: '外站链接不属于这个网站的通告', date: '' },
    ],
    { next: 'index_2.html' },
  );

  it('takes article links outside navigation, resolves relative ones, drops fragments and duplicates, and finds the next page', () => {
    const page = readListPage(html, PAGE);
    expect(page.links).toEqual([
      { url: 'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_b3.html', title: '湖南省通信管理局关于2024年第三季度电信服务质量的通告' },
      { url: 'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_b2.html', title: '湖南省通信管理局关于2024年第二季度电信服务质量的通告' },
      { url: 'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_b1.html', title: '关于开展信息通信服务感知提升行动的通知' },
    ]);
    expect(page.next).toBe('https://hunca.miit.gov.cn/zwgk/tzgg/index_2.html');
  });

  it('follows the source’s CSS selector or URL pattern when it has one', () => {
    expect(readListPage(html, PAGE, { links: 'ul.list li:first-child' }).links.map((l) => l.url)).toEqual([
      'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_b3.html',
    ]);
    expect(readListPage(html, PAGE, { links: '/art_b[12]\\.html$/' }).links.map((l) => l.url)).toEqual([
      'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_b2.html',
      'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_b1.html',
    ]);
  });

  it('resolves against <base href> and accepts a sibling host of the same government site', () => {
    const page = readListPage(
      '<html><head><base href="https://www.jl.gov.cn/xxgk/"></head><body><a href="tz/202403/t20240301_1.html">吉林省通信管理局电信服务质量通告</a><a href="https://gxt.jl.gov.cn/tz/202402/t1.html">吉林省工信厅关于电信服务的通告</a></body></html>',
      'https://www.jl.gov.cn/xxgk/list.html',
    );
    expect(page.links.map((l) => l.url)).toEqual(['https://www.jl.gov.cn/xxgk/tz/202403/t20240301_1.html', 'https://gxt.jl.gov.cn/tz/202402/t1.html']);
  });

  it('finds nothing on a page without bulletin links', () => {
    expect(readListPage('<html><body><nav><a href="/a/1234.html">很长的导航栏链接文字</a></nav><p>系统维护中</p></body></html>', PAGE)).toEqual({ links: [] });
  });
});

describe('planCheck', () => {
  it('makes the first check a silent baseline of the latest backfill, oldest first, and skips the rest', () => {
    const listed = links(14);
    const plan = planCheck(freshStatus(), listed, () => false, { ...DEFAULT_POLICY, backfill: 10 });
    expect(plan.kind).toBe('baseline');
    expect(plan.silent).toBe(true);
    expect(plan.ingest.map((l) => l.url)).toEqual(listed.slice(0, 10).reverse().map((l) => l.url));
    expect(plan.skip.map((l) => l.url)).toEqual(listed.slice(10).map((l) => l.url));
  });

  it('resumes an interrupted baseline with only what it has not recorded yet', () => {
    const listed = links(6);
    const plan = planCheck(freshStatus(), listed, seenOf(listed.slice(0, 4)), { ...DEFAULT_POLICY, backfill: 10 });
    expect(plan).toEqual({ kind: 'baseline', ingest: listed.slice(4).reverse(), silent: true, skip: [] });
  });

  it('announces links not seen before, and nothing when all were', () => {
    const listed = [...links(2, 'new'), ...links(8)];
    expect(planCheck(baselined, listed, seenOf(links(8)), DEFAULT_POLICY)).toEqual({ kind: 'new', ingest: links(2, 'new').reverse(), silent: false, skip: [] });
    expect(planCheck(baselined, links(8), seenOf(links(8)), DEFAULT_POLICY).kind).toBe('nothing');
  });

  it('treats most of a list turning new at once as a redesign: re-baseline, silently', () => {
    const plan = planCheck(baselined, [...links(6, 'moved'), ...links(2)], seenOf(links(8)), { ...DEFAULT_POLICY, backfill: 4 });
    expect(plan.kind).toBe('redesign');
    expect(plan.silent).toBe(true);
    expect(plan.ingest).toEqual(links(4, 'moved').reverse());
    expect(plan.skip).toEqual(links(6, 'moved').slice(4));
    // Three new of eight is news, not a redesign.
    expect(planCheck(baselined, [...links(3, 'n'), ...links(5)], seenOf(links(8)), DEFAULT_POLICY).kind).toBe('new');
  });

  it('reads further pages only for a short baseline or a page of nothing but news, within the bound', () => {
    const policy = { ...DEFAULT_POLICY, backfill: 10, maxPages: 3 };
    expect(wantsNextPage(freshStatus(), links(6), () => false, 1, policy)).toBe(true);
    expect(wantsNextPage(freshStatus(), links(10), () => false, 1, policy)).toBe(false);
    expect(wantsNextPage(baselined, links(5, 'n'), () => false, 1, policy)).toBe(true);
    expect(wantsNextPage(baselined, [...links(1, 'n'), ...links(4)], seenOf(links(4)), 1, policy)).toBe(false);
    expect(wantsNextPage(baselined, links(5, 'n'), () => false, 3, policy)).toBe(false);
  });
});

describe('afterCheck', () => {
  const fail = (status: SourceStatus, iso: string, extra: { httpStatus?: number; retryAfterMs?: number } = {}) =>
    afterCheck(status, { ok: false, at: at(iso), error: 'HTTP 500', ...extra }, DEFAULT_POLICY);

  it('backs off exponentially from 15 minutes, capped at a day, and alerts once, at the third failure in a row', () => {
    let status = baselined;
    const waits: number[] = [];
    const alerts: Array<string | undefined> = [];
    for (let i = 0; i < 10; i++) {
      const r = fail(status, '2024-05-01T00:00:00Z');
      status = r.status;
      waits.push((Date.parse(status.nextCheckAt!) - Date.parse('2024-05-01T00:00:00Z')) / 60_000);
      alerts.push(r.alert);
    }
    expect(waits).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440]);
    expect(alerts.filter(Boolean)).toEqual(['failing']);
    expect(alerts[2]).toBe('failing');
    expect(status.failures).toBe(10);
    expect(status.lastError).toBe('HTTP 500');
  });

  it('says so once when a failing source recovers, and resets the count', () => {
    let status = baselined;
    for (let i = 0; i < 4; i++) status = fail(status, '2024-05-01T00:00:00Z').status;
    const ok = afterCheck(status, { ok: true, at: at('2024-05-02T00:00:00Z'), ingested: 2, etag: '"v2"' }, DEFAULT_POLICY);
    expect(ok.alert).toBe('recovered');
    expect(ok.status).toEqual({ ...baselined, failures: 0, itemsSeen: 2, etag: '"v2"', lastCheckAt: '2024-05-02T00:00:00.000Z', lastSuccessAt: '2024-05-02T00:00:00.000Z' });
    expect(afterCheck(ok.status, { ok: true, at: at('2024-05-02T00:30:00Z'), ingested: 0 }, DEFAULT_POLICY).alert).toBeUndefined();
    // Two failures then success: never alerted, so no recovery message either.
    const twice = fail(fail(baselined, '2024-05-01T00:00:00Z').status, '2024-05-01T00:30:00Z').status;
    expect(afterCheck(twice, { ok: true, at: at('2024-05-01T01:00:00Z'), ingested: 0 }, DEFAULT_POLICY).alert).toBeUndefined();
  });

  it('honours Retry-After when it asks for longer than the backoff', () => {
    const r = fail(baselined, '2024-05-01T00:00:00Z', { httpStatus: 503, retryAfterMs: 3 * 3600_000 });
    expect(r.status.nextCheckAt).toBe('2024-05-01T03:00:00.000Z');
    expect(isDue(r.status, at('2024-05-01T02:59:00Z'))).toBe(false);
    expect(isDue(r.status, at('2024-05-01T03:00:00Z'))).toBe(true);
  });

  it('disables a source that answers 410 Gone, and alerts once', () => {
    const r = fail(baselined, '2024-05-01T00:00:00Z', { httpStatus: 410 });
    expect(r.alert).toBe('disabled');
    expect(r.status.disabled).toBe('2024-05-01 起返回 410(已删除),不再检查');
    expect(isDue(r.status, at('2030-01-01T00:00:00Z'))).toBe(false);
  });

  it('records a redesign and a permanent move', () => {
    const r = afterCheck(baselined, { ok: true, at: at('2024-05-01T00:00:00Z'), ingested: 0, redesign: true, movedTo: 'https://new.example.gov.cn/list.html' }, DEFAULT_POLICY);
    expect(r.alert).toBe('redesign');
    expect(r.status.redesignAt).toBe('2024-05-01T00:00:00.000Z');
    expect(r.status.movedTo).toBe('https://new.example.gov.cn/list.html');
  });

  it('reads Retry-After in seconds or as a date', () => {
    const now = at('2024-05-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 May 2024 01:00:00 GMT', now)).toBe(3600_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('decodePage', () => {
  const text = '<html><head><meta charset="gbk"><title>电信服务质量通告</title></head><body>湖南移动</body></html>';
  const gbk = iconv.encode(text, 'gbk');

  it('takes the charset from the header, then a BOM, then <meta>, then the source’s override', () => {
    expect(decodePage(iconv.encode('申告率', 'gbk'), 'text/html; charset=GB2312')).toMatchObject({ text: '申告率', charset: 'gb18030', from: 'header' });
    expect(decodePage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('申告率')]))).toMatchObject({ text: '申告率', from: 'bom' });
    expect(decodePage(gbk, 'text/html')).toMatchObject({ text, charset: 'gb18030', from: 'meta' });
    expect(decodePage(iconv.encode('<p>满意率</p>', 'gbk'), undefined, 'gbk')).toMatchObject({ text: '<p>满意率</p>', from: 'override' });
  });

  it('reads undeclared bytes as UTF-8, or as GB18030 when they are not UTF-8', () => {
    expect(decodePage(Buffer.from('<p>办结率</p>'))).toMatchObject({ text: '<p>办结率</p>', charset: 'utf-8', from: 'guess' });
    expect(decodePage(iconv.encode('<p>办结率</p>', 'gbk'))).toMatchObject({ text: '<p>办结率</p>', charset: 'gb18030', from: 'guess' });
  });
});

describe('readArticle', () => {
  const spec = { province: '湖南', year: 2024, quarter: 3 as const, seed: 3 };

  it('keeps the content box and drops menus, crumbs, related links and the footer', () => {
    const a = readArticle(articlePage(spec), 'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_1.html', '');
    expect(a.html).toContain('湖南省电信用户申诉受理中心本季度共受理用户申诉');
    expect(a.html).toContain('<h1>湖南省通信管理局关于2024年第三季度电信服务质量的通告</h1>');
    for (const chrome of ['政务公开', '相关阅读', '河北移动', '网站标识码', '首页 &gt;']) expect(a.html).not.toContain(chrome);
    expect(a.attachments).toEqual([]);
  });

  it('leaves out files linked from menus and footers', () => {
    const html = articlePage(spec, { attachments: [{ href: '/files/tg.pdf#page=2', text: '通告.pdf' }] }).replace(
      '<div class="footer">',
      '<div class="footer"><a href="/files/accessibility-guide.pdf">无障碍浏览说明.pdf</a>',
    );
    expect(readArticle(html, 'https://hunca.miit.gov.cn/a.html', '').attachments).toEqual([{ url: 'https://hunca.miit.gov.cn/files/tg.pdf', title: '通告.pdf' }]);
  });

  it('lists PDF and Word attachments, resolved', () => {
    const a = readArticle(
      articlePage(spec, { attachments: [{ href: '../files/tg.pdf', text: '通告全文.pdf' }, { href: '/files/tg.docx', text: '通告全文.docx' }, { href: '/files/tg.jpg', text: '图片' }] }),
      'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_1.html',
      '',
    );
    expect(a.attachments).toEqual([
      { url: 'https://hunca.miit.gov.cn/zwgk/tzgg/art/files/tg.pdf', title: '通告全文.pdf' },
      { url: 'https://hunca.miit.gov.cn/files/tg.docx', title: '通告全文.docx' },
    ]);
  });
});
