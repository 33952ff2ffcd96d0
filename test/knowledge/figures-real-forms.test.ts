/**
 * Figures in the forms real bulletins print them: rates per population,
 * ranks, changes stated with their basis, thresholds that only qualify a
 * figure, numbers that are names (hotlines, dates, document numbers), and
 * lists paired with their owners by 分别. Sentences are our own, figures
 * invented; test/fixtures/figures/provincial-forms.txt puts them in a whole
 * bulletin and is checked figure by figure: owner, label, value, unit, change.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REGION_OWNER } from '../../knowledge/ingest/attribution.ts';
import { MentionFinder } from '../../knowledge/ingest/carrier-mentions.ts';
import { buildFacts, type FactContext } from '../../knowledge/ingest/facts.ts';
import { extractFigures } from '../../knowledge/ingest/figures.ts';
import { readableText } from '../../knowledge/ingest/paragraphs.ts';
import { parseBulletin } from '../../knowledge/ingest/parse-bulletin.ts';
import { regionIndex } from '../../knowledge/regions.ts';
import type { Figure } from '../../knowledge/schema.ts';

describe('rates and their units', () => {
  it.each([
    ['全省用户申诉率为3.52件/百万用户', { value: 3.52, unit: '件/百万用户', label: '用户申诉率' }],
    ['有效申诉率0.61人次/百万用户', { value: 0.61, unit: '人次/百万用户', label: '有效申诉率' }],
    ['垃圾短信举报量为0.82件/亿条', { value: 0.82, unit: '件/亿条', label: '垃圾短信举报量' }],
    ['移动电话普及率达到118.5部/百人', { value: 118.5, unit: '部/百人', label: '移动电话普及率' }],
    ['越级申诉率为0.4个/百万用户', { value: 0.4, unit: '个/百万用户', label: '越级申诉率' }],
  ])('%s', (text, expected) => {
    expect(extractFigures(text)).toEqual([expect.objectContaining(expected)]);
  });

  it('a label starts after the carrier named before it', () => {
    expect(extractFigures('安徽电信爱心翼站已达到512家', { names: [{ start: 0, end: 4 }] })).toEqual([
      { value: 512, unit: '家', raw: '512家', label: '爱心翼站' },
    ]);
  });

  it('ranks: 全国第16位 is 16 位, named after the measure ranked', () => {
    expect(extractFigures('用户申诉率在全国排名第16位')).toEqual([
      { value: 16, unit: '位', raw: '在全国排名第16位', label: '用户申诉率全国排名' },
    ]);
    expect(extractFigures('规模位居全省第5位')).toEqual([{ value: 5, unit: '位', raw: '全省第5位', label: '规模全省排名' }]);
  });

  it('a rank after a figure ranks that figure’s measure', () => {
    const [, rank] = extractFigures('申诉率为3.52件/百万用户,在全国排名第16位');
    expect(rank).toEqual({ value: 16, unit: '位', raw: '在全国排名第16位', label: '申诉率全国排名' });
  });
});

describe('labels are measure names', () => {
  it.each([
    ['共受理用户申诉3418件', '用户申诉'],
    ['累计拦截骚扰电话2.3亿次', '骚扰电话拦截'],
    ['受理用户关于骚扰电话的投诉1.2万件', '骚扰电话投诉'],
    ['收费争议方面的申诉占申诉总量的34.3%', '收费争议类申诉占比'],
    ['对存在问题的企业下达责令整改通知21件次', '责令整改通知'],
    ['全省电信用户申诉率为3.52件/百万用户', '用户申诉率'],
    ['我省4G基站突破12万个', '4G基站'],
    ['2023年新增宽带用户56万户', '新增宽带用户'],
    ['第三季度全省用户申诉率为1.2件/百万用户', '用户申诉率'],
  ])('%s → %s', (text, label) => {
    expect(extractFigures(text)[0]?.label).toBe(label);
  });
});

describe('labels taken from the rest of the sentence', () => {
  it('a bare 占比 after a count is that count’s share; after a clause naming a subject, that subject’s', () => {
    expect(extractFigures('甘肃电信被申诉118件,占比28.0%').map((f) => f.label)).toEqual(['甘肃电信被申诉', '甘肃电信被申诉占比']);
    expect(extractFigures('从内容看,贷款理财类骚扰电话占比最高,为31.2%,其次是房产中介类,占比18.5%。').map((f) => f.label)).toEqual([
      '贷款理财类骚扰电话占比',
      '房产中介类占比',
    ]);
  });

  it('a change after a list changes the listed measure, not the carrier named before it', () => {
    const figures = extractFigures('重庆移动、联通、电信公司的用户申诉率分别为1.84、3.26和2.97件/百万用户,其中重庆联通较去年同期下降0.41件/百万用户。');
    expect(figures.map((f) => [f.value, f.label])).toEqual([
      [1.84, '用户申诉率'],
      [3.26, '用户申诉率'],
      [2.97, '用户申诉率'],
      [0.41, '用户申诉率'],
    ]);
  });

  it('a sentence naming only its carrier measures what the sentences before measured', () => {
    const prior = extractFigures('黑龙江移动申诉率为3.02人次/百万用户,较上季度下降4.4%;', { names: [{ start: 0, end: 5 }] });
    expect(extractFigures('黑龙江电信为4.18人次/百万用户,较上季度上升9.7%;', { names: [{ start: 0, end: 5 }], prior })).toEqual([
      { value: 4.18, unit: '人次/百万用户', raw: '4.18人次/百万用户', label: '申诉率' },
      expect.objectContaining({ value: 9.7, label: '申诉率' }),
    ]);
  });

  it('"占申诉总量的8.2%" is the share of the count before it', () => {
    expect(extractFigures('其中,有效申诉量为356件,占申诉总量的8.2%。').map((f) => f.label)).toEqual(['有效申诉量', '有效申诉量占比']);
  });

  it('a rank written without 位 still ranks the measure before it', () => {
    expect(extractFigures('千兆宽带渗透率为21.5%,位居全国第8。').at(-1)).toEqual({ value: 8, unit: '位', raw: '全国第8', label: '千兆宽带渗透率全国排名' });
    expect(extractFigures('全国第3批试点')).toEqual([]);
  });

  it('page numbers are not figures', () => {
    expect(extractFigures('第 1 页 共 3 页')).toEqual([]);
  });
});

describe('changes as stated', () => {
  const change = (text: string): Figure[] => extractFigures(text);

  it.each<[string, Partial<Figure>]>([
    ['用户申诉率环比上涨20.8%', { value: 20.8, unit: '%', label: '用户申诉率', change: { basis: '环比', direction: 'up' } }],
    ['有效申诉量同比上升1.8人次', { value: 1.8, unit: '人次', label: '有效申诉量', change: { basis: '同比', direction: 'up' } }],
    [
      '申诉率较上季度上升0.3个百分点',
      { value: 0.3, unit: '个百分点', label: '申诉率', change: { basis: '环比', direction: 'up', since: '上季度' } },
    ],
    [
      '满意率比上年同期下降0.5个百分点',
      { value: 0.5, unit: '个百分点', label: '满意率', change: { basis: '同比', direction: 'down' } },
    ],
    ['投诉量与上月相比减少12件', { value: 12, unit: '件', label: '投诉量', change: { basis: '环比', direction: 'down', since: '上月' } }],
    ['申诉量同比降12%', { value: 12, unit: '%', label: '申诉量', change: { basis: '同比', direction: 'down' } }],
    ['宽带用户增长30万户', { value: 30, unit: '万户', label: '宽带用户', change: { basis: '较', direction: 'up' } }],
    ['申诉量同比增幅为5.2%', { value: 5.2, unit: '%', label: '申诉量', change: { basis: '同比', direction: 'up' } }],
    ['用户申诉量环比降幅达12.3%', { value: 12.3, unit: '%', label: '用户申诉量', change: { basis: '环比', direction: 'down' } }],
    ['只有电信的季度用户申诉率出现了4.4%的增长', { value: 4.4, unit: '%', label: '用户申诉率', change: { basis: '较', direction: 'up' } }],
  ])('%s', (text, expected) => {
    expect(change(text)).toEqual([expect.objectContaining(expected)]);
  });

  it('持平 is a change of nothing', () => {
    expect(change('垃圾短信举报量为3.2件/亿条,环比持平')).toEqual([
      expect.objectContaining({ value: 3.2, unit: '件/亿条', label: '垃圾短信举报量' }),
      { value: 0, unit: '', raw: '环比持平', label: '垃圾短信举报量', change: { basis: '环比', direction: 'flat' } },
    ]);
  });

  it('a change without its own words changes the figure before it', () => {
    expect(change('受理用户申诉3418件,环比上涨20.8%').map((f) => [f.value, f.label, f.change?.direction])).toEqual([
      [3418, '用户申诉', undefined],
      [20.8, '用户申诉', 'up'],
    ]);
  });

  it('"下降了13.9%和14.3%": both are changes of the same measure', () => {
    expect(change('中国移动和中国联通的季度用户申诉率分别较上一季度下降了13.9%和14.3%')).toEqual([
      { value: 13.9, unit: '%', raw: '较上一季度下降了13.9%', label: '用户申诉率', change: { basis: '环比', direction: 'down', since: '上一季度' } },
      { value: 14.3, unit: '%', raw: '14.3%', label: '用户申诉率', change: { basis: '环比', direction: 'down', since: '上一季度' } },
    ]);
  });

  it('"下降至" states a level, not a change', () => {
    expect(change('申诉率下降至0.45件/百万用户')).toEqual([{ value: 0.45, unit: '件/百万用户', raw: '0.45件/百万用户', label: '申诉率' }]);
  });

  it('"较大幅度下降" has no basis period', () => {
    expect(change('投诉量较大幅度下降15%')[0]?.change).toEqual({ basis: '较', direction: 'down' });
  });
});

describe('numbers that are not statistics', () => {
  it.each([
    ['用户可拨打10086、10000、10010或12300反映问题'],
    ['拨打10086人工服务'],
    ['工信部信管函〔2024〕299号'],
    ['关于电信服务质量的通告(2020年第3号)'],
    ['自3月15日起施行'],
    ['截至2024年3月'],
    ['于12月31日前完成整改'],
    ['每百万用户'],
    ['单位:件/百万用户'],
  ])('%s', (text) => {
    expect(extractFigures(text)).toEqual([]);
  });

  it('a threshold qualifies the figure after it and is not one itself', () => {
    expect(extractFigures('100Mbps及以上用户占比93.53%')).toEqual([
      { value: 93.53, unit: '%', raw: '93.53%', label: '100Mbps及以上用户占比' },
    ]);
    expect(extractFigures('下载速率不低于50Mbps的用户占比为87.1%')).toEqual([
      expect.objectContaining({ value: 87.1, unit: '%' }),
    ]);
  });

  it('a bound at the end of its clause is the figure’s own qualifier', () => {
    expect(extractFigures('覆盖率提升至98%以上')).toEqual([expect.objectContaining({ value: 98, qualifier: '以上' })]);
  });
});

describe('lists paired by 分别', () => {
  it('numbers before the last share its unit', () => {
    expect(extractFigures('申诉率分别为0.52、0.48和0.61件/百万用户').map((f) => [f.value, f.unit, f.label])).toEqual([
      [0.52, '件/百万用户', '申诉率'],
      [0.48, '件/百万用户', '申诉率'],
      [0.61, '件/百万用户', '申诉率'],
    ]);
  });

  it('without 分别 a bare number stays a name', () => {
    expect(extractFigures('拨打12300或10000,处理7件').map((f) => f.value)).toEqual([7]);
  });
});

describe('fixture: a provincial bulletin in real forms (test/fixtures/figures/provincial-forms.txt)', () => {
  const file = fileURLToPath(new URL('../fixtures/figures/provincial-forms.txt', import.meta.url));
  const parsed = parseBulletin(readFileSync(file, 'utf8'), 'test/fixtures/figures/provincial-forms.txt');
  /** Every figure of the parse as owner, label, value, unit, change — the shape the expectations below use. */
  const rows = parsed.facts.flatMap((f) =>
    f.figures.map((x) => ({
      owner: f.carrierId ?? 'region',
      label: x.label,
      value: x.value,
      unit: x.unit,
      change: x.change ? `${x.change.basis}${x.change.direction}${x.change.since ? `:${x.change.since}` : ''}` : undefined,
      column: x.column,
    })),
  );

  it('lists only carriers with facts, and no industry word as a carrier', () => {
    expect(parsed.carriers.map((c) => c.id)).toEqual(['cm-ah', 'ct-ah', 'cu-ah']);
  });

  it.each([
    { owner: 'region', label: '用户申诉', value: 3418, unit: '件', change: undefined },
    { owner: 'region', label: '用户申诉', value: 20.8, unit: '%', change: '环比up' },
    { owner: 'region', label: '用户申诉率', value: 3.52, unit: '件/百万用户', change: undefined },
    { owner: 'region', label: '用户申诉率', value: 0.3, unit: '个百分点', change: '环比up:上季度' },
    { owner: 'region', label: '用户申诉率全国排名', value: 16, unit: '位', change: undefined },
    { owner: 'region', label: '固定宽带用户中100Mbps及以上用户占比', value: 93.53, unit: '%', change: undefined },
    { owner: 'region', label: '移动电话普及率', value: 118.5, unit: '部/百人', change: undefined },
    { owner: 'region', label: '垃圾短信举报量', value: 0.82, unit: '件/亿条', change: undefined },
    { owner: 'region', label: '垃圾短信举报量', value: 5.7, unit: '%', change: '环比down' },
    { owner: 'cm-ah', label: '骚扰电话拦截', value: 1.27, unit: '亿次', change: undefined },
    { owner: 'cm-ah', label: '骚扰电话拦截', value: 1.8, unit: '%', change: '同比up' },
    { owner: 'ct-ah', label: '骚扰电话万号投诉率', value: 13.9, unit: '%', change: '环比down:上一季度' },
    { owner: 'cu-ah', label: '骚扰电话万号投诉率', value: 14.3, unit: '%', change: '环比down:上一季度' },
    { owner: 'ct-ah', label: '爱心翼站', value: 512, unit: '家', change: undefined },
    { owner: 'cu-ah', label: '一键接入人工服务', value: 86.4, unit: '万人次', change: undefined },
    { owner: 'cu-ah', label: '一键接入人工服务', value: 1.8, unit: '万人次', change: '同比up' },
  ])('$owner $label $value $unit', (expected) => {
    expect(rows).toContainEqual(expect.objectContaining(expected));
  });

  it('reads the table row by row, each cell with its column', () => {
    const row = (owner: string): Array<[number, string, string | undefined, string | undefined]> =>
      rows.filter((r) => r.owner === owner && r.column).map((r) => [r.value, r.unit, r.column, r.change]);
    expect(row('cm-ah')).toEqual([
      [2.86, '件/百万用户', '7月', undefined],
      [2.91, '件/百万用户', '8月', undefined],
      [3.05, '件/百万用户', '9月', undefined],
      [2.94, '件/百万用户', '本季度', undefined],
      [2.61, '件/百万用户', '上季度', undefined],
      [12.6, '%', '增减比例', '环比up:上季度'],
    ]);
    expect(row('ct-ah').at(-1)).toEqual([0, '', '增减比例', '环比flat:上季度']);
    expect(row('cu-ah').at(-1)).toEqual([33.3, '%', '增减比例', '环比down:上季度']);
    expect(row('region').map((r) => r[0])).toEqual([3.41, 3.44, 3.71, 3.52, 3.22, 9.3]);
    for (const r of rows.filter((x) => x.column)) expect(r.label).toBe('用户申诉率');
  });

  it('takes no hotline, date or document number for a figure', () => {
    const values = rows.map((r) => r.value);
    for (const v of [10086, 10000, 10010, 12300, 88, 2024, 15, 31, 21, 100]) expect(values).not.toContain(v);
  });

  it('does not keep the table caption as a fact of its own', () => {
    expect(parsed.facts.filter((f) => f.text.startsWith('表1'))).toEqual([]);
  });
});

