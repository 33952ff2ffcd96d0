/**
 * Tables as they reach the parser from PDF, Word and web pages: one row per
 * line, cells between pipes, tabs or runs of spaces, a header naming the
 * columns and a caption naming the measure. Figures invented; the HTML
 * fixture goes through readSource like any ingested page.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REGION_OWNER, type Placement } from '../../knowledge/ingest/attribution.ts';
import { MentionFinder, type CarrierRef } from '../../knowledge/ingest/carrier-mentions.ts';
import { buildFacts, type FactContext } from '../../knowledge/ingest/facts.ts';
import { parseBulletin } from '../../knowledge/ingest/parse-bulletin.ts';
import { readSource } from '../../knowledge/ingest/read-source.ts';
import { columnOf, isCaption, measureOf, readTable, splitRow, tableBlockText, tableLines } from '../../knowledge/ingest/tables.ts';
import { regionIndex } from '../../knowledge/regions.ts';
import type { Fact, Region } from '../../knowledge/schema.ts';

const finder = new MentionFinder(regionIndex());

/** The blank-line block of a text whose first line starts with `start`. */
function block(text: string, start: string): string[] {
  const found = text.split(/\n\s*\n/).find((b) => b.trimStart().startsWith(start));
  if (!found) throw new Error(`no block starting ${start}`);
  return found.split('\n');
}

function context(province: string, carriers: string[], extra: Partial<FactContext> = {}): FactContext {
  const region: Region = { province };
  return {
    bulletinId: `${province.toLowerCase()}-2024q1-official`,
    bulletinRegion: region,
    finder,
    declared: new Map(),
    carrierRegions: new Map(carriers.map((id) => [id, id.includes('-') ? region : { province: 'CN' }])),
    official: true,
    ...extra,
  };
}

function placement(n: number, text: string, owner = REGION_OWNER): Placement {
  return { parts: [n], text, role: 'body', owner, how: 'province', carriers: [] };
}

/** owner → [value, unit, column, change] per figure, for a whole table's facts. */
function byOwner(facts: readonly Fact[]): Record<string, Array<[number, string, string | undefined, string | undefined]>> {
  const out: Record<string, Array<[number, string, string | undefined, string | undefined]>> = {};
  for (const f of facts) {
    out[f.carrierId ?? 'region'] = f.figures.map((x) => [x.value, x.unit, x.column, x.change && `${x.change.basis}${x.change.direction}`]);
  }
  return out;
}

describe('cells of a row', () => {
  it.each([
    ['| 河北移动 | 402 | ↓6.2% |', ['河北移动', '402', '↓6.2%']],
    ['河北移动\t402\t↓6.2%', ['河北移动', '402', '↓6.2%']],
    ['河北移动   402    ↓6.2%', ['河北移动', '402', '↓6.2%']],
    ['河北移动  402  ↓6.2%', ['河北移动', '402', '↓6.2%']],
  ])('%s', (line, cells) => {
    expect(splitRow(line)).toEqual(cells);
  });

  it.each([['| --- | --- |'], ['第一季度,全省共受理用户申诉2961件。'], ['']])('not a row: %s', (line) => {
    expect(splitRow(line)).toBeUndefined();
  });
});

