/**
 * News pages and web copies as staff receive them: a portal's menu bars and
 * link lists around the story, a headline that ranks carriers, a stamp run
 * onto the headline's line, a newspaper's page head in any order, reprint
 * notes and photo captions; and the period rules that serial numbers and
 * year-only titles need. Every fixture (test/fixtures/forms/news-pages/) is invented.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { denoise, isMenuBar, isStandaloneLine } from '../../knowledge/ingest/noise.ts';
import { parseBulletin, type ParsedBulletin } from '../../knowledge/ingest/parse-bulletin.ts';
import { splitParagraphs } from '../../knowledge/ingest/paragraphs.ts';
import { openingExplicitPeriod, openingPeriod, periodOfSerial, relativePeriod, serialOf } from '../../knowledge/ingest/period.ts';
import { htmlToText } from '../../knowledge/ingest/readers/html.ts';
import type { BulletinKind, Period, Region, SourceHints } from '../../knowledge/schema.ts';

const FORMS = new URL('../fixtures/forms/news-pages/', import.meta.url);

async function parseFixture(name: string, hints: SourceHints = {}): Promise<ParsedBulletin> {
  const raw = readFileSync(fileURLToPath(new URL(name, FORMS)), 'utf8');
  const text = name.endsWith('.html') ? await htmlToText(raw) : raw;
  return parseBulletin(text, `test/fixtures/forms/news-pages/${name}`, hints);
}

/** Who owns the figure with this value: a carrier id, or null for the area as a whole. */
function ownersOf(parsed: ParsedBulletin, value: number): Array<string | null> {
  return parsed.facts.filter((f) => f.figures.some((x) => x.value === value)).map((f) => f.carrierId);
}

interface Case {
  file: string;
  head: { title: string; kind: BulletinKind; issuer: string; region: Region; period: Period };
  carriers: string[];
  /** Figure value → its owner (null: the area). */
  owners: Array<[number, string | null]>;
}

const CASES: Case[] = [
  {
    file: 'news-portal-ranking.html',
    head: {
      title: '四川三季度电信申诉情况通报 四川联通申诉率最高',
      kind: 'news',
      issuer: '川渝资讯网',
      region: { province: 'SC' },
      period: { year: 2023, quarter: 3 },
    },
    carriers: ['cm-sc', 'ct-sc', 'cu-sc'],
    owners: [
      [1642, null],
      [6.3, null],
      [1.96, 'cu-sc'],
      [1.41, 'ct-sc'],
      [0.87, 'cm-sc'],
      [46.2, null],
      [33.5, null],
      [5120, null],
      [18.4, null],
    ],
  },
  {
    file: 'news-headline-stamp-reprint.txt',
    head: {
      title: '一季度电信服务质量通告发布:中国电信申诉率最高',
      kind: 'news',
      issuer: '通信头条',
      region: { province: 'CN' },
      period: { year: 2019, quarter: 1 },
    },
    carriers: ['cm', 'ct', 'cu'],
    owners: [
      [31870, null],
      [4.6, null],
      [38.2, null],
      [20.9, null],
      [12.6, 'ct'],
      [10.3, 'cu'],
      [5.1, 'cm'],
    ],
  },
  {
    file: 'newspaper-head-reordered.txt',
    head: {
      title: '广东通报去年四季度电信服务质量宽带申诉明显减少',
      kind: 'news',
      issuer: '通信产业报',
      region: { province: 'GD' },
      period: { year: 2020, quarter: 4 },
    },
    carriers: ['cm-gd', 'ct-gd', 'cu-gd'],
    owners: [
      [4376, null],
      [0.92, 'cm-gd'],
      [1.73, 'ct-gd'],
      [2.05, 'cu-gd'],
      [22.6, null],
    ],
  },
  {
    file: 'regulator-page-link-menu.html',
    head: {
      title: '陕西省通信管理局关于2022年第二季度电信服务质量的通告',
      kind: 'official',
      issuer: '陕西省通信管理局',
      region: { province: 'SN' },
      period: { year: 2022, quarter: 2 },
    },
    carriers: ['cm-sn', 'ct-sn', 'cu-sn'],
    owners: [
      [1187, null],
      [0.71, 'cm-sn'],
      [1.38, 'ct-sn'],
      [1.52, 'cu-sn'],
    ],
  },
  {
    file: 'serial-no-date.txt',
    head: {
      title: '山东省通信管理局关于电信服务质量的通告(2022年第2号)',
      kind: 'official',
      issuer: '山东省通信管理局',
      region: { province: 'SD' },
      period: { year: 2022, quarter: 2 },
    },
    carriers: ['cm-sd', 'ct-sd', 'cu-sd'],
    owners: [
      [2248, null],
      [0.82, 'cm-sd'],
    ],
  },
  {
    file: 'year-title-months-body.txt',
    head: {
      title: '关于2022年电信用户申诉情况的通报',
      kind: 'official',
      issuer: '山西省通信管理局',
      region: { province: 'SX' },
      period: { year: 2022, quarter: 2 },
    },
    carriers: ['cm-sx', 'ct-sx', 'cu-sx'],
    owners: [
      [906, null],
      [1.27, 'cu-sx'],
    ],
  },
];