describe('owners of figures in a regulator’s sentences', () => {
  const finder = new MentionFinder(regionIndex());
  const ctx = (province: string, carriers: string[]): FactContext => ({
    bulletinId: `${province.toLowerCase()}-2024q2-official`,
    bulletinRegion: { province },
    finder,
    declared: new Map(),
    carrierRegions: new Map(carriers.map((id) => [id, id.includes('-') ? { province } : { province: 'CN' }])),
    official: true,
  });
  const facts = (text: string, c: FactContext): Array<[string | null, number[]]> =>
    buildFacts([{ parts: [3], text, role: 'body', owner: REGION_OWNER, how: 'province', carriers: [] }], c).map((f) => [
      f.carrierId,
      f.figures.map((x) => x.value),
    ]);

  it('national groups joined by 和 get one figure each, in order', () => {
    expect(facts('中国移动和中国联通的季度用户申诉率分别较上一季度下降了13.9%和14.3%。', ctx('CN', ['cm', 'cu', 'ct']))).toEqual([
      ['cm', [13.9]],
      ['cu', [14.3]],
    ]);
  });

  it('a later 分别 clause pairs with the owners listed before it', () => {
    expect(
      facts('中国电信、中国移动、中国联通的申诉量分别为4100件、6050件和5230件,百万用户申诉率分别为17.1、7.6和18.9件/百万用户。', ctx('CN', ['cm', 'cu', 'ct'])),
    ).toEqual([
      ['ct', [4100]],
      ['cm', [6050]],
      ['cu', [5230]],
      ['ct', [17.1]],
      ['cm', [7.6]],
      ['cu', [18.9]],
    ]);
  });

  it('"各10件" gives the figure to each carrier listed', () => {
    expect(facts('三季度共受理携号转网申诉31件,其中重庆移动13件,重庆联通、重庆电信各9件。', ctx('CQ', ['cm-cq', 'cu-cq', 'ct-cq']))).toEqual([
      [null, [31]],
      ['cm-cq', [13]],
      ['cu-cq', [9]],
      ['ct-cq', [9]],
    ]);
  });

  it('resellers and "其他企业" are not the carrier named before them', () => {
    expect(facts('分企业看,浙江移动有效申诉142件,其他企业27件。', ctx('ZJ', ['cm-zj']))).toEqual([
      ['cm-zj', [142]],
      [null, [27]],
    ]);
    expect(facts('移动转售企业被申诉12件,占比2.8%。', ctx('ZJ', ['cm-zj']))).toEqual([[null, [12, 2.8]]]);
  });

  it('a clause that names only its carrier measures what the sentence named before', () => {
    const [, second] = buildFacts(
      [{ parts: [1], text: '从申诉率看,甘肃移动为0.98件/百万用户,甘肃电信为2.41件/百万用户。', role: 'body', owner: REGION_OWNER, how: 'province', carriers: [] }],
      ctx('GS', ['cm-gs', 'ct-gs']),
    );
    expect(second?.figures).toEqual([{ value: 2.41, unit: '件/百万用户', raw: '2.41件/百万用户', label: '申诉率' }]);
  });

  it('a rate stated for a list of carriers holds for each; a total does not', () => {
    expect(facts('中国移动、中国电信垃圾短信处置率为100%,中国联通垃圾短信处置率为99.6%。', ctx('CN', ['cm', 'cu', 'ct']))).toEqual([
      ['cm', [100]],
      ['ct', [100]],
      ['cu', [99.6]],
    ]);
    expect(facts('浙江移动、浙江电信共建共享基站1200个。', ctx('ZJ', ['cm-zj', 'ct-zj']))).toEqual([[null, [1200]]]);
  });

  it('in a provincial bulletin, 电信、移动、联通 are its own province’s companies', () => {
    const added: string[] = [];
    const c = { ...ctx('HB', []), addCarrier: (id: string) => added.push(id) };
    expect(facts('电信、移动、联通的用户申诉率分别为5.1、3.0和6.2件/百万用户。', c)).toEqual([
      ['ct-hb', [5.1]],
      ['cm-hb', [3]],
      ['cu-hb', [6.2]],
    ]);
    expect(added).toEqual(['ct-hb', 'cm-hb', 'cu-hb']);
  });

  it('skips the addressee line', () => {
    expect(facts('中国电信股份有限公司甘肃分公司(以下简称甘肃电信)、中国移动通信集团甘肃有限公司,各移动通信转售企业:', ctx('GS', ['cm-gs', 'ct-gs']))).toEqual([]);
  });
});