describe('captions and headers', () => {
  it.each([
    ['表2 各企业申诉情况(单位:件)', { measure: '申诉', unit: '件' }],
    ['表1 2024年第二季度各企业用户申诉率(件/百万用户)', { measure: '用户申诉率', unit: '件/百万用户' }],
    ['附表 各基础电信企业用户满意率(%)', { measure: '用户满意率', unit: '%' }],
    ['各企业骚扰电话投诉情况见下表:', { measure: '骚扰电话投诉' }],
    ['申诉率(件/百万用户)', { measure: '申诉率', unit: '件/百万用户' }],
    ['申诉量(件)', { measure: '申诉量', unit: '件' }],
    // A rate headed with a bare count unit, the way the press wrote it, is still a rate.
    ['百万用户申诉率(人次)', { measure: '百万用户申诉率', unit: '人次/百万用户' }],
    ['申诉率(万分之)', { measure: '申诉率', unit: '‱' }],
    ['申诉量(人次)', { measure: '申诉量', unit: '人次' }],
  ])('%s', (text, expected) => {
    expect(measureOf(text)).toEqual(expected);
  });

  it.each([
    ['表2 各企业申诉情况(单位:件)', true],
    ['各基础电信企业申诉情况如下:', true],
    ['各企业骚扰电话投诉情况见下表:', true],
    ['附件:2011年三季度基础电信企业用户申诉分类统计表', true],
    ['现将2024年第一季度全省电信服务质量情况通告如下:', false],
    ['第一季度,全省共受理用户申诉2961件。', false],
  ])('caption %s: %s', (line, expected) => {
    expect(isCaption(line)).toBe(expected);
  });

  it.each([
    ['1月', 'period'],
    ['2024年3月', 'period'],
    ['第二季度', 'period'],
    ['合计', 'total'],
    ['本季度', 'current'],
    ['上季度', 'previous'],
    ['上年同期', 'previous'],
    ['增减比例', 'change'],
    ['环比', 'change'],
    ['同比增减', 'change'],
    ['申诉率(件/百万用户)', 'measure'],
    ['较一季度', 'change'],
    ['比上年同期', 'change'],
    ['比例', 'measure'],
  ])('column %s is %s', (header, kind) => {
    expect(columnOf(header).kind).toBe(kind);
  });

  it('a 同比 column compares with the year before, 环比 with the period before', () => {
    expect(columnOf('同比增减').basis).toBe('同比');
    expect(columnOf('环比').basis).toBe('环比');
    expect(columnOf('增减比例').basis).toBe('较');
  });
});