describe.each(CASES)('$file', ({ file, head, carriers, owners }) => {
  it('is read with the right title, kind, issuer, region and period', async () => {
    const { bulletin } = await parseFixture(file);
    expect({ title: bulletin.title, kind: bulletin.kind, issuer: bulletin.issuer, region: bulletin.region, period: bulletin.period }).toEqual(head);
  });

  it('lists the carriers it speaks of and gives each figure to its owner', async () => {
    const parsed = await parseFixture(file);
    expect(parsed.carriers.map((c) => c.id).sort()).toEqual(carriers);
    for (const [value, owner] of owners) expect([value, ownersOf(parsed, value)]).toEqual([value, [owner]]);
  });

  it('loses no paragraph: every one is placed with an owner', async () => {
    expect((await parseFixture(file)).report.unplaced).toEqual([]);
  });
});

describe('page chrome around a story', () => {
  const BODY = '三季度,全省共受理用户申诉1642件,环比下降6.3%。';
  const kept = (text: string): string[] => denoise(splitParagraphs(text)).paragraphs.map((p) => p.text);

  it.each([
    ['a portal bar with pipes', '信息港首页 | 新闻 | 科技 | 财经 | 登录 注册'],
    ['a portal bar of sections only', '新闻 | 财经 | 体育 | 汽车 | 房产'],
    ['a regulator menu with spaces', '首页 机构概况 政务公开 互动交流'],
    ['a footer menu', '关于我们 | 广告服务 | 联系我们 | 网站地图'],
  ])('%s is a menu bar', (_what, line) => {
    expect(isMenuBar(line)).toBe(true);
    expect(kept(`${line}\n\n${BODY}`)).toEqual([BODY]);
  });

  it.each([
    ['a table header row', '企业 | 申诉量 | 申诉率 | 环比'],
    ['a headline in two phrases', '工信部:四季度用户申诉环比下降 中国联通申诉率最高'],
    ['carrier names in a row', '移动 电信 联通 广电'],
    ['a sentence with figures', '首页数据显示 | 申诉1642件 | 下降6.3%'],
  ])('%s is no menu bar', (_what, line) => {
    expect(isMenuBar(line)).toBe(false);
  });

  it.each([
    ['a photo caption', '▲图为三季度各企业申诉率对比'],
    ['a photographer’s credit', '▲本报记者 王强 摄'],
    ['an image address', 'http://img.example.cn/2023/1031/a81f.png'],
    ['a reprint’s original title', '(原标题《四川通报三季度电信服务质量》)'],
    ['a reprint note', '注:本文为转载,不代表本站观点。'],
    ['an editor line in brackets', '(责任编辑:罗一鸣)'],
  ])('drops %s', (_what, line) => {
    expect(kept(`${BODY}\n\n${line}`)).toEqual([BODY]);
  });

  it('cuts a date-and-time stamp off a headline and keeps its site and date', () => {
    const { paragraphs, meta } = denoise(splitParagraphs(`三季度电信申诉率公布:中国联通最高 2016-10-27 16:40 IT资讯站 作者:凌风\n\n${BODY}`));
    expect(paragraphs.map((p) => p.text)).toEqual(['三季度电信申诉率公布:中国联通最高', BODY]);
    expect(meta).toMatchObject({ publishedAt: '2016-10-27', source: 'IT资讯站', author: '凌风' });
  });

  it('drops an advertisement slot, a call to scan a code, and a comments section with its comments', () => {
    const text = [
      '广告 330*360',
      BODY,
      '扫码关注我们',
      '网友评论(2)',
      '网友“老王”:我家宽带每月99元,还行。 2023-10-31 16:02',
      '匿名用户:信号一般。 2023-10-31 17:45',
    ].join('\n\n');
    expect(kept(text)).toEqual([BODY]);
  });

  it('drops every undated headline under 相关新闻, even printed in one block, and stops at a sentence', () => {
    const text = `${BODY}\n\n相关新闻:\n一季度四川移动申诉率全省最低\n三大运营商5G套餐用户突破10亿\n\n二季度,全省共受理用户申诉1501件。`;
    expect(kept(text)).toEqual([BODY, '二季度,全省共受理用户申诉1501件。']);
  });

  it('keeps a bullet with a figure and a headline with a colon that is no stamp', () => {
    for (const line of ['▲四川移动申诉率为0.87件/百万用户', '关于调整营业时间:2024年5月6日起执行新标准的公告']) {
      expect(kept(`${line}\n\n${BODY}`)).toEqual([line, BODY]);
    }
  });

  it('cuts a 来源 stamp with its date off a headline', () => {
    const { paragraphs, meta } = denoise(splitParagraphs(`三季度电信申诉率公布:中国联通最高 来源:IT资讯站 2016-10-27\n\n${BODY}`));
    expect(paragraphs.map((p) => p.text)).toEqual(['三季度电信申诉率公布:中国联通最高', BODY]);
    expect(meta).toMatchObject({ publishedAt: '2016-10-27', source: 'IT资讯站' });
  });

  it('leaves a date after a listed article title to the list rules (no time, no 来源)', () => {
    const { paragraphs } = denoise(splitParagraphs(`${BODY}\n\n关于召开电信服务质量座谈会的通知 2023-10-27\n\n另一段说明文字,没有数据。`));
    expect(paragraphs.map((p) => p.text)).toContain('关于召开电信服务质量座谈会的通知 2023-10-27');
  });

  it('keeps a stamp line on its own when printed in one block with the headline', () => {
    expect(isStandaloneLine('2016-10-27 16:40 IT资讯站 作者:凌风')).toBe(true);
    expect(splitParagraphs(`三季度电信申诉率公布\n2016-10-27 16:40 IT资讯站 作者:凌风\n\n${BODY}`).map((p) => p.text)).toEqual([
      '三季度电信申诉率公布',
      '2016-10-27 16:40 IT资讯站 作者:凌风',
      BODY,
    ]);
  });

  it.each([
    ['人民邮电报 2018年8月7日 星期二 第3版 综合新闻', '人民邮电报', '2018-08-07'],
    ['2018年8月7日 星期二 人民邮电报 第3版', '人民邮电报', '2018-08-07'],
    ['通信产业报 / 2021-02-03 / 第06版:运营服务', '通信产业报', '2021-02-03'],
    ['2018年8月7日 人民邮电报', '人民邮电报', '2018-08-07'],
    ['人民邮电报 2018年8月7日 星期二', '人民邮电报', '2018-08-07'],
  ])('reads the paper and the day from the page head “%s”', (line, paper, day) => {
    const { paragraphs, meta } = denoise(splitParagraphs(`${line}\n\n${BODY}`));
    expect(paragraphs.map((p) => p.text)).toEqual([BODY]);
    expect(meta).toMatchObject({ source: paper, publishedAt: day, newsroom: true });
  });

  it('takes the site a portal’s stamp names after the time, not the place a post was sent from', () => {
    expect(denoise(splitParagraphs(`2020年05月12日 10:21 新浪科技\n\n${BODY}`)).meta).toMatchObject({ source: '新浪科技', publishedAt: '2020-05-12' });
    expect(denoise(splitParagraphs(`原创 工信微报 2025年04月18日 17:30 北京\n\n${BODY}`)).meta).toEqual({ newsroom: false, publishedAt: '2025-04-18' });
  });

  it('reads the day and the poster from a “date name” line under a title, but not a place as a poster', () => {
    expect(denoise(splitParagraphs(`2022-01-24 江西省通信管理局\n\n${BODY}`))).toMatchObject({ meta: { publishedAt: '2022-01-24', source: '江西省通信管理局' }, dropped: [1] });
    expect(denoise(splitParagraphs(`2024-05-06 北京\n\n${BODY}`)).meta).toEqual({ newsroom: false, publishedAt: '2024-05-06' });
    // A signature names first and dates in words: it stays, for the issuer.
    expect(kept(`${BODY}\n\n江西省通信管理局 2022年1月21日`)).toEqual([BODY, '江西省通信管理局 2022年1月21日']);
  });

  it('takes the site’s name, not the date after it, from a 来源 line', () => {
    expect(denoise(splitParagraphs(`来源:新华网 2024-05-06 10:30\n\n${BODY}`)).meta).toMatchObject({ source: '新华网', publishedAt: '2024-05-06' });
  });
});