describe('fixture: numbered items in a regulator’s bulletin (test/fixtures/figures/numbered-items.txt)', () => {
  const file = fileURLToPath(new URL('../fixtures/figures/numbered-items.txt', import.meta.url));
  const parsed = parseBulletin(readFileSync(file, 'utf8'), 'test/fixtures/figures/numbered-items.txt');
  const owner = (value: number): string | null | undefined => parsed.facts.find((f) => f.figures.some((x) => x.value === value))?.carrierId;

  it('an item about carriers does not hand them the next item', () => {
    expect([0.86, 1.12, 0.97].map(owner)).toEqual(['cm-qh', 'cu-qh', 'ct-qh']);
    expect(owner(1260)).toBeNull();
    expect(owner(1.8)).toBe('ct-qh');
    expect(owner(980)).toBeNull();
  });

  it('labels the items’ figures with their measures', () => {
    const labels = parsed.facts.flatMap((f) => f.figures.map((x) => `${x.value} ${x.label}`));
    expect(labels).toEqual([
      '412 用户申诉',
      '3.1 用户申诉',
      '0.86 申诉率',
      '1.12 申诉率',
      '0.97 申诉率',
      '1260 出动应急通信保障人员',
      '1.8 农村宽带提速改造端口',
      '980 新建5G基站',
    ]);
  });
});