describe('reading a table', () => {
  it('reads the HTML fixture as html-to-text renders it: cells padded with spaces', async () => {
    const { text } = await readSource(fileURLToPath(new URL('../fixtures/figures/quarter-table.html', import.meta.url)));
    const table = readTable(block(text, '企业'), '表2 各企业申诉情况(单位:件)');
    expect(table).toEqual({
      caption: '表2 各企业申诉情况(单位:件)',
      measure: '申诉',
      unit: '件',
      header: ['企业', '1月', '2月', '3月', '合计', '环比'],
      rows: [
        ['河北移动', '402', '351', '388', '1141', '↓6.2%'],
        ['河北电信', '263', '240', '281', '784', '↑3.0%'],
        ['河北联通', '311', '296', '342', '949', '↓8.1%'],
        ['河北广电', '29', '27', '31', '87', '持平'],
        ['全省', '1005', '914', '1042', '2961', '↓4.4%'],
      ],
    });
  });

  it('reads a pipe table with a Markdown rule and its caption inside the block', () => {
    const table = readTable([
      '表3 各企业用户满意率(%)',
      '| 企业 | 本季度 | 上季度 |',
      '| --- | --- | --- |',
      '| 山西移动 | 96.2 | 95.8 |',
      '| 山西联通 | 94.7 | 95.1 |',
    ]);
    expect(table).toMatchObject({ measure: '用户满意率', unit: '%', header: ['企业', '本季度', '上季度'] });
    expect(table?.rows).toHaveLength(2);
  });

  it('reads a row of a PDF extraction that kept only one space between cells', () => {
    const table = readTable(['企业 申诉量 环比', '湖南移动 2135 ↓5.8%', '湖南电信 1682 ↑2.4%', '湖南联通 1977 ↓1.1%']);
    expect(table?.rows.map((r) => r[0])).toEqual(['湖南移动', '湖南电信', '湖南联通']);
  });

  it('joins a PDF extraction that printed one cell per line, each row closed by a lone pipe', () => {
    const lines = ['| 企业', '| 申诉量(件)', '| 较上季度', '|', '青海移动', '| 88', '| -2.1%', '|', '青海联通', '| 64', '| 5.0%', '|'];
    expect(readTable(lines)).toEqual({
      header: ['企业', '申诉量(件)', '较上季度'],
      rows: [
        ['青海移动', '88', '-2.1%'],
        ['青海联通', '64', '5.0%'],
      ],
    });
  });

  it('merges a header printed on two rows, the spanning cell naming the measure', () => {
    const table = readTable([
      '月份 | 2016年第三季度各运营企业申诉量(件) | 合计 | |||',
      '吉林电信 | 吉林移动 | 吉林联通 | ||',
      '7月 | 4 | 6 | 3 | 13 |',
      '8月 | 2 | 5 | 4 | 11 |',
      '上季度(件) | 5 | 9 | 8 | 22 |',
      '增减比例 | ↑20% | ↓11.1% | 持平 | ↑9.1% |',
    ]);
    expect(table).toMatchObject({ measure: '申诉量', unit: '件', header: ['月份', '吉林电信', '吉林移动', '吉林联通', '合计'] });
    const lines = tableLines(table!, (l) => /吉林|合计/.test(l));
    expect(lines.map((l) => [l.label, l.figures.map((f) => `${f.column}:${f.value}${f.unit}${f.change ? f.change.direction : ''}`)])).toEqual([
      ['吉林电信', ['7月:4件', '8月:2件', '上季度(件):5件', '增减比例:20%up']],
      ['吉林移动', ['7月:6件', '8月:5件', '上季度(件):9件', '增减比例:11.1%down']],
      ['吉林联通', ['7月:3件', '8月:4件', '上季度(件):8件', '增减比例:0flat']],
      ['合计', ['7月:13件', '8月:11件', '上季度(件):22件', '增减比例:9.1%up']],
    ]);
  });

  it('merges a two-row header whose spanning cell is a period over months', () => {
    const table = readTable([
      '上季度(件) | 2016年第三季度(件) | 增减比例 | ||||',
      '7月 | 8月 | 9月 | 小计 | |||',
      '资费争议 | 6 | 2 | 3 | 1 | 6 | 持平 |',
      '网络质量 | 4 | 1 | 2 | 2 | 5 | ↑25% |',
    ]);
    expect(table?.header).toEqual(['', '上季度(件)', '7月', '8月', '9月', '小计', '增减比例']);
    expect(table?.unit).toBe('件');
  });

  it('flattens a header on three rows from the bottom up, the groups’ units kept', () => {
    const lines = [
      '| 申诉量', '| 用户占比', '| 季度用户申诉率', '|',
      '用户服务', '(人次)', '| 企业总量', '(人次)', '| (企业用户数/用户总数)', '| (人次/百万用户)', '|',
      '本季度', '| 较前季度增长', '|',
      '中国电信', '| 1811', '| 3681', '| 22.9%', '| 12.2', '| -3.1%', '|',
      '中国移动', '| 2204', '| 5465', '| 54.0%', '| 7.9', '| 2.6%', '|',
    ];
    const table = readTable(lines)!;
    expect(table.header).toEqual(['', '用户服务(人次)', '企业总量(人次)', '(企业用户数/用户总数)', '本季度(人次/百万用户)', '较前季度增长(人次/百万用户)']);
    expect(tableLines(table, () => true)[0]?.figures.map((f) => [f.value, f.unit, f.change?.direction])).toEqual([
      [1811, '人次', undefined],
      [3681, '人次', undefined],
      [22.9, '%', undefined],
      [12.2, '人次/百万用户', undefined],
      [3.1, '%', 'down'],
    ]);
  });

  it('gives an empty corner cell its column back', () => {
    expect(readTable(['1月  2月', '贵州移动  12  15', '贵州电信  9  11'])?.header).toEqual(['', '1月', '2月']);
  });

  it.each([
    [['南京 | 无锡 | 徐州 | 常州', '苏州 | 南通 | 扬州 | 镇江']],
    [['一、用户申诉情况', '第一季度,全省共受理用户申诉2961件。']],
    [['企业  申诉量']],
  ])('not a table: %j', (lines) => {
    expect(readTable(lines)).toBeUndefined();
  });

  it('keeps a table block as rows of pipe-separated cells', () => {
    expect(tableBlockText(['企业     1月     2月', '河北移动   402    351', '全省     1005   914'])).toBe(
      '企业 | 1月 | 2月\n河北移动 | 402 | 351\n全省 | 1005 | 914',
    );
    expect(tableBlockText(['第一段文字,', '第二段文字。'])).toBeUndefined();
  });
});