describe('reading saved pages', () => {
  it('drops bars and lists made only of links, and keeps a paragraph with a link in it', async () => {
    const html = [
      '<div><a href="/">首页</a> <a href="/a">机构概况</a> <a href="/b">政务公开</a></div>',
      '<ul><li><a href="/c">科技首页</a></li><li><a href="/d">通信</a></li><li><a href="/e">手机</a></li></ul>',
      '<h2>关于2024年第一季度电信服务质量的通告</h2>',
      '<p>详见<a href="/f.pdf">附件</a>,一季度全省共受理用户申诉812件。</p>',
    ].join('');
    expect(await htmlToText(html)).toBe('关于2024年第一季度电信服务质量的通告\n\n详见附件,一季度全省共受理用户申诉812件。');
  });

  it('makes every block and every line break outside a table a paragraph, and keeps a cell’s line break in its row', async () => {
    const html =
      '<div class="bt">江西省通信管理局关于2021年第四季度电信服务质量的通告</div><div class="sj">2022-01-24 江西省通信管理局</div>' +
      '<div class="zw">现将2021年第四季度全省电信服务有关情况通告如下:<br/>江西移动申诉率为2.94件/百万用户。<br/>江西省通信管理局</div>' +
      '<table><tr><td>企业</td><td>申诉率</td></tr><tr><td>江西<br>移动</td><td>2.94</td></tr></table>';
    const text = await htmlToText(html);
    expect(text.split(/\n\n+/).slice(0, 5)).toEqual([
      '江西省通信管理局关于2021年第四季度电信服务质量的通告',
      '2022-01-24 江西省通信管理局',
      '现将2021年第四季度全省电信服务有关情况通告如下:',
      '江西移动申诉率为2.94件/百万用户。',
      '江西省通信管理局',
    ]);
    // The table stays one block: its rows are not split into paragraphs by the cell's <br>.
    expect(text.split(/\n\n+/).at(-1)).toBe('企业   申诉率\n江西   2.94\n移动');
  });

  it('puts the <title> headline on top of a copy saved without its heading, without the site name', async () => {
    const html =
      '<html><head><title>关于2024年第一季度电信服务质量的通告_福建省通信管理局</title></head>' +
      '<body><p>现将2024年第一季度全省电信服务质量情况通告如下:</p></body></html>';
    expect(await htmlToText(html)).toBe('关于2024年第一季度电信服务质量的通告\n\n现将2024年第一季度全省电信服务质量情况通告如下:');
  });

  it('does not repeat a <title> headline the page already carries', async () => {
    const html = '<html><head><title>四川三季度电信申诉情况通报 | 川渝资讯网</title></head><body><h1>四川三季度电信申诉情况通报</h1><p>正文。</p></body></html>';
    expect(await htmlToText(html)).toBe('四川三季度电信申诉情况通报\n\n正文。');
  });
});