describe('letter-spaced lines from PDF titles', () => {
  it('reads a line of single characters without the spaces, and leaves other lines alone', () => {
    expect(readableText('甘 肃 省 通 信 管 理 局 关 于 ２ ０ ２ ３ 年\n南京 | 无锡 | 徐州\n1 2 3 4 5 6\n用户 申诉 受理')).toBe(
      '甘肃省通信管理局关于2023年\n南京 | 无锡 | 徐州\n1 2 3 4 5 6\n用户 申诉 受理',
    );
  });
});

describe('rates written with a bare count unit (the MIIT and press style of 2008–2017)', () => {
  it.each([
    ['季度百万用户申诉率为8.4人次', { value: 8.4, unit: '人次/百万用户', label: '百万用户申诉率' }],
    ['每百万用户申诉3.2人次', { value: 3.2, unit: '人次/百万用户', label: '每百万用户申诉' }],
    ['万户申诉率为0.5件', { value: 0.5, unit: '件/万户', label: '万户申诉率' }],
    // 申诉率 with no base is MIIT's 用户申诉率, defined per million users.
    ['中国联通的季度用户申诉率最高,为11.2人次', { value: 11.2, unit: '人次/百万用户', label: '用户申诉率' }],
  ])('%s', (text, expected) => {
    expect(extractFigures(text)).toEqual([expect.objectContaining(expected)]);
  });

  it('the change of such a rate is in the rate’s unit too, a percentage change stays a percentage', () => {
    expect(extractFigures('季度百万用户申诉率为48.9人次,同比下降3.1人次,比一季度上升2.3人次,环比上升4.3%').map((f) => `${f.value}${f.unit}`)).toEqual([
      '48.9人次/百万用户',
      '3.1人次/百万用户',
      '2.3人次/百万用户',
      '4.3%',
    ]);
  });

  it('a count stays a count, also next to a rate, and a 量 is no rate', () => {
    expect(extractFigures('受理用户申诉21537人次,申诉率为3.2人次').map((f) => `${f.value}${f.unit}`)).toEqual(['21537人次', '3.2人次/百万用户']);
    expect(extractFigures('有效申诉量同比上升1.8人次')[0]?.unit).toBe('人次');
    expect(extractFigures('投诉率下降的企业有3家')[0]?.unit).toBe('家');
  });
});

