/**
 * The parser against bulletins in shapes the seeds do not have: a regulator's
 * quarterly bulletin naming carriers clause by clause, a carrier's own report,
 * MIIT's national bulletin, a city-branch news story, a messy half-year PDF
 * extraction, GBK and BOM files and a saved newspaper page. Every figure in the
 * fixtures is invented (see test/fixtures/README.md); the expectations say what
 * a careful human reader would attribute, not what the parser does today.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBulletin, type ParsedBulletin } from '../../knowledge/ingest/parse-bulletin.ts';
import { readSource, type SourceText } from '../../knowledge/ingest/read-source.ts';
import { normalizeText } from '../../knowledge/normalize.ts';
import { Fact, type BulletinKind, type CategoryId, type Period, type Region } from '../../knowledge/schema.ts';

const FIXTURES = new URL('../fixtures/', import.meta.url);

function fixturePath(name: string): string {
  return fileURLToPath(new URL(name, FIXTURES));
}

/**
 * Reads and parses a fixture once, the way ingestion does (readSource, then
 * parseBulletin). Lazy, so a fixture the parser rejects fails its own tests
 * instead of the whole file.
 */
function fixture(name: string): { source: () => Promise<SourceText>; parsed: () => Promise<ParsedBulletin> } {
  let source: Promise<SourceText> | undefined;
  let parsed: Promise<ParsedBulletin> | undefined;
  const readOnce = (): Promise<SourceText> => (source ??= readSource(fixturePath(name)));
  return {
    source: readOnce,
    parsed: () => (parsed ??= readOnce().then((s) => parseBulletin(s.text, `test/fixtures/${name}`))),
  };
}

/** Facts whose text contains needle; needles are written as in the fixture and normalised like the parser's text. */
function factsWith(parsed: ParsedBulletin, needle: string): Fact[] {
  const n = normalizeText(needle);
  return parsed.facts.filter((f) => f.text.includes(n));
}

function describeFacts(facts: readonly Fact[]): string[] {
  return facts.map((f) => `${f.carrierId ?? 'null'} ${f.category}: ${f.text}`);
}

/** Exactly one fact holds the needle: a repeated page or a mis-split sentence would give zero or two. */
function factWith(parsed: ParsedBulletin, needle: string): Fact {
  const found = factsWith(parsed, needle);
  expect(describeFacts(found), `exactly one fact containing “${needle}”`).toHaveLength(1);
  return found[0]!;
}

/** Who owns the facts carrying a figure with this value, so a figure shared by two carriers shows up. */
function ownersOfFigure(parsed: ParsedBulletin, value: number): Array<string | null> {
  const owners = parsed.facts.filter((f) => f.figures.some((x) => x.value === value)).map((f) => f.carrierId);
  return [...new Set(owners)];
}

/**
 * 1-based number of the blank-line separated block holding needle: what
 * Source.paragraphs cites. Counted from the raw file, independently of the
 * parser; throws if the needle is not unique, which would be a fixture bug.
 */
function paragraphOf(raw: string, needle: string): number {
  const blocks = raw
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean);
  const hits = blocks.flatMap((b, i) => (b.includes(needle) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`fixture needle “${needle}” is in ${hits.length} paragraphs`);
  return hits[0]!;
}

interface Attribution {
  /** A piece of the fact's text, as printed in the fixture. */
  needle: string;
  /** Carrier id, or null for a province-level (national, city-wide) statement. */
  carrier: string | null;
  /** Acceptable categories; omitted where a reader could reasonably pick several. */
  categories?: readonly CategoryId[];
  /** A figure value the fact must carry. */
  value?: number;
}

/** A province's (or the country's) own 申告率 reads as appeal statistics or as complaint statistics. */
const APPEALS: readonly CategoryId[] = ['province_appeals', 'complaint_stats'];
/** A carrier's 申告率 and 满意率 are its complaint statistics; province_appeals never describes a carrier. */
const COMPLAINTS: readonly CategoryId[] = ['complaint_stats'];
/** Hotline answer rates sit between the channel and the statistics. */
const HOTLINE: readonly CategoryId[] = ['complaint_channels', 'complaint_stats'];

function attributes(load: () => Promise<ParsedBulletin>, rows: readonly Attribution[]): void {
  it.each(rows)('$needle → $carrier', async ({ needle, carrier, categories, value }) => {
    const parsed = await load();
    const f = factWith(parsed, needle);
    expect(f.carrierId, `carrier of “${f.text}”`).toBe(carrier);
    if (categories) expect(categories, `category of “${f.text}” is ${f.category}`).toContain(f.category);
    if (value !== undefined) expect(f.figures.map((x) => x.value), `figures of “${f.text}”`).toContain(value);
  });
}