describe('cells to figures', () => {
  it('labels each figure with the table measure and tags it with its column', () => {
    const table = readTable(['企业  1月  合计  环比', '河北移动  402  1141  ↓6.2%'], '表2 各企业申诉情况(单位:件)')!;
    expect(tableLines(table, () => true)).toEqual([
      {
        label: '河北移动',
        text: '河北移动 申诉(件):1月 402、合计 1141、环比 ↓6.2%',
        figures: [
          { value: 402, unit: '件', raw: '402', column: '1月', label: '申诉' },
          { value: 1141, unit: '件', raw: '1141', column: '合计', label: '申诉' },
          { value: 6.2, unit: '%', raw: '↓6.2%', column: '环比', label: '申诉', change: { basis: '环比', direction: 'down' } },
        ],
      },
    ]);
  });

  it('takes measure and unit from each column when the columns are measures', () => {
    const table = readTable(['企业  申诉量(件)  申诉率(件/百万用户)  环比', '宁夏移动  210  1.95  ↑4.0%', '宁夏联通  133  2.71  ↓2.2%'])!;
    const [first] = tableLines(table, () => true);
    expect(first?.figures).toEqual([
      { value: 210, unit: '件', raw: '210', column: '申诉量(件)', label: '申诉量' },
      { value: 1.95, unit: '件/百万用户', raw: '1.95', column: '申诉率(件/百万用户)', label: '申诉率' },
      { value: 4, unit: '%', raw: '↑4.0%', column: '环比', label: '申诉量', change: { basis: '环比', direction: 'up' } },
    ]);
  });

  it('an 增减比例 column beside 本季度 and 上季度 compares with the quarter before', () => {
    const table = readTable(['企业 | 本季度 | 上季度 | 增减比例', '安徽移动 | 2.94 | 2.61 | ↑12.6%'], '表1 各企业用户申诉率(件/百万用户)')!;
    expect(tableLines(table, () => true)[0]?.figures.at(-1)).toEqual({
      value: 12.6,
      unit: '%',
      raw: '↑12.6%',
      column: '增减比例',
      label: '用户申诉率',
      change: { basis: '环比', direction: 'up', since: '上季度' },
    });
  });

  it('reads carriers as columns when the rows are months', () => {
    const table = readTable(['月份  云南移动  云南电信', '7月  1.21  2.05', '8月  1.18  1.96'], '表4 用户申诉率(件/百万用户)')!;
    expect(tableLines(table, (l) => /移动|电信/.test(l)).map((l) => [l.label, l.figures.map((f) => `${f.column} ${f.value}`)])).toEqual([
      ['云南移动', ['7月 1.21', '8月 1.18']],
      ['云南电信', ['7月 2.05', '8月 1.96']],
    ]);
  });
});