describe('changes named by their size (降幅, 下降幅度)', () => {
  it('a clause naming the change gives the figure after it its direction', () => {
    expect(extractFigures('其中申诉率同比下降幅度最大,达31.6%。')).toEqual([
      { value: 31.6, unit: '%', raw: '31.6%', label: '申诉率', change: { basis: '同比', direction: 'down' } },
    ]);
    expect(extractFigures('申诉量同比增长幅度为5.2%')).toEqual([
      { value: 5.2, unit: '%', raw: '5.2%', label: '申诉量', change: { basis: '同比', direction: 'up' } },
    ]);
  });

  it('the owner named in the clause before is not part of the measure', () => {
    expect(extractFigures('内蒙古联通申诉量最多,为611件', { names: [{ start: 0, end: 5 }] })).toEqual([
      { value: 611, unit: '件', raw: '611件', label: '申诉量' },
    ]);
  });
});

describe('fractions written in words and counts of apps', () => {
  it('万分之0.31 is 0.31‱, 千分之 is ‰; a change keeps the sign', () => {
    expect(extractFigures('全省用户申诉率为万分之0.31,同比下降万分之0.02')).toEqual([
      { value: 0.31, unit: '‱', raw: '万分之0.31', label: '用户申诉率' },
      { value: 0.02, unit: '‱', raw: '同比下降万分之0.02', label: '用户申诉率', change: { basis: '同比', direction: 'down' } },
    ]);
    expect(extractFigures('欠费停机投诉率为千分之1.6')).toEqual([{ value: 1.6, unit: '‰', raw: '千分之1.6', label: '欠费停机投诉率' }]);
  });

  it('‱ written as a sign reads like 万分之', () => {
    expect(extractFigures('申诉率为0.31‱')).toEqual([{ value: 0.31, unit: '‱', raw: '0.31‱', label: '申诉率' }]);
  });

  it('a share written with 占 alone is a 占比', () => {
    expect(extractFigures('网络质量问题占21.3%')[0]?.label).toBe('网络质量问题占比');
  });

  it('分 counts points of a score, not 分公司 or 分钟', () => {
    expect(extractFigures('宁夏移动得分82.7分', { names: [{ start: 0, end: 4 }] })).toEqual([{ value: 82.7, unit: '分', raw: '82.7分', label: '得分' }]);
    expect(extractFigures('下设11个市分公司').map((f) => f.unit)).toEqual(['个']);
    expect(extractFigures('平均等待3分钟').map((f) => f.unit)).toEqual(['分钟']);
    expect(extractFigures('设有3分局')).toEqual([]);
  });

  it('a base written before the number (申诉率为每百万用户4.3件) gives the unit, the measure stays 申诉率', () => {
    expect(extractFigures('申诉率为每百万用户4.3件')).toEqual([{ value: 4.3, unit: '件/百万用户', raw: '4.3件', label: '申诉率' }]);
    expect(extractFigures('中国电信的用户申诉率最高,达每百万用户12.3人次', { names: [{ start: 0, end: 4 }] })).toEqual([
      { value: 12.3, unit: '人次/百万用户', raw: '12.3人次', label: '用户申诉率' },
    ]);
    expect(extractFigures('用户申诉率为每百万用户0.9件,同比下降0.2件').map((f) => `${f.label} ${f.value}${f.unit}`)).toEqual([
      '用户申诉率 0.9件/百万用户',
      '用户申诉率 0.2件/百万用户',
    ]);
  });

  it('a day of the month without its month is a date, a number of days is not', () => {
    expect(extractFigures('工信部12日发布通告')).toEqual([]);
    expect(extractFigures('记者15日电')).toEqual([]);
    expect(extractFigures('整改期限为30日').map((f) => `${f.value}${f.unit}`)).toEqual(['30日']);
  });

  it('份 counts documents, 份额 is a share', () => {
    expect(extractFigures('下达整改通知书2份').map((f) => `${f.value}${f.unit} ${f.label}`)).toEqual(['2份 整改通知书']);
    expect(extractFigures('3份额')).toEqual([]);
  });

  it('a count of app reports is a fact of its own, in the reports’ topic', () => {
    const finder = new MentionFinder(regionIndex());
    const built = buildFacts([{ parts: [1], text: '本季度受理不良应用举报27815件次。', role: 'body', owner: REGION_OWNER, how: 'province', carriers: [] }], {
      bulletinId: 'cn-2024q2-official',
      bulletinRegion: { province: 'CN' },
      finder,
      declared: new Map(),
      carrierRegions: new Map(),
      official: true,
    });
    expect(built.map((f) => [f.carrierId, f.category, f.figures.map((x) => `${x.label} ${x.value}${x.unit}`)])).toEqual([[null, 'spam', ['不良应用举报 27815件次']]]);
  });

  it('款 counts apps', () => {
    expect(extractFigures('共检测App 364款,发现违规App 27款').map((f) => `${f.value}${f.unit} ${f.label}`)).toEqual(['364款 检测App', '27款 发现违规App']);
  });
});

