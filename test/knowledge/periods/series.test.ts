import { describe, expect, it } from 'vitest';
import { measureName, parseUnit, statedChange, type NameContext } from '../../../knowledge/periods/measures.ts';
import { deltaNumber, displayValue, incomparableText, periodIndex, shortPeriod, type Step } from '../../../knowledge/periods/series.ts';
import { periodKnowledge } from '../../fixtures/periods/index.ts';

const ctx: NameContext = { ownerNames: ['吉林电信', '中国电信吉林公司', '吉林省', '吉林', '全省'], cities: new Map([['长春市', 'changchun'], ['长春', 'changchun']]) };
const index = periodIndex(periodKnowledge());

/** "2024上半年 500家 +57" for each step, the way a reader would say it. */
function said(steps: readonly Step[]): string[] {
  return steps.map((s) => {
    const change = !s.change ? '' : s.change.kind === 'computed' ? ` ${deltaNumber(s.change, s.previous!.obs, s.point.obs)}` : ` ${incomparableText(s.change)}`;
    return `${shortPeriod(s.point.period)} ${displayValue(s.point.obs)}${s.point.obs.city ? `@${s.point.obs.city}` : ''}${change}${s.point.obs.stated ? ` [${s.point.obs.stated.text}]` : ''}`;
  });
}

describe('measure identity', () => {
  it('names the same thing the same way however a bulletin words it', () => {
    expect(measureName('爱心翼站已拓展', ctx)?.name).toBe('爱心翼站');
    expect(measureName('建成爱心翼站', ctx)?.name).toBe('爱心翼站');
    expect(measureName('吉林电信爱心翼站已拓展到', ctx)?.name).toBe('爱心翼站');
    expect(measureName('爱心翼站数量增', ctx)?.name).toBe('爱心翼站');
    // A verb with nothing counted after it names no measure, so two carriers' 下设 are never compared.
    expect(measureName('下设', ctx)).toBeUndefined();
    expect(measureName('吉林电信开通', ctx)).toBeUndefined();
    expect(measureName('分公司及', ctx)?.name).toBe('分公司');
    expect(measureName('受理用户申诉', ctx)?.name).toBe('申诉');
    expect(measureName('吉林省电信用户申诉受理中心共受理用户申诉', ctx)?.name).toBe('申诉');
    expect(measureName('上半年客服热线为老年用户提供一键接入人工服务', ctx)?.name).toBe('一键接入人工服务');
    expect(measureName('2023年受惠用户数', ctx)?.name).toBe('受惠用户数');
    // Verb first or noun first, as older and newer parser labels have it.
    expect(measureName('累计拦截垃圾短彩信', ctx)?.name).toBe('垃圾短彩信拦截');
    expect(measureName('垃圾短彩信拦截', ctx)?.name).toBe('垃圾短彩信拦截');
  });

  it('keeps what belongs to the name (5G, 100Mbps) and narrows the scope for a city', () => {
    expect(measureName('5G网络覆盖率', ctx)?.name).toBe('5G网络覆盖率');
    expect(measureName('长春市受理用户申诉', ctx)).toEqual({ name: '申诉', city: 'changchun' });
    expect(measureName('吉林电信', ctx)).toBeUndefined();
  });

  it('splits units into base and multiplier, rates kept whole', () => {
    expect(parseUnit('万人次')).toEqual({ base: '人次', scale: 1e4 });
    expect(parseUnit('亿条')).toEqual({ base: '条', scale: 1e8 });
    expect(parseUnit('件/百万用户')).toEqual({ base: '件/百万用户', scale: 1 });
    expect(parseUnit('%')).toEqual({ base: '%', scale: 1 });
  });

  it('reads a change a bulletin states, from the parser or from the label', () => {
    expect(statedChange({ value: 7.6, unit: '%', raw: '7.6%', label: '环比上涨' })).toEqual({ text: '环比上涨7.6%', direction: 'up' });
    expect(statedChange({ value: 24, unit: '%', raw: '同比下降24%', change: { basis: '同比', direction: 'down' } })).toEqual({ text: '同比下降24%', direction: 'down' });
    expect(statedChange({ value: 443, unit: '家', raw: '443家', label: '爱心翼站' })).toBeUndefined();
  });
});