describe('table facts', () => {
  const lines = ['企业     1月     2月    合计     环比', '河北移动   402    351   753   ↓6.2%', '河北电信   263    240   503    持平', '全省     665   591   1256   ↓4.4%'];
  const text = tableBlockText(lines)!;

  it('gives one fact per row, each row to its carrier and the total to the province', () => {
    const facts = buildFacts([placement(7, '表2 各企业申诉情况(单位:件)'), placement(8, text)], context('HE', ['cm-he', 'ct-he']));
    expect(facts.map((f) => [f.carrierId, f.category, f.source.paragraphs])).toEqual([
      ['cm-he', 'complaint_stats', [8]],
      ['ct-he', 'complaint_stats', [8]],
      [null, 'province_appeals', [8]],
    ]);
    expect(byOwner(facts)).toEqual({
      'cm-he': [
        [402, '件', '1月', undefined],
        [351, '件', '2月', undefined],
        [753, '件', '合计', undefined],
        [6.2, '%', '环比', '环比down'],
      ],
      'ct-he': [
        [263, '件', '1月', undefined],
        [240, '件', '2月', undefined],
        [503, '件', '合计', undefined],
        [0, '', '环比', '环比flat'],
      ],
      region: [
        [665, '件', '1月', undefined],
        [591, '件', '2月', undefined],
        [1256, '件', '合计', undefined],
        [4.4, '%', '环比', '环比down'],
      ],
    });
    for (const f of facts) expect(f.region).toEqual({ province: 'HE' });
  });

  it('reads a table printed one row per paragraph', () => {
    const rows = ['企业 | 1月 | 2月', '河北移动 | 402 | 351', '河北电信 | 263 | 240'];
    const facts = buildFacts(rows.map((r, i) => placement(i + 3, r)), context('HE', ['cm-he', 'ct-he']));
    expect(facts.map((f) => [f.carrierId, f.figures.map((x) => x.value), f.source.paragraphs])).toEqual([
      ['cm-he', [402, 351], [3, 4, 5]],
      ['ct-he', [263, 240], [3, 4, 5]],
    ]);
  });

  it('a bare group word in a provincial table names the province branch, added through addCarrier', () => {
    const added: Array<[string, CarrierRef]> = [];
    const ctx = context('SX', [], { addCarrier: (id, ref) => added.push([id, ref]) });
    const facts = buildFacts([placement(1, '表1 各企业用户申诉率(件/百万用户)'), placement(2, '企业 | 本季度\n移动 | 1.92\n中国联通 | 2.40\n合计 | 2.05')], ctx);
    expect(facts.map((f) => [f.carrierId, f.region, f.figures[0]?.value])).toEqual([
      ['cm-sx', { province: 'SX' }, 1.92],
      ['cu-sx', { province: 'SX' }, 2.4],
      [null, { province: 'SX' }, 2.05],
    ]);
    expect(added).toEqual([
      ['cm-sx', { group: 'cm', region: { province: 'SX' } }],
      ['cu-sx', { group: 'cu', region: { province: 'SX' } }],
    ]);
  });

  it('rows named the older regulator’s way (省电信公司) are the bulletin’s province branches', () => {
    const added: string[] = [];
    const ctx = context('JL', [], { addCarrier: (id) => added.push(id) });
    const facts = buildFacts([placement(1, '表1 各企业申诉情况(单位:件)'), placement(2, '企业 | 合计\n省电信公司 | 124\n省移动公司 | 196\n全省 | 320')], ctx);
    expect(facts.map((f) => [f.carrierId, f.figures[0]?.value, f.figures[0]?.unit])).toEqual([
      ['ct-jl', 124, '件'],
      ['cm-jl', 196, '件'],
      [null, 320, '件'],
    ]);
    expect(added).toEqual(['ct-jl', 'cm-jl']);
  });

  it('in a national bulletin a group word is the group', () => {
    const facts = buildFacts([placement(1, '企业 | 申诉率(件/百万用户)\n中国移动 | 1.1\n中国电信 | 1.7')], context('CN', ['cm', 'ct']));
    expect(facts.map((f) => [f.carrierId, f.region])).toEqual([
      ['cm', { province: 'CN' }],
      ['ct', { province: 'CN' }],
    ]);
  });

  it('without addCarrier an unknown row stays with the paragraph’s owner', () => {
    const facts = buildFacts([placement(2, '企业 | 本季度\n移动 | 1.92\n联通 | 2.40')], context('SX', []));
    expect(facts.map((f) => f.carrierId)).toEqual([null, null]);
  });

  it('a row that names a topic, not an owner, names the figure', () => {
    const facts = buildFacts([placement(2, '问题类型 | 申诉量(件)\n资费争议 | 812\n网络质量 | 436')], context('HE', []));
    expect(facts.flatMap((f) => f.figures.map((x) => [x.label, x.value]))).toEqual([
      ['资费争议申诉量', 812],
      ['网络质量申诉量', 436],
    ]);
  });
});

describe('a web page with a table, through readSource and parseBulletin', () => {
  it('gives each row’s figures to its carrier and the 全省 row to the province, with columns', async () => {
    const file = fileURLToPath(new URL('../fixtures/figures/quarter-table.html', import.meta.url));
    const { text } = await readSource(file);
    const parsed = parseBulletin(text, 'test/fixtures/figures/quarter-table.html');
    expect(parsed.carriers.map((c) => c.id)).toEqual(['cbn-he', 'cm-he', 'ct-he', 'cu-he']);
    const rows = parsed.facts.filter((f) => f.figures.some((x) => x.column));
    expect(byOwner(rows)).toEqual({
      'cm-he': [[402, '件', '1月', undefined], [351, '件', '2月', undefined], [388, '件', '3月', undefined], [1141, '件', '合计', undefined], [6.2, '%', '环比', '环比down']],
      'ct-he': [[263, '件', '1月', undefined], [240, '件', '2月', undefined], [281, '件', '3月', undefined], [784, '件', '合计', undefined], [3, '%', '环比', '环比up']],
      'cu-he': [[311, '件', '1月', undefined], [296, '件', '2月', undefined], [342, '件', '3月', undefined], [949, '件', '合计', undefined], [8.1, '%', '环比', '环比down']],
      'cbn-he': [[29, '件', '1月', undefined], [27, '件', '2月', undefined], [31, '件', '3月', undefined], [87, '件', '合计', undefined], [0, '', '环比', '环比flat']],
      region: [[1005, '件', '1月', undefined], [914, '件', '2月', undefined], [1042, '件', '3月', undefined], [2961, '件', '合计', undefined], [4.4, '%', '环比', '环比down']],
    });
    for (const f of rows) for (const x of f.figures) expect(x.label).toBe('申诉');
    // The caption paragraph is the table's, not a fact of its own.
    expect(parsed.facts.some((f) => f.text.startsWith('表2'))).toBe(false);
  });
});