describe('fixture: an older regional bulletin naming companies the old way (test/fixtures/figures/old-style-names.txt)', () => {
  const file = fileURLToPath(new URL('../fixtures/figures/old-style-names.txt', import.meta.url));
  const parsed = parseBulletin(readFileSync(file, 'utf8'), 'test/fixtures/figures/old-style-names.txt');
  const rows = parsed.facts.flatMap((f) => f.figures.map((x) => `${f.carrierId ?? 'region'} ${x.label ?? '-'} ${x.value}${x.unit}${x.change ? ` ${x.change.direction}` : ''}`));

  it('names 区电信公司 and 移动宁夏分公司 as the region’s companies, and no industry word as a carrier', () => {
    expect(parsed.carriers.map((c) => c.id)).toEqual(['cm-nx', 'ct-nx', 'ctt-nx', 'cu-nx']);
  });

  it('reads every figure with its owner, measure and unit', () => {
    expect(rows).toEqual([
      'region 用户申诉和咨询 538件',
      'region 立案申诉 203件',
      'region 立案申诉 4.2% down',
      'region 百万用户申诉率 27.6人次/百万用户',
      'region 百万用户申诉率 3.4人次/百万用户 down',
      'region 百万用户申诉率 0.8人次/百万用户 up',
      'region 用户申诉率 0.28‱',
      'region 用户申诉率 0.03‱ down',
      'ct-nx 立案申诉 71件',
      'cm-nx 立案申诉 58件',
      'cu-nx 立案申诉 49件',
      'ctt-nx 立案申诉 25件',
      'region 服务类问题占比 46.3%',
      'region 网络类问题占比 22.1%',
      'region 资费类问题占比 31.6%',
      'region App举报 1532件次',
      'region 检测App 218款',
      'region 发现违规App 19款',
      'region 骚扰电话投诉 2214件次',
      'cm-nx 被投诉号码占比 41.2%',
      'ct-nx 被投诉号码占比 26.5%',
      'cu-nx 被投诉号码占比 24.9%',
      'region 移动通信转售企业占比 7.4%',
    ]);
  });
});

describe('fixture: a carrier’s report citing the appeal centre (test/fixtures/figures/carrier-report-passive.txt)', () => {
  const file = fileURLToPath(new URL('../fixtures/figures/carrier-report-passive.txt', import.meta.url));
  const parsed = parseBulletin(readFileSync(file, 'utf8'), 'test/fixtures/figures/carrier-report-passive.txt');
  const owner = (value: number): string | null | undefined => parsed.facts.find((f) => f.figures.some((x) => x.value === value))?.carrierId;

  it('appeals the centre passed on (被…申诉受理中心转办) are the carrier’s own', () => {
    expect([8.37, 12.6, 2046, 4.82, 0.73].map(owner)).toEqual(['cm-gz', 'cm-gz', 'cm-gz', 'cm-gz', 'cm-gz']);
    const passed = parsed.facts.flatMap((f) => f.figures).find((x) => x.value === 2046);
    expect(passed?.label).toBe('转办申诉');
  });

  it('in a carrier’s text the centre’s count of appeals about 我公司 is the carrier’s', () => {
    const text = '中国电信股份有限公司湖南分公司2023年电信服务质量状况报告\n\n一、用户申诉\n\n2023年,湖南省电信用户申诉受理中心受理涉及我公司的申诉1120件,同比下降9.4%。\n\n中国电信股份有限公司湖南分公司\n2024年1月20日';
    const other = parseBulletin(text, 'x.txt');
    expect(other.facts.filter((f) => f.figures.length).map((f) => [f.carrierId, f.figures.map((x) => x.value)])).toEqual([['ct-hn', [1120, 9.4]]]);
  });

  it('in the authority’s statistics a carrier quotes, only the clauses about 我公司 are the carrier’s', () => {
    const text = '中国联合网络通信有限公司湖北省分公司2023年电信服务质量状况报告\n\n一、用户申诉\n\n据湖北省通信管理局申诉受理中心统计,2023年全省共受理用户申诉8120件,其中涉及我公司的申诉2140件,同比下降11.3%,低于全省平均水平。\n\n中国联合网络通信有限公司湖北省分公司\n2024年1月15日';
    const other = parseBulletin(text, 'x.txt');
    expect(other.facts.filter((f) => f.figures.length).map((f) => [f.carrierId, f.figures.map((x) => x.value)])).toEqual([
      [null, [8120]],
      ['cu-hb', [2140, 11.3]],
    ]);
  });

  it('the province’s figure the carrier quotes stays the province’s', () => {
    expect(owner(5.31)).toBeNull();
  });

  it('the carrier’s own user counts are its profile, not dropped as province statistics', () => {
    const counts = parsed.facts.find((f) => f.figures.some((x) => x.value === 1480));
    expect([counts?.carrierId, counts?.category, counts?.figures.map((x) => `${x.label} ${x.value}${x.unit}`)]).toEqual([
      'cm-gz',
      'profile',
      ['移动电话用户 1480万户', '家庭宽带用户 612万户'],
    ]);
  });
});

