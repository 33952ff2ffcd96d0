import { describe, expect, it } from 'vitest';
import { extractFigures } from '../../knowledge/ingest/figures.ts';

describe('figure extraction', () => {
  it.each([
    ['用户总数达到3366.91万户', { value: 3366.91, unit: '万户', raw: '3366.91万户', label: '用户总数' }],
    ['累计拦截垃圾短彩信1.84亿条', { value: 1.84, unit: '亿条', label: '垃圾短彩信拦截' }],
    ['和解率54.84%', { value: 54.84, unit: '%', label: '和解率' }],
    ['共建设“12315消费维权站”8个', { value: 8, unit: '个' }],
    ['1132家自有营业厅', { value: 1132, unit: '家', label: '自有营业厅' }],
    ['抢修人员1307人次', { value: 1307, unit: '人次' }],
    ['抢修车辆537车次', { value: 537, unit: '车次' }],
    ['油机633台次', { value: 633, unit: '台次' }],
    ['策划组织2721场活动', { value: 2721, unit: '场' }],
    ['破获涉诈案件206起', { value: 206, unit: '起' }],
    ['受理用户申诉8483件', { value: 8483, unit: '件', label: '用户申诉' }],
    ['让利金额974.11万元', { value: 974.11, unit: '万元' }],
    ['新建光伏系统容量485kWp', { value: 485, unit: 'kWp' }],
    ['出口带宽能力达到1380G', { value: 1380, unit: 'G' }],
    ['申告率为0.52件/百万用户', { value: 0.52, unit: '件/百万用户', label: '申告率' }],
  ])('%s', (text, expected) => {
    expect(extractFigures(text)).toEqual([expect.objectContaining(expected)]);
  });

  it.each([
    ['域名21亿余个', { value: 21, unit: '亿个', qualifier: '余' }],
    ['共建共享4G网络9.42万余个小区', { value: 9.42, unit: '万个', qualifier: '余' }],
    ['宏站达到13000余站', { value: 13000, unit: '站', qualifier: '余' }],
    ['用户规模已超1629万', { value: 1629, unit: '万', qualifier: '超' }],
    ['开通5G基站超过6000个', { value: 6000, unit: '个', qualifier: '超' }],
    ['覆盖率提升至98%以上', { value: 98, unit: '%', qualifier: '以上' }],
    ['累计开通1000+个站点', { value: 1000, unit: '个', qualifier: '+' }],
    ['约3000万户', { value: 3000, unit: '万户', qualifier: '约' }],
    ['近500家', { value: 500, unit: '家', qualifier: '近' }],
  ])('qualifier: %s', (text, expected) => {
    expect(extractFigures(text)).toEqual([expect.objectContaining(expected)]);
  });

  it.each([
    ['同比下降24%', { basis: '同比', direction: 'down' }],
    ['同比上升52.38%', { basis: '同比', direction: 'up' }],
    ['环比增长3.5%', { basis: '环比', direction: 'up' }],
    ['环比下降了1.2个百分点', { basis: '环比', direction: 'down' }],
    ['定比2022年末提升0.5%', { basis: '定比', direction: 'up', since: '2022年末' }],
    ['较上年减少12件', { basis: '同比', direction: 'down' }],
  ])('change: %s', (text, change) => {
    const [f] = extractFigures(text);
    expect(f?.change).toEqual(change);
  });

  it('gives a change the label of the figure it follows', () => {
    const figures = extractFigures('骚扰电话月均被举报号码量185件,同比下降24%');
    expect(figures.map((f) => [f.raw, f.label])).toEqual([
      ['185件', '骚扰电话月均被举报号码量'],
      ['同比下降24%', '骚扰电话月均被举报号码量'],
    ]);
  });

  it.each([
    ['2023年下半年'],
    ['截至2023年12月'],
    ['开通5G基站'],
    ['4/5G网络的协同演进'],
    ['拨打12315或12300'],
    ['10000号尊享服务'],
    ['通过了ISO9001/20000/27001认证'],
    ['YD/T2400-2012标准'],
    ['7×24小时值班'],
    ['数字乡村领域累计签约'],
  ])('not a figure: %s', (text) => {
    expect(extractFigures(text)).toEqual([]);
  });

  it('does not take 签约 for the qualifier 约', () => {
    expect(extractFigures('累计签约7000万元')).toEqual([expect.objectContaining({ value: 7000, unit: '万元', raw: '7000万元' })]);
  });
});