describe('series and honest changes', () => {
  it('follows a renamed measure across periods and half-years, and will not subtract a quarter from a half-year', () => {
    expect(said(index.steps('ct-jl', '爱心翼站'))).toEqual([
      '2023下半年 443家',
      '2024上半年 500家 +57',
      '2024下半年 520家 +20',
      '2025第一季度 531家 口径不同:周期不同(半年/季度)',
    ]);
  });

  it('says 口径不同 for a city-only figure and keeps stated changes apart from computed ones', () => {
    expect(said(index.steps('JL', '申诉'))).toEqual([
      '2023下半年 8483件',
      '2024第一季度 4210件 口径不同:周期不同(半年/季度)',
      '2024上半年 9126件 +643 [环比上涨7.6%]',
      '2024下半年 3105件@changchun 口径不同:范围不同',
      '2025第一季度 3980件 口径不同:范围不同、周期不同(半年/季度) [环比下降5.5%]',
    ]);
  });

  it('compares a half-year with the half-year before, not with the quarter inside it', () => {
    const step = index.stepAt('JL', '申诉', { year: 2024, half: 1 })!;
    expect(shortPeriod(step.previous!.period)).toBe('2023下半年');
  });

  it('carries qualifiers through: 近1.7亿 → 超1.6亿 is an approximate fall', () => {
    expect(said(index.steps('cm-jl', '垃圾短彩信拦截'))).toEqual(['2023下半年 1.84亿条', '2024上半年 近1.7亿条 约-0.14亿', '2024下半年 超1.6亿条 约-0.1亿']);
  });

  it('gives rates in 个百分点 and scaled counts in their own unit; a city named first in a sentence covers its later figures', () => {
    expect(said(index.steps('JL', '和解率')).slice(2, 4)).toEqual(['2024上半年 57.01% +2.17个百分点', '2024下半年 58.3%@changchun 口径不同:范围不同']);
    expect(said(index.steps('cu-jl', '一键接入人工服务')).slice(0, 2)).toEqual(['2023下半年 33.9万人次', '2024上半年 36.2万人次 +2.3万']);
  });

  it('borrows the measure for a bare carrier name from the sentence before (吉林电信为0.55件/百万用户)', () => {
    expect(said(index.steps('ct-jl', '申告率'))).toEqual(['2024第一季度 0.55件/百万用户', '2025第一季度 0.51件/百万用户 -0.04']);
  });

  it('keeps a carrier that stopped reporting out of later periods', () => {
    expect(index.periods('cu-jl').map(shortPeriod)).toEqual(['2025第一季度', '2024上半年', '2024第一季度', '2023下半年']);
  });

  it('builds the national quarterly series', () => {
    expect(said(index.steps('CN', '骚扰电话投诉'))).toEqual([
      '2024第一季度 30.1万件 [环比下降8.2%]',
      '2024第二季度 26.8万件 -3.3万 [环比下降4.3%]',
      '2024第三季度 24.2万件 -2.6万 [环比下降9.7%]',
      '2024第四季度 25.5万件 +1.3万 [环比上升5.4%]',
    ]);
  });

  it('matches words a user types to an owner’s measure names', () => {
    expect(index.match('ct-jl', '爱心翼站')).toBe('爱心翼站');
    expect(index.match('JL', '申诉')).toBe('申诉');
    expect(index.match('CN', '骚扰电话')).toBe('骚扰电话投诉');
    expect(index.match('cu-jl', '一键接入人工')).toBe('一键接入人工服务');
    expect(index.match('ct-jl', '完全无关的话题')).toBeUndefined();
  });
});