describe('owners named the old, the press and the regulator’s own way', () => {
  const finder = new MentionFinder(regionIndex());
  /** The carriers the document names by name are known before facts are built; group and local words add theirs. */
  const ctx = (region: { province: string; city?: string }, official = true, carriers: string[] = []): FactContext & { added: string[] } => {
    const added: string[] = [];
    return {
      bulletinId: 'x-2024q2-official',
      bulletinRegion: region,
      finder,
      declared: new Map(),
      carrierRegions: new Map(carriers.map((id) => [id, id.includes('-') ? { province: region.province } : { province: 'CN' }])),
      official,
      addCarrier: (id: string) => added.push(id),
      added,
    };
  };
  const facts = (text: string, c: FactContext, owner = REGION_OWNER): Array<[string | null, number[]]> =>
    buildFacts([{ parts: [3], text, role: 'body', owner, how: 'province', carriers: [] }], c).map((f) => [
      f.carrierId,
      f.figures.map((x) => x.value),
    ]);

  it('press abbreviations 中移动, 中电信, 中联通 are the national groups', () => {
    expect(facts('中移动用户申诉率为1.92件/百万用户,中电信为3.85件/百万用户,其中中联通为4.40件/百万用户。', ctx({ province: 'CN' }, true, ['cm', 'ct', 'cu']))).toEqual([
      ['cm', [1.92]],
      ['ct', [3.85]],
      ['cu', [4.4]],
    ]);
  });

  it('a clause opening with 涉及 is about the carrier it names, in each clause in turn', () => {
    const text = '其中,涉及上海电信的申诉486人次,较上季度下降10.5%;涉及上海移动的申诉529人次,较上季度下降3.7%;涉及上海联通的申诉417人次。';
    const expected = [
      ['ct-sh', [486, 10.5]],
      ['cm-sh', [529, 3.7]],
      ['cu-sh', [417]],
    ];
    expect(facts(text, ctx({ province: 'SH' }, true, ['ct-sh', 'cm-sh', 'cu-sh']))).toEqual(expected);
    // The paragraph opens with 上海电信, so it is placed with it; the later clauses still go to the carriers they name.
    expect(facts(text, ctx({ province: 'SH' }, true, ['ct-sh', 'cm-sh', 'cu-sh']), 'ct-sh')).toEqual(expected);
  });

  it('a carrier’s name right before its count ("上海电信申诉486人次") owns it', () => {
    expect(facts('上海电信申诉486人次,上海移动申诉529人次。', ctx({ province: 'SH' }, true, ['ct-sh', 'cm-sh']))).toEqual([
      ['ct-sh', [486]],
      ['cm-sh', [529]],
    ]);
    expect(facts('涉及云南电信96件。', ctx({ province: 'YN' }, true, ['ct-yn']))).toEqual([['ct-yn', [96]]]);
  });

  it('移动公司, 省电信公司 in a regulator’s text are its own area’s companies', () => {
    const c = ctx({ province: 'JL' });
    expect(facts('移动公司被申诉812人次,电信公司被申诉465人次,涉及省联通公司596人次。', c)).toEqual([
      ['cm-jl', [812]],
      ['ct-jl', [465]],
      ['cu-jl', [596]],
    ]);
    expect(c.added).toEqual(['cm-jl', 'ct-jl', 'cu-jl']);
  });

  it('市移动公司 is a city bulletin’s own; in a provincial bulletin it could be any city’s, so it names nobody', () => {
    expect(facts('市移动公司被申诉42件。', ctx({ province: 'JS', city: 'suzhou' }))).toEqual([['cm-js-suzhou', [42]]]);
    expect(facts('市移动公司被申诉42件。', ctx({ province: 'JS' }))).toEqual([[null, [42]]]);
    // A municipality speaks of itself as 市.
    expect(facts('市移动公司被申诉42件。', ctx({ province: 'BJ' }))).toEqual([['cm-bj', [42]]]);
  });

  it('outside a regulator’s text a bare 移动公司 names nobody', () => {
    expect(facts('移动公司被申诉812人次。', ctx({ province: 'JL' }, false))).toEqual([[null, [812]]]);
  });

  it('names and bracketed figures in turn give each name its figure, under the measure the list announced', () => {
    const c = ctx({ province: 'HA' }, true, ['cm-ha', 'cbn-ha', 'ct-ha', 'cu-ha']);
    const built = buildFacts(
      [{ parts: [1], text: '各企业申诉率由低到高依次为:河南移动(1.85件/百万用户)、河南广电(2.04件/百万用户)、河南电信(4.72件/百万用户)。', role: 'body', owner: REGION_OWNER, how: 'province', carriers: [] }],
      c,
    );
    expect(built.filter((f) => f.figures.length).map((f) => [f.carrierId, f.figures.map((x) => `${x.label} ${x.value}`)])).toEqual([
      ['cm-ha', ['申诉率 1.85']],
      ['cbn-ha', ['申诉率 2.04']],
      ['ct-ha', ['申诉率 4.72']],
    ]);
  });

  it('in a regulator’s paragraph opened by one carrier, a later sentence about another carrier is that one’s', () => {
    const c = ctx({ province: 'NM' }, true, ['cm-nm', 'ct-nm']);
    const built = buildFacts(
      [{ parts: [1], text: '三家企业中,内蒙古移动申诉量最少,为402件。与上季度相比,内蒙古电信降幅最大,达到11.7%。', role: 'body', owner: 'cm-nm', how: 'mention', carriers: ['cm-nm', 'ct-nm'] }],
      c,
    );
    expect(built.map((f) => [f.carrierId, f.figures.map((x) => `${x.label ?? '-'} ${x.value}${x.change ? ` ${x.change.direction}` : ''}`)])).toEqual([
      ['cm-nm', ['申诉量 402']],
      ['ct-nm', ['- 11.7 down']],
    ]);
  });

  it('a carrier’s hotline listed after a short lead-in is kept, the lead-in is not', () => {
    const built = buildFacts(
      [{ parts: [1], text: '可通过以下渠道投诉:中国电信客户服务热线10000;中国移动客户服务热线10086。', role: 'body', owner: REGION_OWNER, how: 'province', carriers: [] }],
      ctx({ province: 'CN' }, true, ['ct', 'cm']),
    );
    expect(built.map((f) => [f.carrierId, f.text])).toEqual([
      ['ct', '中国电信客户服务热线10000'],
      ['cm', '中国移动客户服务热线10086。'],
    ]);
  });

  it('shares after a topic clause name what they are shares of; resellers keep their own name and topic', () => {
    const built = buildFacts(
      [{ parts: [1], text: '本季度受理骚扰电话举报21436件次,被举报号码中,中国移动占38.4%,中国电信占27.9%,移动转售企业占6.8%。', role: 'body', owner: REGION_OWNER, how: 'province', carriers: [] }],
      ctx({ province: 'CN' }, true, ['cm', 'ct']),
    );
    expect(built.map((f) => [f.carrierId, f.category, f.figures.map((x) => `${x.label} ${x.value}`)])).toEqual([
      [null, 'spam', ['骚扰电话举报 21436']],
      ['cm', 'spam', ['被举报号码占比 38.4']],
      ['ct', 'spam', ['被举报号码占比 27.9']],
      [null, 'resale', ['移动转售企业占比 6.8']],
    ]);
  });

  it('a share stated as 最高 and 次之 is a share of the sentence’s topic, for each carrier in turn', () => {
    const built = buildFacts(
      [{ parts: [1], text: '被举报号码中,中国移动占比最高,为44.1%,中国电信次之,为27.9%,中国联通为21.3%。', role: 'body', owner: REGION_OWNER, how: 'province', carriers: [] }],
      ctx({ province: 'CN' }, true, ['cm', 'ct', 'cu']),
    );
    expect(built.map((f) => [f.carrierId, f.figures.map((x) => `${x.label} ${x.value}`)])).toEqual([
      ['cm', ['被举报号码占比 44.1']],
      ['ct', ['被举报号码占比 27.9']],
      ['cu', ['被举报号码占比 21.3']],
    ]);
  });

  it('ranking words around a count are not its measure', () => {
    expect(extractFigures('涉及中国移动广东公司的申诉量居各省公司首位,为812人次', { names: [{ start: 2, end: 10 }] })).toEqual([
      { value: 812, unit: '人次', raw: '812人次', label: '申诉量' },
    ]);
  });

  it('an old group name (中国移动通信集团公司) is the group, not part of the measure', () => {
    const built = buildFacts(
      [{ parts: [1], text: '中国移动通信集团公司用户申诉率为4.1人次/百万用户,中国电信集团公司用户申诉率为9.3人次/百万用户。', role: 'body', owner: REGION_OWNER, how: 'province', carriers: [] }],
      ctx({ province: 'CN' }, true, ['cm', 'ct']),
    );
    expect(built.map((f) => [f.carrierId, f.figures.map((x) => `${x.label} ${x.value}${x.unit}`)])).toEqual([
      ['cm', ['用户申诉率 4.1人次/百万用户']],
      ['ct', ['用户申诉率 9.3人次/百万用户']],
    ]);
  });

  it('resellers after 涉及 are a category of the region, not the carrier named before', () => {
    expect(facts('涉及中国广电的占比1.3%,涉及移动通信转售企业的占比6.8%。', ctx({ province: 'CN' }, true, ['cbn']))).toEqual([
      ['cbn', [1.3]],
      [null, [6.8]],
    ]);
  });
});