interface Meta {
  kind: BulletinKind;
  region: Region;
  period: Period;
  issuer?: string;
  title?: string;
}

function metadata(load: () => Promise<ParsedBulletin>, meta: Meta): void {
  it(`reads it as ${meta.kind} for ${meta.region.province}${meta.region.city ? `/${meta.region.city}` : ''}`, async () => {
    const { bulletin } = await load();
    expect(bulletin.kind).toBe(meta.kind);
    expect(bulletin.region).toEqual(meta.region);
    // toEqual, not toMatchObject: a quarter must not also claim a half, nor a year a quarter.
    expect(bulletin.period).toEqual(meta.period);
    if (meta.issuer) expect(bulletin.issuer).toBe(meta.issuer);
    if (meta.title) expect(bulletin.title).toBe(meta.title);
  });
}

/** Invariants every parse must keep, whatever the document. */
function wellFormed(load: () => Promise<ParsedBulletin>): void {
  it('produces schema-valid facts that cite this bulletin and carriers it lists', async () => {
    const { bulletin, carriers, facts } = await load();
    expect(facts.length).toBeGreaterThan(0);
    const ids = carriers.map((c) => c.id);
    for (const f of facts) {
      expect(Fact.safeParse(f).success, f.text).toBe(true);
      expect(f.bulletinId).toBe(bulletin.id);
      expect(f.source.bulletinId).toBe(bulletin.id);
      if (f.carrierId === null) {
        expect(f.region, f.text).toEqual(bulletin.region);
      } else {
        expect(ids, f.text).toContain(f.carrierId);
        expect(f.region, f.text).toEqual(carriers.find((c) => c.id === f.carrierId)?.region ?? { province: 'CN' });
      }
    }
    // One clause may legitimately serve two carriers ("分别…"), so a repeat is the same text for the same owner.
    const keys = facts.map((f) => `${f.carrierId ?? 'null'} ${f.text}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i), 'facts stated twice').toEqual([]);
  });
}

/** Counted units ("万件", "亿人次") stay on the figure, as "万户" and "万人次" already do. */
function units(load: () => Promise<ParsedBulletin>, rows: ReadonlyArray<[value: number, unit: string]>): void {
  it.each(rows)('keeps %s with its unit %s', async (value, unit) => {
    const parsed = await load();
    const figures = parsed.facts.flatMap((f) => f.figures).filter((x) => x.value === value);
    expect(figures.map((x) => x.raw), `figures with value ${value}`).not.toEqual([]);
    expect(figures.map((x) => x.unit)).toContain(unit);
  });
}

describe('fixture quarterly-provincial.txt: 浙江 2024年第三季度, regulator only, carriers named clause by clause', () => {
  const { parsed } = fixture('quarterly-provincial.txt');

  metadata(parsed, {
    kind: 'official',
    region: { province: 'ZJ' },
    period: { year: 2024, quarter: 3 },
    issuer: '浙江省通信管理局',
    title: '浙江省通信管理局关于2024年第三季度电信服务质量的通告',
  });
  wellFormed(parsed);

  it('finds the four province branches, 浙江广电 included', async () => {
    expect((await parsed()).carriers.map((c) => c.id).sort()).toEqual(['cbn-zj', 'cm-zj', 'ct-zj', 'cu-zj']);
  });

  attributes(parsed, [
    { needle: '抢通退服基站4630个', carrier: null, categories: ['emergency'], value: 4630 },
    { needle: '开通免费WiFi热点126个', carrier: 'cu-zj', categories: ['emergency'], value: 126 },
    // The regulator's next numbered item: one carrier's example above does not make it that carrier's.
    { needle: '全省2875家营业厅全部设置爱心座椅', carrier: null, categories: ['elder'], value: 2875 },
    { needle: '尊老专线第三季度累计服务老年用户318万人次', carrier: null, categories: ['elder'], value: 318 },
    // One sentence, two owners: the province total, then 其中 one carrier's rate.
    { needle: '全省共完成携号转网业务38.2万次', carrier: null, categories: ['fair_trading'], value: 38.2 },
    { needle: '携出办理一次成功率提升至99.6%', carrier: 'cm-zj', categories: ['fair_trading', 'complaint_stats'], value: 99.6 },
    { needle: '全省电信用户申告率为0.47件/百万用户', carrier: null, categories: APPEALS, value: 0.47 },
    { needle: '涉及服务争议的申告率为0.17件/百万用户', carrier: null, categories: APPEALS, value: 0.17 },
    { needle: '涉及资费与收费争议的申告率为0.21件/百万用户', carrier: null, categories: APPEALS, value: 0.21 },
    { needle: '浙江移动申告率为0.39件/百万用户', carrier: 'cm-zj', categories: COMPLAINTS, value: 0.39 },
    { needle: '浙江电信为0.52件/百万用户', carrier: 'ct-zj', categories: COMPLAINTS, value: 0.52 },
    { needle: '浙江联通为0.61件/百万用户', carrier: 'cu-zj', categories: COMPLAINTS, value: 0.61 },
    { needle: '浙江广电为0.28件/百万用户', carrier: 'cbn-zj', categories: COMPLAINTS, value: 0.28 },
    { needle: '浙江联通申告率环比上升5.2%', carrier: 'cu-zj', categories: COMPLAINTS, value: 5.2 },
    { needle: '共受理用户申诉2316件', carrier: null, categories: ['province_appeals'], value: 2316 },
    { needle: '用户满意率94.2%', carrier: null, categories: APPEALS, value: 94.2 },
    { needle: '受理涉及我省的骚扰电话投诉3.86万件', carrier: null, categories: ['spam'], value: 3.86 },
    { needle: '受理垃圾短信投诉6420件', carrier: null, categories: ['spam'], value: 6420 },
    { needle: '涉及浙江移动的骚扰电话投诉1.52万件', carrier: 'cm-zj', categories: ['spam'], value: 1.52 },
    { needle: '浙江电信0.91万件', carrier: 'ct-zj', categories: ['spam'], value: 0.91 },
    { needle: '浙江联通1.27万件', carrier: 'cu-zj', categories: ['spam'], value: 1.27 },
    { needle: '浙江广电1600件', carrier: 'cbn-zj', categories: ['spam'], value: 1600 },
    { needle: '督促企业整改问题27个', carrier: null, value: 27 },
    { needle: '96110反诈专线咨询', carrier: null, categories: ['anti_fraud'] },
    // Hotlines listed in the regulator's advice are not statements by 中国移动 or anyone else.
    { needle: '中国联通10010', carrier: null, categories: ['complaint_channels'] },
  ]);

  it('splits "浙江移动、浙江电信分别环比下降8.1%和3.4%" figure by figure', async () => {
    const q = await parsed();
    expect(ownersOfFigure(q, 8.1)).toEqual(['cm-zj']);
    expect(ownersOfFigure(q, 3.4)).toEqual(['ct-zj']);
  });

  units(parsed, [
    [3.86, '万件'],
    [1.52, '万件'],
  ]);
});

describe('fixture carrier-report.txt: 四川联通 2024年上半年 stand-alone report', () => {
  const { parsed } = fixture('carrier-report.txt');

  metadata(parsed, {
    kind: 'carrier_report',
    region: { province: 'SC' },
    period: { year: 2024, half: 1 },
    issuer: '中国联合网络通信有限公司四川省分公司',
  });
  wellFormed(parsed);

  it('knows 四川联通 by its legal name, 简称 and hotline', async () => {
    const cu = (await parsed()).carriers.find((c) => c.id === 'cu-sc');
    expect(cu).toMatchObject({ legalName: '中国联合网络通信有限公司四川省分公司', shortName: '四川联通', hotline: '10010' });
  });

  it('gives every fact to 四川联通: a partner named in passing does not own the sentence', async () => {
    const others = (await parsed()).facts.filter((f) => f.carrierId !== 'cu-sc');
    expect(describeFacts(others)).toEqual([]);
  });

  attributes(parsed, [
    { needle: '现有员工1.58万人', carrier: 'cu-sc', categories: ['profile'], value: 1.58 },
    { needle: '用户申告率为0.74件/百万用户', carrier: 'cu-sc', categories: COMPLAINTS, value: 0.74 },
    { needle: '投诉处理满意率98.6%', carrier: 'cu-sc', categories: COMPLAINTS, value: 98.6 },
    { needle: '20秒人工接通率91.7%', carrier: 'cu-sc', categories: HOTLINE, value: 91.7 },
    { needle: '累计开通5G基站7.86万个', carrier: 'cu-sc', categories: ['network'], value: 7.86 },
    { needle: '双方累计共享5G基站3.1万个', carrier: 'cu-sc', categories: ['network'], value: 3.1 },
    { needle: '平均下载速率提升至356Mbps', carrier: 'cu-sc', categories: ['broadband'], value: 356 },
    { needle: '累计服务老年客户412万人次', carrier: 'cu-sc', categories: ['elder'], value: 412 },
    { needle: '上半年累计服务8600余人次', carrier: 'cu-sc', categories: ['elder'], value: 8600 },
    // No category word of its own: the section heading (防范治理电信网络诈骗) gives it.
    { needle: '关停高风险电话卡2.1万张', carrier: 'cu-sc', categories: ['anti_fraud'], value: 2.1 },
    { needle: '劝阻潜在受害人1.2万人', carrier: 'cu-sc', categories: ['anti_fraud'], value: 1.2 },
    { needle: '拦截垃圾短信3.6亿条', carrier: 'cu-sc', categories: ['spam'], value: 3.6 },
    { needle: '工作队员46名', carrier: 'cu-sc', categories: ['rural'], value: 46 },
    { needle: '新建光伏电站装机容量1.2MWp', carrier: 'cu-sc', categories: ['green'], value: 1.2 },
    { needle: '抢通基站1280个', carrier: 'cu-sc', categories: ['emergency'], value: 1280 },
    { needle: '城市地区24小时内修复', carrier: 'cu-sc', categories: ['broadband'], value: 24 },
    { needle: '在36小时内给予答复', carrier: 'cu-sc', categories: HOTLINE, value: 36 },
  ]);

  units(parsed, [[2.1, '万张']]);
});

describe('fixture national-miit.txt: 工业和信息化部 2024年第二季度, national groups', () => {
  const { parsed } = fixture('national-miit.txt');

  metadata(parsed, {
    kind: 'official',
    region: { province: 'CN' },
    period: { year: 2024, quarter: 2 },
    issuer: '工业和信息化部',
  });
  wellFormed(parsed);

  it('finds the four national groups, named as 中国移动 … 中国广电', async () => {
    const carriers = (await parsed()).carriers;
    expect(carriers.map((c) => c.id).sort()).toEqual(['cbn', 'cm', 'ct', 'cu']);
    expect(carriers.map((c) => [c.id, c.hotline]).sort()).toEqual([
      ['cbn', '10099'],
      ['cm', '10086'],
      ['ct', '10000'],
      ['cu', '10010'],
    ]);
  });

  attributes(parsed, [
    { needle: '尊老专线累计服务老年用户4.7亿人次', carrier: null, categories: ['elder'], value: 4.7 },
    { needle: '累计拦截涉诈电话5.6亿次', carrier: null, categories: ['anti_fraud'], value: 5.6 },
    // Follows a list of the four groups in the same sentence, but 全国 is nobody's.
    { needle: '全国5G基站总数达到386.4万个', carrier: null, categories: ['network'], value: 386.4 },
    { needle: '应急通信保障人员18.6万人次', carrier: null, categories: ['emergency'], value: 18.6 },
    { needle: '全国电信用户申告率为3.12件/百万用户', carrier: null, categories: APPEALS, value: 3.12 },
    { needle: '涉及服务争议的申诉占比35.2%', carrier: null, categories: APPEALS, value: 35.2 },
    { needle: '中国移动申告率为2.41件/百万用户', carrier: 'cm', categories: COMPLAINTS, value: 2.41 },
    { needle: '中国电信为3.86件/百万用户', carrier: 'ct', categories: COMPLAINTS, value: 3.86 },
    { needle: '中国联通为4.12件/百万用户', carrier: 'cu', categories: COMPLAINTS, value: 4.12 },
    { needle: '中国广电为1.95件/百万用户', carrier: 'cbn', categories: COMPLAINTS, value: 1.95 },
    { needle: '受理骚扰电话投诉26.8万件', carrier: null, categories: ['spam'], value: 26.8 },
    { needle: '中国移动被投诉骚扰电话号码数量占比46.2%', carrier: 'cm', categories: ['spam'], value: 46.2 },
    { needle: '中国电信占比24.5%', carrier: 'ct', categories: ['spam'], value: 24.5 },
    { needle: '中国联通占比27.9%', carrier: 'cu', categories: ['spam'], value: 27.9 },
    { needle: '中国广电占比1.4%', carrier: 'cbn', categories: ['spam'], value: 1.4 },
    { needle: '个人信息保护类投诉占比17.6%', carrier: null, value: 17.6 },
    { needle: '约谈提醒58件次', carrier: null, categories: ['fair_trading'], value: 58 },
  ]);

  units(parsed, [
    [4.7, '亿人次'],
    [4.3, '万车次'],
    [42, '件次'],
    [26.8, '万件'],
  ]);
});

describe('fixture news-city.txt: news story on 中国移动深圳分公司', () => {
  const { parsed } = fixture('news-city.txt');
  const raw = readFileSync(fixturePath('news-city.txt'), 'utf8');

  metadata(parsed, { kind: 'news', region: { province: 'GD', city: 'shenzhen' }, period: { year: 2024 } });
  wellFormed(parsed);

  it('takes the title with its subtitle and the reporter from the byline', async () => {
    const { bulletin } = await parsed();
    expect(bulletin.title).toContain('5G-A信号满格');
    expect(bulletin.title).toContain('中国移动深圳分公司');
    expect(bulletin.issuer).toContain('李晓岚');
  });

  it('knows the city branch by its legal name and 简称', async () => {
    const sz = (await parsed()).carriers.find((c) => c.id === 'cm-gd-shenzhen');
    expect(sz).toMatchObject({ legalName: '中国移动通信集团广东有限公司深圳分公司', shortName: '深圳移动', hotline: '10086' });
  });

  attributes(parsed, [
    { needle: '累计开通5G基站5.6万个', carrier: 'cm-gd-shenzhen', categories: ['network'], value: 5.6 },
    { needle: '提供上门服务8600余次', carrier: 'cm-gd-shenzhen', categories: ['elder', 'convenience'], value: 8600 },
    { needle: '帮助2.3万名老年人学会使用智能手机', carrier: 'cm-gd-shenzhen', categories: ['elder', 'convenience'], value: 2.3 },
    { needle: '尊老专线累计服务老年客户46.8万人次', carrier: 'cm-gd-shenzhen', categories: ['elder', 'convenience'], value: 46.8 },
    { needle: '成功劝阻潜在受害群众3.2万人', carrier: 'cm-gd-shenzhen', categories: ['anti_fraud'], value: 3.2 },
    // 全省 in a sentence sourced to 中国移动广东公司: the province company's figure, not the city branch's.
    { needle: '全省累计设立银发专席1180个', carrier: 'cm-gd', categories: ['elder'], value: 1180 },
    { needle: '客户投诉量同比下降18.6%', carrier: 'cm-gd-shenzhen', categories: COMPLAINTS, value: 18.6 },
    // A city-wide statistic from the city's bureau belongs to no carrier.
    { needle: '全市5G基站总数已达7.3万个', carrier: null, categories: ['network'], value: 7.3 },
    { needle: '再新建5G-A基站8000个', carrier: 'cm-gd-shenzhen', categories: ['network'], value: 8000 },
  ]);

  it('rejoins "学会使用智|能手机" across the running header and the photo caption, gluing in neither', async () => {
    const p = await parsed();
    const f = factWith(p, '学会使用智能手机');
    expect(f.text).not.toMatch(/A06|深圳商报|摄|▲/);
    expect(p.report.joins).toContainEqual({ head: paragraphOf(raw, '学会使用智'), tail: paragraphOf(raw, '能手机，“一键呼入') });
  });

  units(parsed, [[2.3, '万名']]);
});

describe('fixture provincial-halfyear-messy.txt: 陕西 2024年上半年, PDF extraction with all four groups', () => {
  const { parsed } = fixture('provincial-halfyear-messy.txt');
  const raw = readFileSync(fixturePath('provincial-halfyear-messy.txt'), 'utf8');

  metadata(parsed, {
    kind: 'official',
    region: { province: 'SN' },
    period: { year: 2024, half: 1 },
    issuer: '陕西省通信管理局',
    title: '2024年上半年陕西省电信服务质量通告',
  });
  wellFormed(parsed);

  it('finds the four province branches with their legal names and hotlines', async () => {
    expect((await parsed()).carriers.map((c) => [c.id, c.shortName, c.legalName, c.hotline])).toEqual([
      ['cbn-sn', '陕西广电', '中国广电陕西网络股份有限公司', '10099'],
      ['cm-sn', '陕西移动', '中国移动通信集团陕西有限公司', '10086'],
      ['ct-sn', '陕西电信', '中国电信股份有限公司陕西分公司', '10000'],
      ['cu-sn', '陕西联通', '中国联合网络通信有限公司陕西省分公司', '10010'],
    ]);
  });

  attributes(parsed, [
    { needle: '全省电话用户总数达到4826.3万户', carrier: null, categories: ['province_users'], value: 4826.3 },
    { needle: '全省累计建成5G基站超过9.8万个', carrier: null, categories: ['network', 'province_users'], value: 9.8 },
    { needle: '千兆及以上接入速率用户占比达到28.4%', carrier: null, categories: ['province_users', 'broadband'], value: 28.4 },
    { needle: '现有员工1.1万余人', carrier: 'cm-sn', categories: ['profile'], value: 1.1 },
    { needle: '行政村5G覆盖率提升至88.5%', carrier: 'cm-sn', categories: ['network'], value: 88.5 },
    // Both printed twice (the second time inside 陕西联通's pages): one fact, 陕西移动's.
    { needle: '上半年累计服务老年客户286万人次', carrier: 'cm-sn', categories: ['elder'], value: 286 },
    { needle: '成功劝阻潜在受害人1.8万人', carrier: 'cm-sn', categories: ['anti_fraud'], value: 1.8 },
    { needle: '拦截垃圾短信2.7亿条', carrier: 'cm-sn', categories: ['spam'], value: 2.7 },
    // The province's (二) block, printed in the middle of 陕西联通's report.
    { needle: '开展汛期应急演练12场次', carrier: null, categories: ['emergency'], value: 12 },
    { needle: '抢通中断基站2170个', carrier: null, categories: ['emergency'], value: 2170 },
    { needle: '累计共享5G基站4.1万个', carrier: 'cu-sn', categories: ['network'], value: 4.1 },
    // 陕西联通's report resumes after that block: its numbering (二、) and its hotline (10010) say so.
    { needle: '10010热线人工服务接通率达到96.3%', carrier: 'cu-sn', categories: HOTLINE, value: 96.3 },
    { needle: '平均业务办理时长缩短至8分钟', carrier: 'cu-sn', categories: ['convenience'], value: 8 },
    { needle: '服务老年客户14.6万人次', carrier: 'cu-sn', categories: ['elder'], value: 14.6 },
    { needle: '惠及用户23.5万户', carrier: 'cu-sn', categories: ['rural'], value: 23.5 },
    { needle: '关停涉诈高风险号码3.2万个', carrier: 'cu-sn', categories: ['anti_fraud'], value: 3.2 },
    { needle: '全省移动用户超过1360万户', carrier: 'ct-sn', categories: ['profile'], value: 1360 },
    { needle: '累计建成5G基站超过5.3万个', carrier: 'ct-sn', categories: ['network'], value: 5.3 },
    // 陕西移动's items 5 and 6, printed inside 陕西电信's report.
    { needle: '单位电信业务总量综合能耗同比下降9.8%', carrier: 'cm-sn', categories: ['green'], value: 9.8 },
    { needle: '个人信息保护专项检查320次', carrier: 'cm-sn', categories: ['info_security'], value: 320 },
    { needle: '10000号人工服务接通率达到95.8%', carrier: 'ct-sn', categories: HOTLINE, value: 95.8 },
    { needle: '帮助农户销售农特产品1420万元', carrier: 'ct-sn', categories: ['rural'], value: 1420 },
    { needle: '全省广电5G用户达到138万户', carrier: 'cbn-sn', categories: ['profile', 'network'], value: 138 },
    { needle: '用户申告率为0.19件/百万用户', carrier: 'cbn-sn', categories: COMPLAINTS, value: 0.19 },
    { needle: '上半年累计服务老年用户2.4万人次', carrier: 'cbn-sn', categories: ['elder'], value: 2.4 },
    { needle: '受理用户申诉2684件', carrier: null, categories: ['province_appeals'], value: 2684 },
    { needle: '和解率65.27%', carrier: null, categories: ['province_appeals'], value: 65.27 },
    { needle: '96110反诈专线咨询', carrier: null, categories: ['anti_fraud'] },
  ]);

  it('drops both repeated pages', async () => {
    // 3 paragraphs of 陕西移动 and 4 of 陕西广电 are printed twice; 企业声明 lines legitimately repeat.
    expect((await parsed()).report.duplicatesDropped).toBeGreaterThanOrEqual(7);
  });

  it('rejoins the province sentence whose tail sits two pages later', async () => {
    const f = factWith(await parsed(), '接入速率用户占比达到28.4%');
    expect(f.source.paragraphs).toEqual([paragraphOf(raw, '接入速率用户占'), paragraphOf(raw, '比达到28.4%')]);
  });

  it('rejoins cuts across page numbers and across an out-of-order page', async () => {
    const p = await parsed();
    expect(p.report.joins).toEqual(
      expect.arrayContaining([
        { head: paragraphOf(raw, '课堂1280场，服务老年客户'), tail: paragraphOf(raw, '14.6万人次。同时') },
        { head: paragraphOf(raw, '陕西电信新开通5G基站4100个'), tail: paragraphOf(raw, '超过5.3万个，实现县城') },
      ]),
    );
  });

  it('leaves no tail of a cut sentence standing alone', async () => {
    const stray = (await parsed()).facts.filter((f) => /^(?:比达到|超过5\.3万个|14\.6万人次)/.test(f.text));
    expect(describeFacts(stray)).toEqual([]);
  });

  it('lets no signature claim province text, not even the 陕西电信 one closing a repeated 陕西广电 page', async () => {
    const p = await parsed();
    const province = ['受理用户申诉2684件', '和解率65.27%', '96110反诈专线咨询', '不法分子冒充运营商客服'];
    for (const needle of province) expect(factWith(p, needle).carrierId, needle).toBeNull();
    const telecomOwnsBroadnet = p.facts.filter((f) => f.carrierId === 'ct-sn' && /陕西广电|10099|爱心专席/.test(f.text));
    expect(describeFacts(telecomOwnsBroadnet)).toEqual([]);
  });
});

describe('fixture gbk-bulletin.txt: 内蒙古 2024年第一季度, saved in GBK with CRLF', () => {
  const { source, parsed } = fixture('gbk-bulletin.txt');

  it('decodes GBK', async () => {
    const s = await source();
    expect(s.encoding).toBe('gb18030');
    expect(s.text).toContain('内蒙古移动申告率');
  });

  metadata(parsed, {
    kind: 'official',
    region: { province: 'NM' },
    period: { year: 2024, quarter: 1 },
    issuer: '内蒙古自治区通信管理局',
  });
  wellFormed(parsed);

  it('finds the four region branches and keeps no carriage returns', async () => {
    const p = await parsed();
    expect(p.carriers.map((c) => c.id).sort()).toEqual(['cbn-nm', 'cm-nm', 'ct-nm', 'cu-nm']);
    expect(p.facts.filter((f) => f.text.includes('\r'))).toEqual([]);
  });

  attributes(parsed, [
    { needle: '受理用户申诉1268件', carrier: null, categories: ['province_appeals'], value: 1268 },
    { needle: '全区电信用户申告率为0.53件/百万用户', carrier: null, categories: APPEALS, value: 0.53 },
    { needle: '内蒙古移动申告率为0.41件/百万用户', carrier: 'cm-nm', categories: COMPLAINTS, value: 0.41 },
    { needle: '内蒙古联通为0.66件/百万用户', carrier: 'cu-nm', categories: COMPLAINTS, value: 0.66 },
    { needle: '内蒙古电信为0.72件/百万用户', carrier: 'ct-nm', categories: COMPLAINTS, value: 0.72 },
    { needle: '内蒙古广电为0.35件/百万用户', carrier: 'cbn-nm', categories: COMPLAINTS, value: 0.35 },
    { needle: '出动应急保障人员6300人次', carrier: null, categories: ['emergency'], value: 6300 },
    { needle: '服务老年用户86.4万人次', carrier: null, categories: ['elder'], value: 86.4 },
  ]);
});

describe('fixture bom-bulletin.txt: 中国广电广东 2023年度 report, UTF-8 with BOM, title on two lines', () => {
  const { source, parsed } = fixture('bom-bulletin.txt');

  it('strips the BOM', async () => {
    const s = await source();
    expect(s.encoding).toBe('utf-8 (BOM)');
    expect(s.text.startsWith('中国广电广东网络股份有限公司')).toBe(true);
  });

  metadata(parsed, {
    kind: 'carrier_report',
    region: { province: 'GD' },
    period: { year: 2023 },
    issuer: '中国广电广东网络股份有限公司',
    title: '中国广电广东网络股份有限公司2023年度电信服务质量报告',
  });
  wellFormed(parsed);

  it('gives every fact to 广东广电', async () => {
    const p = await parsed();
    expect(p.carriers.find((c) => c.id === 'cbn-gd')).toMatchObject({ shortName: '广东广电', hotline: '10099' });
    expect(describeFacts(p.facts.filter((f) => f.carrierId !== 'cbn-gd'))).toEqual([]);
  });

  attributes(parsed, [
    { needle: '广东广电5G用户达到412万户', carrier: 'cbn-gd', categories: ['profile', 'network'], value: 412 },
    { needle: '累计开通5G基站超过3.6万个', carrier: 'cbn-gd', categories: ['network'], value: 3.6 },
    { needle: '人工接通率93.8%', carrier: 'cbn-gd', categories: HOTLINE, value: 93.8 },
    { needle: '全年用户申告率为0.21件/百万用户', carrier: 'cbn-gd', categories: COMPLAINTS, value: 0.21 },
    { needle: '累计服务老年客户5.8万人次', carrier: 'cbn-gd', categories: ['elder'], value: 5.8 },
    { needle: '关停涉诈号码3200余个', carrier: 'cbn-gd', categories: ['anti_fraud'], value: 3200 },
  ]);
});

describe('fixture newspaper-page.html: 广东 2024年第二季度 bulletin reprinted on a news site', () => {
  const { source, parsed } = fixture('newspaper-page.html');

  it('reads the article, not the page chrome or scripts', async () => {
    const s = await source();
    expect(s.format).toBe('html');
    expect(s.text).toContain('广东省电信用户申诉受理中心');
    expect(s.text).not.toMatch(/_hmt|shareConfig|客户端下载|粤ICP备|text-indent/);
  });

  metadata(parsed, {
    kind: 'official',
    region: { province: 'GD' },
    period: { year: 2024, quarter: 2 },
    issuer: '广东省通信管理局',
    title: '广东省通信管理局关于2024年第二季度电信服务质量的通告',
  });
  wellFormed(parsed);

  it('finds the four province branches and nothing from the related-links sidebar', async () => {
    expect((await parsed()).carriers.map((c) => c.id).sort()).toEqual(['cbn-gd', 'cm-gd', 'ct-gd', 'cu-gd']);
  });

  it('takes no facts from the sidebar or the editor line', async () => {
    const chrome = (await parsed()).facts.filter((f) => /5G-A商用计划|万兆光网小区|服务老年客户超10万|责任编辑|南粤新闻网/.test(f.text));
    expect(describeFacts(chrome)).toEqual([]);
  });

  attributes(parsed, [
    { needle: '抢通退服基站1.26万个', carrier: null, categories: ['emergency'], value: 1.26 },
    // Right after a photo caption naming 广东移动: the caption does not make the regulator's text 广东移动's.
    { needle: '全省3460家营业厅完成适老化改造', carrier: null, categories: ['elder'], value: 3460 },
    { needle: '尊老专线第二季度服务老年用户264万人次', carrier: null, categories: ['elder'], value: 264 },
    { needle: '全省电信用户申告率为0.42件/百万用户', carrier: null, categories: APPEALS, value: 0.42 },
    { needle: '资费与收费争议类申告占比43.9%', carrier: null, categories: APPEALS, value: 43.9 },
    { needle: '广东移动申告率为0.33件/百万用户', carrier: 'cm-gd', categories: COMPLAINTS, value: 0.33 },
    { needle: '广东电信申告率为0.51件/百万用户', carrier: 'ct-gd', categories: COMPLAINTS, value: 0.51 },
    { needle: '广东联通申告率为0.58件/百万用户', carrier: 'cu-gd', categories: COMPLAINTS, value: 0.58 },
    { needle: '广东广电申告率为0.24件/百万用户', carrier: 'cbn-gd', categories: COMPLAINTS, value: 0.24 },
    { needle: '共受理用户申诉5862件', carrier: null, categories: ['province_appeals'], value: 5862 },
    { needle: '96110反诈专线咨询', carrier: null, categories: ['anti_fraud'] },
  ]);

  it('keeps each 环比 change with the carrier whose rate it follows', async () => {
    const p = await parsed();
    expect(ownersOfFigure(p, 6.2)).toEqual(['cm-gd']);
    expect(ownersOfFigure(p, 2.4)).toEqual(['ct-gd']);
    expect(ownersOfFigure(p, 3.9)).toEqual(['cu-gd']);
    expect(ownersOfFigure(p, 11.5)).toEqual(['cbn-gd']);
  });
});