describe('tables as plain-text bulletins draw them', () => {
  /** owner → "value unit column" per table figure of a whole bulletin. */
  const tableFiguresOf = (text: string): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const f of parseBulletin(text, 'x.txt').facts.filter((x) => x.figures.some((g) => g.column))) {
      out[f.carrierId ?? 'region'] = f.figures.map((x) => `${x.value}${x.unit} ${x.column}`);
    }
    return out;
  };
  const head = (province: string): string =>
    `${province}通信管理局关于2011年第二季度电信服务质量的通告\n\n二季度，全省共受理用户申诉2380件，环比上升4.1%。\n\n`;

  it('box-drawing characters are cell bars and rules; a unit wrapped onto a second header line stays its column’s', () => {
    const box = [
      '附件：2011年二季度各企业申诉统计表',
      '',
      '┌────────┬──────┬──────┬────────┐',
      '│企业    │资费  │合计  │较上季度│',
      '│        │（件）│（件）│        │',
      '├────────┼──────┼──────┼────────┤',
      '│甘肃电信│318   │702   │3.5%    │',
      '├────────┼──────┼──────┼────────┤',
      '│甘肃移动│455   │1094  │-1.8%   │',
      '└────────┴──────┴──────┴────────┘',
    ].join('\n');
    expect(tableFiguresOf(`${head('甘肃省')}${box}\n\n甘肃省通信管理局\n2011年7月20日`)).toEqual({
      'ct-gs': ['318件 资费(件)', '702件 合计(件)', '3.5% 较上季度'],
      'cm-gs': ['455件 资费(件)', '1094件 合计(件)', '1.8% 较上季度'],
    });
  });

  it('a caption with two spaces after 表N stays the caption of a tab table, and its 单位 gives bare numbers their unit', () => {
    const table = ['表2  二季度各企业用户申诉量（单位：件）', '企业\t4月\t5月\t6月\t环比', '贵州移动\t210\t198\t233\t-3.3%', '贵州联通\t141\t156\t149\t8.0%'].join('\n');
    expect(tableFiguresOf(`${head('贵州省')}${table}\n\n贵州省通信管理局\n2011年7月15日`)).toEqual({
      'cm-gz': ['210件 4月', '198件 5月', '233件 6月', '3.3% 环比'],
      'cu-gz': ['141件 4月', '156件 5月', '149件 6月', '8% 环比'],
    });
  });

  it('rows after a page break (a blank line) keep the header and unit of the table before them', () => {
    const table = ['表1 各企业申诉情况', '', '企业  申诉量（件）  申诉率（件/百万用户）', '广西移动  802  2.41', '广西电信  377  3.12', '', '广西联通  395  3.66', '合计  1574  2.77'].join('\n');
    expect(tableFiguresOf(`${head('广西壮族自治区')}${table}\n\n广西壮族自治区通信管理局\n2011年7月18日`)).toEqual({
      'cm-gx': ['802件 申诉量(件)', '2.41件/百万用户 申诉率(件/百万用户)'],
      'ct-gx': ['377件 申诉量(件)', '3.12件/百万用户 申诉率(件/百万用户)'],
      'cu-gx': ['395件 申诉量(件)', '3.66件/百万用户 申诉率(件/百万用户)'],
      region: ['1574件 申诉量(件)', '2.77件/百万用户 申诉率(件/百万用户)'],
    });
  });

  it('a block of prose lines is never taken for rows of the table before it', () => {
    const table = ['表1 各企业申诉情况（单位：件）', '企业  4月  5月', '广西移动  270  266', '广西电信  121  130', '', '广西联通申诉量环比下降，', '服务类申诉占比最高。'].join('\n');
    expect(Object.keys(tableFiguresOf(`${head('广西壮族自治区')}${table}`))).toEqual(['cm-gx', 'ct-gx']);
  });
});