describe('units in brackets, 依次 lists and averages in brackets', () => {
  /** owner → "value unit" of every figure of a whole bulletin, in order. */
  const owners = (body: string, title = '江西省通信管理局关于2015年第三季度电信服务质量的通告'): Array<[string | null, string[]]> =>
    parseBulletin(`${title}\n\n${body}\n\n江西省通信管理局\n2015年10月22日`, 'x.txt')
      .facts.filter((f) => f.figures.length)
      .map((f) => [f.carrierId, f.figures.map((x) => `${x.value}${x.unit}`)]);

  it.each([
    ['full-width', '全省用户申诉率为6.4（件/百万用户），江西电信为8.7（件/百万用户）。'],
    ['ASCII', '全省用户申诉率为6.4(件/百万用户),江西电信为8.7(件/百万用户)。'],
  ])('a rate’s unit in %s brackets after the number is its unit', (_form, body) => {
    expect(owners(body)).toEqual([
      [null, ['6.4件/百万用户']],
      ['ct-jx', ['8.7件/百万用户']],
    ]);
  });

  it('one bracketed unit after a list of bare group words and numbers is every number’s unit', () => {
    expect(owners('各企业百万用户申诉率：电信3.05、移动1.42、联通2.66（件/百万用户）。')).toEqual([
      ['ct-jx', ['3.05件/百万用户']],
      ['cm-jx', ['1.42件/百万用户']],
      ['cu-jx', ['2.66件/百万用户']],
    ]);
  });

  it('numbers in a list without a unit written after them stay unread', () => {
    expect(owners('投诉电话依次为10000、10086、10010，全省申诉量为512件。')).toEqual([[null, ['512件']]]);
  });

  it('依次为 pairs the listed carriers with their figures as 分别为 does', () => {
    expect(owners('江西电信、江西移动、江西联通的申诉量依次为233件、318件和190件，申诉率依次为8.7、4.1和6.9件/百万用户。')).toEqual([
      ['ct-jx', ['233件']],
      ['cm-jx', ['318件']],
      ['cu-jx', ['190件']],
      ['ct-jx', ['8.7件/百万用户']],
      ['cm-jx', ['4.1件/百万用户']],
      ['cu-jx', ['6.9件/百万用户']],
    ]);
  });

  it('an average in brackets is the area’s, not the carriers the clause is about', () => {
    expect(owners('江西电信、江西联通的申诉率高于全省平均水平（6.4件/百万用户），分别为8.7和6.9件/百万用户。')).toEqual([
      ['ct-jx', ['8.7件/百万用户']],
      ['cu-jx', ['6.9件/百万用户']],
      [null, ['6.4件/百万用户']],
    ]);
  });

  it('in a branch’s report, a company’s 全省平均 in brackets is that company’s, not the branch’s', () => {
    const text = '中国联合网络通信有限公司九江市分公司\n2015年第三季度服务质量报告\n\n三季度，我公司申诉率为0.74件/百万用户，低于江西联通全省平均水平(0.93件/百万用户)。';
    const parsed = parseBulletin(text, 'x.txt');
    expect(parsed.facts.filter((f) => f.figures.length).map((f) => [f.carrierId, f.figures.map((x) => `${x.value}${x.unit}`)])).toEqual([
      ['cu-jx-jiujiang', ['0.74件/百万用户']],
      ['cu-jx', ['0.93件/百万用户']],
    ]);
  });
});