describe('who a story belongs to', () => {
  it('a story about one carrier group, naming no province, keeps its figures with that group', () => {
    const text = [
      '中国联通上半年服务质量持续提升',
      '2024-07-20 10:00 来源:通信世界网',
      '中国联通日前发布2024年上半年服务质量报告。上半年,中国联通客户投诉量同比下降12.3%,10010热线人工接通率达到92.5%。',
    ].join('\n\n');
    const parsed = parseBulletin(text, 'story.txt');
    expect(parsed.bulletin).toMatchObject({ kind: 'news', issuer: '通信世界网', region: { province: 'CN' }, period: { year: 2024, half: 1 } });
    expect([ownersOf(parsed, 12.3), ownersOf(parsed, 92.5)]).toEqual([['cu'], ['cu']]);
  });

  it('a story whose body speaks of the carrier in its headline only is about that carrier, whoever’s bulletin it quotes', () => {
    const text = [
      '河北移动连续四个季度申诉率全省最低',
      '2024-11-02 09:00 来源:燕赵通信网',
      '近日,河北省通信管理局发布2024年第三季度电信服务质量通告,河北移动用户申诉率为0.41件/百万用户,为全省最低。',
      '今年以来,该公司新建5G基站1.2万个,客户投诉量同比下降15.6%。',
    ].join('\n\n');
    const parsed = parseBulletin(text, 'story.txt');
    expect(parsed.bulletin).toMatchObject({ kind: 'news', region: { province: 'HE' }, period: { year: 2024, quarter: 3 } });
    expect([ownersOf(parsed, 0.41), ownersOf(parsed, 15.6)]).toEqual([['cm-he'], ['cm-he']]);
  });

  it('a regulator named before a colon in the headline, and a lead that tells of its release, make a story', () => {
    const text = [
      '工信部通报一季度电信服务质量:中国移动申诉率最低',
      '工业和信息化部日前通报了2024年第一季度电信服务质量情况。一季度,全国共受理用户申诉52100件,环比下降3.3%。',
      '三家企业中,中国移动申诉率为1.8件/百万用户,中国电信为3.2件/百万用户,中国联通为3.9件/百万用户。',
    ].join('\n\n');
    const parsed = parseBulletin(text, 'story.txt');
    expect(parsed.bulletin).toMatchObject({ kind: 'news', region: { province: 'CN' }, period: { year: 2024, quarter: 1 } });
    expect([52100, 1.8, 3.2, 3.9].map((v) => ownersOf(parsed, v))).toEqual([[null], ['cm'], ['ct'], ['cu']]);
  });

  it('a newspaper’s two-line headline is one title; a bulletin’s addressee line is not part of its title', () => {
    const story = [
      '中国电信报 2022年5月10日',
      '福建通报一季度电信服务质量',
      '携号转网申诉明显减少',
      '本报讯 近日,福建省通信管理局通报了一季度全省电信服务质量情况。一季度,全省共受理用户申诉1320件,同比下降7.5%。',
    ].join('\n\n');
    expect(parseBulletin(story, 'story.txt').bulletin).toMatchObject({
      title: '福建通报一季度电信服务质量 携号转网申诉明显减少',
      kind: 'news',
      issuer: '中国电信报',
      period: { year: 2022, quarter: 1 },
    });
    const official = ['福建省通信管理局关于2022年第一季度电信服务质量的通告', '各基础电信企业福建分公司:', '一季度,全省共受理用户申诉1320件,同比下降7.5%。'].join('\n\n');
    expect(parseBulletin(official, 'b.txt').bulletin.title).toBe('福建省通信管理局关于2022年第一季度电信服务质量的通告');
  });

  it('a newsroom’s lead (本报讯) makes a story of a headline that ends in 通报', () => {
    const text = [
      '湖北三季度电信申诉情况通报',
      '2024-10-28 09:00',
      '本报讯 湖北省通信管理局日前通报了第三季度全省电信服务质量情况。三季度,全省共受理用户申诉1530件,同比下降8.2%。',
      '湖北移动申诉率为0.95件/百万用户,湖北电信为1.84件/百万用户。',
    ].join('\n\n');
    const parsed = parseBulletin(text, 'story.txt');
    expect(parsed.bulletin).toMatchObject({ kind: 'news', region: { province: 'HB' }, period: { year: 2024, quarter: 3 } });
    expect([1530, 0.95, 1.84].map((v) => ownersOf(parsed, v))).toEqual([[null], ['cm-hb'], ['ct-hb']]);
  });

  it('a regulator’s own page with an editor line is its bulletin, not a story', () => {
    const text = [
      '2024年第三季度全省电信服务质量情况',
      '发布时间:2024-10-28 来源:河南省通信管理局',
      '第三季度,河南省电信用户申诉受理中心共受理用户申诉1530件,同比下降8.2%。',
      '河南移动申诉率为0.95件/百万用户,河南电信为1.84件/百万用户。',
      '责任编辑:王芳',
    ].join('\n\n');
    expect(parseBulletin(text, 'page.txt').bulletin).toMatchObject({ kind: 'official', issuer: '河南省通信管理局', region: { province: 'HA' } });
  });

  it('a portal’s (图) mark is not part of the headline', () => {
    const text = ['三季度电信申诉率公布 中国联通最高(图)', '2016-10-27 16:40 IT资讯站', '工信部今日发布了2016年第三季度电信服务质量通告。通告显示,第三季度共受理电信用户申诉15682人次。'].join('\n\n');
    expect(parseBulletin(text, 'story.txt').bulletin.title).toBe('三季度电信申诉率公布 中国联通最高');
  });

  it('a headline on one carrier over the ministry’s figures for all three (据工信部数据) keeps the nation’s figures the nation’s', () => {
    const text = [
      '中国联通申诉率连续三个季度上升',
      '2024-11-02 09:00 来源:燕赵通信网',
      '据工信部数据,三季度全国共受理用户申诉48210件,环比下降2.2%。',
      '其中中国联通申诉率为5.1件/百万用户,中国电信为4.0件/百万用户,中国移动为2.2件/百万用户。',
    ].join('\n\n');
    const parsed = parseBulletin(text, 'story.txt');
    expect([48210, 2.2, 5.1, 4].map((v) => ownersOf(parsed, v))).toEqual([[null], [null, 'cm'], ['cu'], ['ct']]);
  });

  it('a group’s own national report, naming no province, is read as that group’s', () => {
    const text = [
      '中国联合网络通信集团有限公司2022年电信服务质量状况报告',
      '中国联合网络通信集团有限公司(以下简称“中国联通”)现将2022年电信服务质量情况报告如下:',
      '2022年,10010客服热线人工服务接通率为91.6%;全年用户申诉率为1.87件/百万用户,同比下降12.4%。',
    ].join('\n\n');
    const parsed = parseBulletin(text, 'report.txt');
    expect(parsed.bulletin).toMatchObject({ kind: 'carrier_report', region: { province: 'CN' }, period: { year: 2022 } });
    expect([91.6, 1.87, 12.4].map((v) => ownersOf(parsed, v))).toEqual([['cu'], ['cu'], ['cu']]);
  });

  it('a story about no carrier and no regulator gives its figures to the area, not to no one', () => {
    const text = ['本市宽带网络持续提速', '2024-03-02 08:30 来源:江城晚报', '今年1-2月,武汉市千兆宽带用户新增12.4万户,累计达到186万户。'].join('\n\n');
    const parsed = parseBulletin(text, 'story.txt');
    expect(parsed.report.unplaced).toEqual([]);
    expect([ownersOf(parsed, 12.4), ownersOf(parsed, 186)]).toEqual([[null], [null]]);
  });

  it('a headline with a colon under a newsroom’s byline is a story, not the regulator’s bulletin', () => {
    const text = [
      '湖北三季度电信服务质量通报:湖北移动申诉率最低',
      '2024年10月28日 09:15 来源:江城晚报',
      '本报讯 湖北省通信管理局日前通报了第三季度全省电信服务质量情况。三季度,全省共受理用户申诉1530件,同比下降8.2%。',
      '湖北移动、湖北电信、湖北联通的申诉率分别为0.95件/百万用户、1.84件/百万用户和2.21件/百万用户。',
    ].join('\n\n');
    const parsed = parseBulletin(text, 'story.txt');
    expect(parsed.bulletin).toMatchObject({ kind: 'news', issuer: '江城晚报', region: { province: 'HB' }, period: { year: 2024, quarter: 3 } });
    expect([ownersOf(parsed, 1530), ownersOf(parsed, 0.95), ownersOf(parsed, 2.21)]).toEqual([[null], ['cm-hb'], ['cu-hb']]);
  });

  it('a headline that speaks of the area first and then picks out one carrier keeps the area-wide paragraphs with the area', () => {
    // The two headline lines may stand apart or run together as one paragraph; either way the story retells the regulator.
    for (const headline of ['上半年全省电信用户投诉量稳中有降\n\n江西电信申诉率全省最低', '上半年全省电信用户投诉量稳中有降\n江西电信申诉率全省最低']) {
      const text = [
        '赣江晨报\n2023年07月26日 星期三',
        headline,
        '本报讯 上半年,全省共受理电信用户申诉2316件,同比下降9.4%。',
        '分企业看,江西电信申诉量612件,申诉率1.35件/百万用户;江西移动申诉量1047件;江西联通申诉量657件。',
        '从申诉内容看,资费类申诉占41.7%,网络类占32.6%。',
        '上半年全省新建千兆光网端口8.3万个。',
      ].join('\n\n');
      const parsed = parseBulletin(text, 'story.txt');
      expect(parsed.bulletin).toMatchObject({ kind: 'news', region: { province: 'JX' }, period: { year: 2023, half: 1 } });
      expect([ownersOf(parsed, 2316), ownersOf(parsed, 612), ownersOf(parsed, 1047), ownersOf(parsed, 41.7), ownersOf(parsed, 8.3)]).toEqual([[null], ['ct-jx'], ['cm-jx'], [null], [null]]);
    }
  });

  it('a ranking headline over figures the reporter had from the regulator is the regulator’s ranking', () => {
    const text = [
      '湖南联通投诉处理满意度全省居首',
      '2024-08-05 08:40 来源:潇湘都市网',
      '记者从湖南省通信管理局获悉,二季度全省电信用户申诉率为1.86件/百万用户。',
      '湖南联通、湖南移动、湖南电信的申诉处理满意率分别为97.2%、95.8%和96.1%。',
      '二季度全省新开通5G基站3120个。',
    ].join('\n\n');
    const parsed = parseBulletin(text, 'story.txt');
    expect(parsed.bulletin).toMatchObject({ kind: 'news', region: { province: 'HN' }, period: { year: 2024, quarter: 2 } });
    expect([ownersOf(parsed, 1.86), ownersOf(parsed, 97.2), ownersOf(parsed, 95.8), ownersOf(parsed, 3120)]).toEqual([[null], ['cu-hn'], ['cm-hn'], [null]]);
  });
});

