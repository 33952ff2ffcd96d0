/**
 * Bulletins in every form they are published in (test/fixtures/forms/):
 * title forms, serial numbers, missing regions, national and 2008-era
 * bulletins, news leads, carrier and 12321 reports, municipalities,
 * traditional characters, inserted pinyin and web-page noise. Each fixture
 * is checked for exactly the title, kind, issuer, region and period a careful
 * reader would give it. The period and title rules are also tested on their own.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanTitle, readHead, titleFromLead } from '../../knowledge/ingest/bulletin-meta.ts';
import { readPeriod } from '../../knowledge/ingest/bulletin-origin.ts';
import { ingestText, reparseOutdated } from '../../knowledge/ingest/ingest.ts';
import { contentHash, NotABulletinError, parseBulletin, PARSER_VERSION, type ParsedBulletin } from '../../knowledge/ingest/parse-bulletin.ts';
import { readableText, splitParagraphs } from '../../knowledge/ingest/paragraphs.ts';
import {
  datelineOf,
  explicitPeriod,
  parsePeriod,
  periodCode,
  periodLabel,
  periodOfMonths,
  relativePeriod,
  resolveRelative,
  statedPeriod,
} from '../../knowledge/ingest/period.ts';
import { regionIndex } from '../../knowledge/regions.ts';
import { Bulletin, Period, type BulletinKind, type Region, type SourceHints } from '../../knowledge/schema.ts';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { ownerName } from '../../handlers/format.ts';
import { knowledgeFrom } from '../helpers/knowledge.ts';

const FORMS = new URL('../fixtures/forms/', import.meta.url);

function raw(name: string): string {
  return readFileSync(fileURLToPath(new URL(name, FORMS)), 'utf8');
}

function parse(name: string, hints: SourceHints = {}): ParsedBulletin {
  return parseBulletin(raw(name), `test/fixtures/forms/${name}`, hints);
}

interface Form {
  file: string;
  hints?: SourceHints;
  title: string;
  kind: BulletinKind;
  issuer: string;
  region: Region;
  period: Period;
}

const FORMS_EXPECTED: Form[] = [
  {
    file: 'issuer-guanyu-quarter.txt',
    title: '安徽省通信管理局关于2024年第二季度全省电信服务质量的通告',
    kind: 'official',
    issuer: '安徽省通信管理局',
    region: { province: 'AH' },
    period: { year: 2024, quarter: 2 },
  },
  {
    file: 'halfyear-no-issuer.txt',
    title: '2024年上半年福建省电信服务质量通告',
    kind: 'official',
    issuer: '福建省通信管理局',
    region: { province: 'FJ' },
    period: { year: 2024, half: 1 },
  },
  {
    file: 'serial-covers-q3.txt',
    title: '河北省通信管理局关于电信服务质量的通告(2023年第4号)',
    kind: 'official',
    issuer: '河北省通信管理局',
    region: { province: 'HE' },
    period: { year: 2023, quarter: 3 },
  },
  {
    file: 'serial-1-previous-q4.txt',
    title: '关于电信服务质量的通告(2024年第1号)',
    kind: 'official',
    issuer: '甘肃省通信管理局',
    region: { province: 'GS' },
    period: { year: 2023, quarter: 4 },
  },
  {
    file: 'no-region-source-line.txt',
    title: '2022年第四季度电信服务质量通告',
    kind: 'official',
    issuer: '北京市通信管理局',
    region: { province: 'BJ' },
    period: { year: 2022, quarter: 4 },
  },
  {
    file: 'no-region-body-area.txt',
    title: '2022年第三季度电信服务质量通告',
    kind: 'official',
    issuer: '天津市通信管理局',
    region: { province: 'TJ' },
    period: { year: 2022, quarter: 3 },
  },
  {
    file: 'no-region-url-host.txt',
    hints: { url: 'https://nxca.miit.gov.cn/zwgk/fwzl/art/2021/art_4f2a.html' },
    title: '2021年第一季度电信服务质量通告',
    kind: 'official',
    issuer: '宁夏回族自治区通信管理局',
    region: { province: 'NX' },
    period: { year: 2021, quarter: 1 },
  },
  {
    file: 'two-line-title-serial.txt',
    title: '关于2015年四季度电信服务质量的通告',
    kind: 'official',
    issuer: '新疆维吾尔自治区通信管理局',
    region: { province: 'XJ' },
    period: { year: 2015, quarter: 4 },
  },
  {
    file: 'national-xinguanhan.txt',
    title: '工业和信息化部关于2024年第三季度电信服务质量的通告',
    kind: 'official',
    issuer: '工业和信息化部',
    region: { province: 'CN' },
    period: { year: 2024, quarter: 3 },
  },
  {
    file: 'national-serial-only.txt',
    title: '关于电信服务质量的通告(2020年第3号)',
    kind: 'official',
    issuer: '工业和信息化部',
    region: { province: 'CN' },
    period: { year: 2020, quarter: 2 },
  },
  {
    file: 'mii-2008-notice.txt',
    title: '信息产业部通告2008年第3号',
    kind: 'official',
    issuer: '信息产业部',
    region: { province: 'CN' },
    period: { year: 2007, quarter: 4 },
  },
  {
    file: 'news-lead-no-title.txt',
    title: '工信部发布2025年第一季度电信服务质量通告',
    kind: 'news',
    issuer: '新闻报道',
    region: { province: 'CN' },
    period: { year: 2025, quarter: 1 },
  },
  {
    file: 'news-weibao-published.txt',
    hints: { publishedAt: '2021-05-08' },
    title: '工业和信息化部近日通告了一季度电信服务质量情况',
    kind: 'news',
    issuer: '工信微报',
    region: { province: 'CN' },
    period: { year: 2021, quarter: 1 },
  },
  {
    file: 'news-dateline.txt',
    title: '今年一季度我省电信用户申诉量下降',
    kind: 'news',
    issuer: '本报记者 周敏',
    region: { province: 'SC' },
    period: { year: 2023, quarter: 1 },
  },
  {
    file: 'carrier-report-legal.txt',
    title: '中国移动通信集团山东有限公司2024年上半年电信服务质量状况报告',
    kind: 'carrier_report',
    issuer: '中国移动通信集团山东有限公司',
    region: { province: 'SD' },
    period: { year: 2024, half: 1 },
  },
  {
    file: 'spam-12321-review.txt',
    title: '2023年第四季度垃圾信息投诉情况盘点',
    kind: 'official',
    issuer: '12321网络不良与垃圾信息举报受理中心',
    region: { province: 'CN' },
    period: { year: 2023, quarter: 4 },
  },
  {
    file: 'municipality-quarter.txt',
    title: '2024年第一季度北京市电信服务质量通告',
    kind: 'official',
    issuer: '北京市通信管理局',
    region: { province: 'BJ' },
    period: { year: 2024, quarter: 1 },
  },
  {
    file: 'months-1-9.txt',
    title: '2024年1-9月湖南省电信服务质量通告',
    kind: 'official',
    issuer: '湖南省通信管理局',
    region: { province: 'HN' },
    period: { year: 2024, months: { from: 1, to: 9 } },
  },
  {
    file: 'traditional.txt',
    title: '辽宁省通信管理局关于2023年第二季度电信服务质量的通告',
    kind: 'official',
    issuer: '辽宁省通信管理局',
    region: { province: 'LN' },
    period: { year: 2023, quarter: 2 },
  },
  {
    file: 'pinyin-inserted.txt',
    title: '山西省通信管理局关于2022年第四季度电信服务质量的通告',
    kind: 'official',
    issuer: '山西省通信管理局',
    region: { province: 'SX' },
    period: { year: 2022, quarter: 4 },
  },
  {
    file: 'web-page-noise.txt',
    title: '广东省通信管理局关于2023年第四季度电信服务质量的通告',
    kind: 'official',
    issuer: '广东省通信管理局',
    region: { province: 'GD' },
    period: { year: 2023, quarter: 4 },
  },
  {
    file: 'newspaper-page-head.txt',
    title: '2014年第四季度我省电信服务质量通告',
    kind: 'official',
    issuer: '江苏省通信管理局',
    region: { province: 'JS' },
    period: { year: 2014, quarter: 4 },
  },
];

describe('every published form is read with the right title, kind, issuer, region and period', () => {
  it.each(FORMS_EXPECTED)('$file', ({ file, hints, ...expected }) => {
    const { bulletin, facts } = parse(file, hints);
    expect({ title: bulletin.title, kind: bulletin.kind, issuer: bulletin.issuer, region: bulletin.region, period: bulletin.period }).toEqual(expected);
    expect(Bulletin.omit({ seq: true, ingestedAt: true }).safeParse(bulletin).success).toBe(true);
    expect(facts.length).toBeGreaterThan(0);
  });

  it('covers every fixture in the folder', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(fileURLToPath(FORMS)).filter((f) => /\.(?:txt|html)$/.test(f));
    expect([...files].sort()).toEqual([...FORMS_EXPECTED.map((f) => f.file), 'news-no-year.txt'].sort());
  });
});

describe('refusals say exactly why', () => {
  it('a news lead with 今年 and no date anywhere: the year is unknown, not guessed', () => {
    expect(() => parse('news-no-year.txt')).toThrow(NotABulletinError);
    expect(() => parse('news-no-year.txt')).toThrow('无法判断年份:文中只写了“今年一季度”,没有写明是哪一年,也没有日期行或发布日期');
  });

  it('the same lead is accepted once a publication date is known', () => {
    expect(parse('news-no-year.txt', { publishedAt: '2024-04-26' }).bulletin.period).toEqual({ year: 2024, quarter: 1 });
  });

  it('a page that is nothing but navigation', () => {
    const page = '当前位置:首页 > 政务公开 > 通知公告\n\n【打印本页】【关闭窗口】\n\n分享到:';
    expect(() => parseBulletin(page, 'nav.txt')).toThrow('没有找到正文:去掉网页导航等内容后没有剩下文字');
  });

  it('a regulator bulletin with no province anywhere and no address to go by', () => {
    const text = '2022年第二季度电信服务质量通告\n\n现将2022年第二季度电信服务质量情况通告如下:\n\n一、第二季度共受理用户申诉1020件,环比下降4.2%。';
    expect(() => parseBulletin(text, 'x.txt')).toThrow(/无法判断通告所属的地区:标题、来源行、正文和落款都没有写明省份/);
    // The address it was fetched from settles it.
    expect(parseBulletin(text, 'x.txt', { url: 'https://hljca.miit.gov.cn/a.html' }).bulletin.region).toEqual({ province: 'HL' });
  });
});

describe('the same bulletin in other scripts', () => {
  it('reads traditional characters and inserted pinyin as simplified text, keeping paragraph numbers', () => {
    for (const [file, needle] of [
      ['traditional.txt', '辽宁移动申诉率为0.44件/百万用户'],
      ['pinyin-inserted.txt', '山西移动申诉率为0.38件/百万用户'],
    ] as const) {
      const { facts } = parse(file);
      const f = facts.find((x) => x.text.includes(needle));
      expect(f, `${file}: ${needle}`).toBeDefined();
      // 二、 is the fifth blank-line separated block of both files.
      expect(f!.source.paragraphs).toEqual([5]);
      for (const x of facts) expect(x.text).not.toMatch(/[(][a-zāáǎàēéěèīíǐìōóǒòūúǔù]+[)]|質|電|務/);
    }
  });

  it('removes only tone-marked pinyin after a character, nothing else in brackets', () => {
    expect(readableText('電信服務(wù)質(zhì)量(2020年第3號)')).toBe('电信服务质量(2020年第3号)');
    expect(readableText('中国移动(China Mobile)(简称"移动")')).toBe('中国移动(China Mobile)(简称"移动")');
  });
});

describe('municipalities and autonomous regions speak of 全市 and 全区', () => {
  const regions = regionIndex();
  it.each([
    [{ province: 'BJ' }, '全市', '北京全市'],
    [{ province: 'NM' }, '全区', '内蒙古全区'],
    [{ province: 'JL' }, '全省', '吉林全省'],
    [{ province: 'HB', city: 'shiyan' }, '全市', '湖北十堰全市'],
    [{ province: 'JL', city: 'yanbian' }, '全州', '吉林延边全州'],
    [{ province: 'CN' }, '全国', '全国'],
  ] as const)('%o → %s, %s', (region, scope, whole) => {
    expect(regions.scopeWord(region)).toBe(scope);
    expect(regions.wholeLabel(region)).toBe(whole);
  });

  it('knows every province regulator host and MIIT’s own', () => {
    expect(regions.provinces.every((p) => p.regulatorHosts.length > 0)).toBe(true);
    expect(regions.regionOfHost('bjca.miit.gov.cn')).toEqual({ province: 'BJ' });
    expect(regions.regionOfHost('HUBCA.MIIT.GOV.CN')).toEqual({ province: 'HB' });
    expect(regions.regionOfHost('www.miit.gov.cn')).toEqual({ province: 'CN' });
    expect(regions.regionOfHost('bjca.example.com')).toBeUndefined();
    expect(regions.regionOfHost('ythzxfw.miit.gov.cn')).toBeUndefined();
    const prefixes = regions.provinces.flatMap((p) => p.regulatorHosts);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('names the area’s own figures 北京全市 and 天津全市 in replies, never 北京全省', () => {
    const data = knowledgeFrom([
      [raw('municipality-quarter.txt'), 'm.txt'],
      [raw('no-region-body-area.txt'), 't.txt'],
    ]);
    const kb = new KnowledgeBase(data);
    const owners = new Set(data.facts.filter((f) => f.carrierId === null).map((f) => ownerName(f, kb)));
    expect([...owners].sort()).toEqual(['北京全市', '天津全市']);
  });

  it('"北京电信网和互联网运行平稳" creates no carrier', () => {
    expect(parse('municipality-quarter.txt').carriers.map((c) => c.id)).toEqual(['cm-bj', 'cu-bj']);
  });
});

describe('period rules', () => {
  it('reads quarters with and without 第, halves, 年度 and spans of months', () => {
    expect(parsePeriod('关于2015年四季度电信服务质量的通告')).toEqual({ year: 2015, quarter: 4 });
    expect(parsePeriod('2024年第二季度')).toEqual({ year: 2024, quarter: 2 });
    expect(parsePeriod('2024年3季度')).toEqual({ year: 2024, quarter: 3 });
    expect(parsePeriod('2023年下半年')).toEqual({ year: 2023, half: 2 });
    expect(parsePeriod('2023年度电信服务质量报告')).toEqual({ year: 2023 });
    expect(parsePeriod('2024年1-9月')).toEqual({ year: 2024, months: { from: 1, to: 9 } });
    expect(parsePeriod('2024年前三季度')).toEqual({ year: 2024, months: { from: 1, to: 9 } });
    expect(parsePeriod('2024年1至6月')).toEqual({ year: 2024, half: 1 });
    expect(parsePeriod('2024年7-9月')).toEqual({ year: 2024, quarter: 3 });
    expect(parsePeriod('2024年1-12月')).toEqual({ year: 2024 });
    expect(parsePeriod('2024年11月全省电信用户申诉情况通报')).toEqual({ year: 2024, months: { from: 11, to: 11 } });
    expect(periodLabel({ year: 2024, months: { from: 11, to: 11 } })).toBe('2024年11月');
    // In a title or not, 6月底 and 4月28日 are dates, not what the text covers.
    expect(parsePeriod('截至2024年6月底')).toBeUndefined();
    expect(parsePeriod('2024年4月28日发布')).toBeUndefined();
  });

  it('never takes 第N号 for a quarter', () => {
    expect(parsePeriod('关于电信服务质量的通告(2023年第4号)')).toBeUndefined();
    expect(parsePeriod('信息产业部通告2008年第3号')).toBeUndefined();
    expect(parsePeriod('电信服务质量通告(2022年第2期)')).toBeUndefined();
    expect(explicitPeriod('(2016年第1号)关于2015年四季度电信服务质量的通告')).toEqual({ year: 2015, quarter: 4 });
  });

  it('takes a serial-numbered bulletin’s period from its statement, even in the year before', () => {
    const paragraphs = splitParagraphs('关于电信服务质量的通告(2024年第1号)\n\n现将2023年第四季度电信服务质量情况通告如下:\n\n一、受理申诉100件。');
    const head = readHead(paragraphs);
    if ('refusal' in head) throw new Error(head.refusal);
    expect(readPeriod({ head: head.head, paragraphs, meta: { newsroom: false }, hints: {} })).toEqual({ period: { year: 2023, quarter: 4 } });
  });

  it('dates a statement without its year by the signature date: 第四季度 signed in January is the year before', () => {
    const bulletin = (serial: string, quarter: string, signed: string): ParsedBulletin['bulletin'] =>
      parseBulletin(
        `关于电信服务质量的通告(${serial})\n\n现将${quarter}全省电信服务质量情况通告如下:\n\n一、全省共受理用户申诉1520件,环比下降2.1%。\n\n湖北省通信管理局\n\n${signed}`,
        'x.txt',
      ).bulletin;
    expect(bulletin('2023年第4号', '第三季度', '2023年10月26日').period).toEqual({ year: 2023, quarter: 3 });
    expect(bulletin('2024年第1号', '第四季度', '2024年1月22日').period).toEqual({ year: 2023, quarter: 4 });
    expect(bulletin('2024年第1号', '第四季度', '2024年1月22日')).toMatchObject({ region: { province: 'HB' }, issuer: '湖北省通信管理局' });
  });

  it('reads dates that run over whole months as that span, and any other pair of dates as no period', () => {
    const opening = (dates: string): Period | undefined => statedPeriod([`${dates},全省电信用户申诉受理中心共受理用户申诉386件。`]);
    expect(opening('2019年7月1日至9月30日')).toEqual({ year: 2019, quarter: 3 });
    expect(opening('2020年1月1日至2020年6月30日')).toEqual({ year: 2020, half: 1 });
    expect(opening('2020年1月1日-2月29日')).toEqual({ year: 2020, months: { from: 1, to: 2 } });
    expect(opening('二〇一八年十月一日至十二月三十一日')).toEqual({ year: 2018, quarter: 4 });
    // Not whole months (2019 has no 29 February), or over the turn of a year: dates, not a period.
    expect(opening('2019年1月1日至2月29日')).toBeUndefined();
    expect(opening('2019年3月15日至4月14日')).toBeUndefined();
    expect(opening('2019年11月1日至2020年1月31日')).toBeUndefined();
  });

  it('takes a bulletin’s period from the dates its body opens with, not the year it is signed in', () => {
    const text = [
      '宁夏回族自治区通信管理局关于电信用户申诉处理情况的通报',
      '宁通管函〔2019〕8号',
      '各基础电信企业:',
      '2018年10月1日至12月31日,全区共受理电信用户申诉174件,环比下降4.4%。',
      '请各企业于2019年2月28日前报送整改情况。',
      '宁夏回族自治区通信管理局',
      '2019年1月18日',
    ].join('\n\n');
    expect(parseBulletin(text, 'x.txt').bulletin).toMatchObject({ kind: 'official', region: { province: 'NX' }, period: { year: 2018, quarter: 4 } });
  });

  it('reads what a statement is about, not any date in the opening', () => {
    expect(statedPeriod(['2021年度3·15国际消费者权益日的主题确定为守护安全', '现将2023年第三季度全省电信服务有关情况通告如下:'])).toEqual({ year: 2023, quarter: 3 });
    expect(statedPeriod(['截至2024年6月底,全省5G基站9.8万个。'])).toBeUndefined();
  });

  it('dates 今年一季度 by the dateline or publication date, 去年 a year back, 四季度 published in January the year before', () => {
    const rel = relativePeriod('今年一季度全省申诉量下降')!;
    expect(resolveRelative(rel, { year: 2025, month: 4 })).toEqual({ year: 2025, quarter: 1 });
    expect(resolveRelative(relativePeriod('去年四季度')!, { year: 2025, month: 6 })).toEqual({ year: 2024, quarter: 4 });
    expect(resolveRelative(relativePeriod('第四季度电信服务质量')!, { year: 2025, month: 1 })).toEqual({ year: 2024, quarter: 4 });
    expect(resolveRelative(relativePeriod('前三季度')!, { year: 2024, month: 11 })).toEqual({ year: 2024, months: { from: 1, to: 9 } });
    expect(relativePeriod('2025年第一季度')).toBeUndefined();
  });

  it('finds datelines in numeric and Chinese forms', () => {
    expect(datelineOf('2025-04-18 09:30')).toEqual({ year: 2025, month: 4 });
    expect(datelineOf('(2025年4月18日)')).toEqual({ year: 2025, month: 4 });
    expect(datelineOf('二〇〇八年一月三十日')).toEqual({ year: 2008, month: 1 });
    expect(datelineOf('截至2024年6月底')).toBeUndefined();
  });

  it('labels and codes periods, old kinds unchanged', () => {
    expect([periodLabel({ year: 2023, half: 2 }), periodCode({ year: 2023, half: 2 })]).toEqual(['2023年下半年', '2023h2']);
    expect([periodLabel({ year: 2024, quarter: 3 }), periodCode({ year: 2024, quarter: 3 })]).toEqual(['2024年第三季度', '2024q3']);
    expect([periodLabel({ year: 2020 }), periodCode({ year: 2020 })]).toEqual(['2020年', '2020']);
    expect([periodLabel({ year: 2024, months: { from: 1, to: 9 } }), periodCode({ year: 2024, months: { from: 1, to: 9 } })]).toEqual(['2024年1-9月', '2024m1-9']);
    expect(periodOfMonths(2024, 10, 12)).toEqual({ year: 2024, quarter: 4 });
  });

  it('accepts stored periods from before months existed, and rejects a backwards span', () => {
    expect(Period.safeParse({ year: 2023, half: 2 }).success).toBe(true);
    expect(Period.safeParse({ year: 2024, months: { from: 9, to: 1 } }).success).toBe(false);
  });
});

describe('titles', () => {
  it('makes a news lead’s title from its first real clause', () => {
    expect(titleFromLead('日前,工信部发布2025年第一季度电信服务质量通告,通报了申诉情况。')).toBe('工信部发布2025年第一季度电信服务质量通告');
    expect(titleFromLead('据工信微报,工业和信息化部近日通告了一季度电信服务质量情况。')).toBe('工业和信息化部近日通告了一季度电信服务质量情况');
    expect(titleFromLead('人民网北京4月18日电(记者张三)工业和信息化部日前发布2025年第一季度电信服务质量通告,显示申诉下降。')).toBe(
      '工业和信息化部日前发布2025年第一季度电信服务质量通告',
    );
    expect(titleFromLead('本报讯(记者 李四)近日,省通信管理局通报了一季度全省电信服务质量情况。')).toBe('省通信管理局通报了一季度全省电信服务质量情况');
  });

  it('drops a list date or a browser-tab site name from a copied title', () => {
    expect(cleanTitle('江苏省通信管理局关于2023年第二季度电信服务质量的通告 2023-07-26')).toBe('江苏省通信管理局关于2023年第二季度电信服务质量的通告');
    expect(cleanTitle('关于2023年第二季度电信服务质量的通告_江苏省通信管理局')).toBe('关于2023年第二季度电信服务质量的通告');
    expect(cleanTitle('2024年第一季度北京市电信服务质量通告')).toBe('2024年第一季度北京市电信服务质量通告');
  });

  it('takes a plain title as the title even when a numbered heading below mentions 服务质量', () => {
    const text = '2022年第四季度电信服务质量通告\n\n一、全省电信服务质量总体情况\n\n第四季度全省共受理用户申诉2210件,环比下降3.3%。\n\n四川省通信管理局';
    expect(parseBulletin(text, 'x.txt').bulletin).toMatchObject({ title: '2022年第四季度电信服务质量通告', region: { province: 'SC' } });
  });

  it('refuses prose that is neither a title nor a news lead about telecom services', () => {
    expect(() => parseBulletin('今天天气不错,我们去公园散步吧。\n\n明天再说。', 'x.txt')).toThrow('没有找到标题:开头一段“今天天气不错,我们去公园散步吧。…”既不是标题,也不像新闻导语');
  });

  it('never takes a breadcrumb, a menu entry or a document number for the title', () => {
    const text = '首页\n\n电信管理\n\n当前位置:首页 > 政务公开 > 服务质量\n\n浙通管服〔2024〕86号\n\n2024年第三季度浙江省电信服务质量通告\n\n现将2024年第三季度全省电信服务质量情况通告如下:\n\n一、全省共受理用户申诉2316件,环比下降3.1%。';
    const b = parseBulletin(text, 'x.txt').bulletin;
    expect([b.title, b.kind, b.issuer]).toEqual(['2024年第三季度浙江省电信服务质量通告', 'official', '浙江省通信管理局']);
  });

  it('reads a headline about a bulletin, under a byline, as news that retells the regulator', () => {
    const text = '工信部发布2024年第三季度电信服务质量通告\n\n本报记者 王敏\n\n日前,工业和信息化部发布2024年第三季度电信服务质量通告。第三季度全国电信用户申诉率为3.21件/百万用户,环比下降4.6%。\n\n其中,中国移动申诉率为2.52件/百万用户。';
    const p = parseBulletin(text, 'x.txt');
    expect(p.bulletin).toMatchObject({ kind: 'news', issuer: '本报记者 王敏', region: { province: 'CN' }, period: { year: 2024, quarter: 3 } });
    // The national rate is the nation's, not the most-named carrier's.
    expect(p.facts.find((f) => f.text.includes('全国电信用户申诉率'))?.carrierId).toBeNull();
  });

  it('reads a ministry account’s own release, dropping the account stamp', () => {
    const text = '工信部通报2025年第一季度电信服务质量情况\n\n原创 工信微报 2025年04月18日 17:30 北京\n\n第一季度,工业和信息化部电信用户申诉受理中心共受理用户申诉5.86万件,环比下降7.3%。';
    const b = parseBulletin(text, 'x.txt').bulletin;
    expect(b).toMatchObject({ kind: 'official', issuer: '工业和信息化部', region: { province: 'CN' }, period: { year: 2025, quarter: 1 }, publishedAt: '2025-04-18' });
  });

  it('takes the province from a 来源 line naming a regulator’s office', () => {
    const text = '2023年第二季度电信服务质量通告\n\n发布时间:2023-07-20 来源:吉林省通信管理局办公室\n\n现将2023年第二季度全省电信服务质量情况通告如下:\n\n一、全省共受理用户申诉1862件,环比下降2.4%。';
    expect(parseBulletin(text, 'x.txt').bulletin).toMatchObject({ region: { province: 'JL' }, issuer: '吉林省通信管理局' });
  });

  it('reads a title that names the region before the period, with the regulator only in the signature, as its bulletin', () => {
    // "为加强社会监督,促进本市电信…" holds 社 and 电 but is no wire dateline (新华社北京5月6日电).
    const text = [
      '重庆市2019年第二季度电信服务质量通告',
      '为加强社会监督,促进本市电信服务水平提升,现将2019年第二季度全市电信服务质量情况通告如下:',
      '二季度,全市共受理电信用户申诉652件,环比下降3.8%。',
      '重庆市通信管理局',
      '2019年7月19日',
    ].join('\n\n');
    expect(parseBulletin(text, 'x.txt').bulletin).toMatchObject({
      title: '重庆市2019年第二季度电信服务质量通告',
      kind: 'official',
      issuer: '重庆市通信管理局',
      region: { province: 'CQ' },
      period: { year: 2019, quarter: 2 },
    });
    const wire = readHead(splitParagraphs('重庆市2019年第二季度电信服务质量通告\n\n新华社重庆7月19日电 重庆市通信管理局19日通告,二季度全市共受理电信用户申诉652件。'));
    expect('head' in wire && wire.head.kind).toBe('news');
  });

  it('gives a regulator’s page the regulator as issuer, not 新闻报道', () => {
    const text = '2023年第二季度电信服务质量通告\n\n发布时间:2023-07-20 来源:吉林省通信管理局\n\n现将2023年第二季度全省电信服务质量情况通告如下:\n\n一、全省共受理用户申诉1862件,环比下降2.4%。';
    expect(parseBulletin(text, 'x.txt').bulletin).toMatchObject({ kind: 'official', issuer: '吉林省通信管理局', region: { province: 'JL' } });
  });
});

describe('re-reading stored bulletins on upgrade', () => {
  let dir: string;
  let store: LowdbKnowledgeStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cw-forms-'));
    store = new LowdbKnowledgeStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the publication date, so a 今年一季度 story is dated again on re-parse', async () => {
    const r = await ingestText(store, raw('news-weibao-published.txt'), 'w.txt', undefined, { publishedAt: '2021-05-08' });
    expect(r.parsed.bulletin.publishedAt).toBe('2021-05-08');
    await store.update((d) => {
      d.bulletins[0]!.parserVersion = PARSER_VERSION - 1;
    });
    const again = await reparseOutdated(store);
    expect(again.map((x) => x.parsed.bulletin.period)).toEqual([{ year: 2021, quarter: 1 }]);
    expect((await store.load()).bulletins[0]!.parserVersion).toBe(PARSER_VERSION);
  });

  it('leaves a bulletin the new parser refuses as it was, and goes on with the others', async () => {
    await ingestText(store, raw('issuer-guanyu-quarter.txt'), 'a.txt');
    const refused = raw('news-no-year.txt');
    await store.saveSource(contentHash(refused), refused);
    await store.update((d) => {
      // As an older parser stored it: accepted with a guessed year.
      const old = d.bulletins[0]!;
      d.bulletins.unshift({ ...old, id: 'cn-2020q1-news-0000', title: '旧解析', contentHash: contentHash(refused), parserVersion: PARSER_VERSION - 1 });
      d.bulletins[1]!.parserVersion = PARSER_VERSION - 1;
    });
    const again = await reparseOutdated(store);
    expect(again.map((x) => x.parsed.bulletin.id)).toEqual(['ah-2024q2-official']);
    const data = await store.load();
    expect(data.bulletins.find((b) => b.id === 'cn-2020q1-news-0000')?.parserVersion).toBe(PARSER_VERSION - 1);
  });
});