describe('the issuer of a story is an organisation', () => {
  const lead = (first: string): string =>
    [first, '三季度,全省电信用户申诉受理中心共受理用户申诉1530件,同比下降8.2%。浙江移动申诉率为0.95件/百万用户。'].join('');

  it.each([
    ['据了解,', '新闻报道'],
    ['据悉,', '新闻报道'],
    ['据统计,', '新闻报道'],
    ['据工信微报消息,', '工信微报'],
    ['之江网讯 ', '之江网'],
    ['新浪科技讯 10月30日消息,', '新浪科技'],
    ['【浙江在线】', '浙江在线'],
  ])('a lead opening “%s” gives %s', (first, issuer) => {
    const parsed = parseBulletin(lead(first), 'story.txt', { publishedAt: '2024-10-30' });
    expect(parsed.bulletin.issuer).toBe(issuer);
  });
});

describe('period from a serial number and from a year-only title', () => {
  it('reads the serial and the year it is numbered in', () => {
    expect(serialOf('关于电信服务质量的通告(2023年第3号)')).toEqual({ year: 2023, number: 3 });
    expect(serialOf('(2016年第1期)')).toEqual({ year: 2016, number: 1 });
    expect(serialOf('关于2023年第三季度电信服务质量的通告')).toBeUndefined();
  });

  it.each([
    ['三季度', { year: 2023, number: 3 }, { year: 2023, quarter: 3 }],
    ['第四季度', { year: 2024, number: 1 }, { year: 2023, quarter: 4 }],
    ['下半年', { year: 2024, number: 1 }, { year: 2023, half: 2 }],
    ['一季度', { year: 2024, number: 1 }, { year: 2024, quarter: 1 }],
    ['第四季度', { year: 2024, number: 4 }, { year: 2024, quarter: 4 }],
  ])('%s under serial %j is %j', (words, serial, period) => {
    expect(periodOfSerial(relativePeriod(words)!, serial)).toEqual(period);
  });

  it.each([
    ['7月至9月,全省受理用户申诉1875件。', { year: 2023, quarter: 3 }],
    ['现将7-9月全省电信用户申诉情况通报如下:', { year: 2023, quarter: 3 }],
    ['一、三季度,全省受理用户申诉1875件。', { year: 2023, quarter: 3 }],
  ])('“%s” refines a year-only title', (opening, period) => {
    expect(openingPeriod([opening])?.part(2023)).toEqual(period);
  });

  it.each([
    ['全年共受理用户申诉8875件,其中四季度受理2011件。'],
    ['2023年,全省共受理用户申诉8875件,其中四季度受理2011件。'],
    ['去年三季度,全省受理用户申诉1875件。'],
  ])('“%s” does not', (opening) => {
    expect(openingPeriod([opening])).toBeUndefined();
  });

  const bulletin = (title: string, body: string): Period =>
    parseBulletin([title, body, '江西省通信管理局'].join('\n\n'), 'b.txt').bulletin.period;

  it('dates a bulletin with only a serial and a yearless period by the serial', () => {
    expect(bulletin('关于电信服务质量的通告(2023年第3期)', '三季度,全省共受理用户申诉1875件,环比下降4.2%。')).toEqual({ year: 2023, quarter: 3 });
    expect(bulletin('关于电信服务质量的通告(2024年第1号)', '第四季度,全省共受理用户申诉1875件,环比下降4.2%。')).toEqual({ year: 2023, quarter: 4 });
  });

  it('keeps a year-only title yearly when its paragraphs open with one quarter after another', () => {
    const body = ['一、一季度,全省受理用户申诉1875件。', '二、二季度,全省受理用户申诉1702件。'];
    expect(openingPeriod(body.slice(0, 1), body)).toBeUndefined();
    expect(bulletin('关于2023年电信用户申诉情况的通报', body.join('\n\n'))).toEqual({ year: 2023 });
  });

  it('takes the period that opens a paragraph when the title has none, however long the clause after it', () => {
    expect(openingExplicitPeriod(['一、基本情况', '2023年上半年,中国电信股份有限公司佛山分公司(以下简称“本公司”)移动电话用户达到301万户。'])).toEqual({ year: 2023, half: 1 });
    expect(openingExplicitPeriod(['截至2023年6月底,本公司移动电话用户达到301万户。'])).toBeUndefined();
    const report = ['中国电信股份有限公司佛山分公司电信服务质量状况报告', '2023年上半年,中国电信股份有限公司佛山分公司(以下简称“本公司”)移动电话用户达到301万户,家庭宽带用户达到96万户。'];
    expect(parseBulletin(report.join('\n\n'), 'r.txt').bulletin.period).toEqual({ year: 2023, half: 1 });
  });

  it('keeps a yearly bulletin yearly when a quarter is only mentioned inside it', () => {
    expect(bulletin('关于2024年电信服务质量的通告', '全年共受理用户申诉8875件,其中四季度受理2011件。')).toEqual({ year: 2024 });
    expect(bulletin('关于2023年电信用户申诉情况的通报', '7月至9月,全省受理用户申诉1875件,环比下降4.2%。')).toEqual({ year: 2023, quarter: 3 });
  });
});
