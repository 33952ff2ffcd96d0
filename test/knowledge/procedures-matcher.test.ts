import { describe, expect, it } from 'vitest';
import { contextKey, contextFromKey, parseComplaintQuery } from '../../knowledge/complaints/complaint-context.ts';
import { problemMatcher } from '../../knowledge/complaints/problem-matcher.ts';
import type { ProblemTypeId } from '../../knowledge/complaints/procedures.ts';
import { shippedKnowledge } from '../helpers/knowledge.ts';

/** How staff and consumers put it, and the type it must map to without asking. */
const SURE: Array<[phrase: string, type: ProblemTypeId]> = [
  ['乱扣费', 'billing'],
  ['话费莫名其妙被扣了', 'billing'],
  ['每个月多扣我20块钱', 'billing'],
  ['开通了增值业务自己不知道', 'billing'],
  ['流量费太高了要求退费', 'billing'],
  ['不明扣费', 'billing'],
  ['账单不对', 'billing'],
  ['宽带老断', 'network'],
  ['家里宽带网速慢', 'network'],
  ['手机没信号', 'network'],
  ['上不了网', 'network'],
  ['光猫坏了报修没人来', 'network'],
  ['WiFi 经常掉线', 'network'],
  ['5G信号差', 'network'],
  ['套餐被改了', 'plan'],
  ['营业员忽悠我办了合约机', 'plan'],
  ['不让降档', 'plan'],
  ['违约金太高', 'plan'],
  ['承诺的优惠没有兑现', 'plan'],
  ['销户不给销', 'plan'],
  ['携号转网', 'porting'],
  ['不给携转', 'porting'],
  ['想转到联通不让转', 'porting'],
  ['授权码收不到', 'porting'],
  ['骚扰电话', 'spam'],
  ['天天收到垃圾短信', 'spam'],
  ['推销电话太多', 'spam'],
  ['营销电话打个不停', 'spam'],
  ['响一声就挂', 'spam'],
  ['被骗了', 'fraud'],
  ['电信诈骗', 'fraud'],
  ['冒充客服让我转账', 'fraud'],
  ['接到96110的电话', 'fraud'],
  ['收到12381短信', 'fraud'],
  ['刷单被骗钱', 'fraud'],
  ['个人信息泄露', 'privacy'],
  ['名下多了一张卡不是我办的', 'privacy'],
  ['身份证被冒名开卡', 'privacy'],
  ['营业厅态度差', 'service'],
  ['老人不会用智能手机', 'service'],
  ['打客服一直转不了人工', 'service'],
  ['排队两个小时', 'service'],
  ['网购退货商家不理', 'other'],
  ['买的手机质量问题', 'other'],
  ['健身卡商家跑路', 'other'],
  ['超市买到假货', 'other'],
  // Traditional characters and full-width forms are folded first.
  ['寬帶老斷', 'network'],
  ['騷擾電話', 'spam'],
];

describe('free text → problem type', () => {
  const matcher = problemMatcher();

  it('has a table of at least 40 phrasings', () => {
    expect(SURE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(SURE)('%s → %s', (phrase, type) => {
    const guess = matcher.guess(phrase);
    expect(guess.kind === 'sure' ? guess.problem : guess).toBe(type);
  });

  it('offers the close types when a phrase fits several', () => {
    const guess = matcher.guess('话费被扣还一直收到垃圾短信');
    expect(guess).toMatchObject({ kind: 'unsure', candidates: ['billing', 'spam'] });
    expect(matcher.guess('信息泄露后接到诈骗电话')).toMatchObject({ kind: 'unsure', candidates: expect.arrayContaining(['privacy', 'fraud']) });
  });

  it('treats one weak word as a hint, not an answer', () => {
    expect(matcher.guess('短信')).toMatchObject({ kind: 'unsure', candidates: ['spam'] });
  });

  it('knows when it does not know', () => {
    for (const phrase of ['手机', '你好', 'asdf', '']) expect(matcher.guess(phrase).kind).toBe('none');
  });

  it('lets the longest keyword win: 营销电话 is spam, not a plan', () => {
    expect(matcher.scores('营销电话').map((s) => s.problem)).toEqual(['spam']);
  });
});

describe('/complain arguments → carrier context and problem', () => {
  const kb = shippedKnowledge();
  const table: Array<[query: string, key: string, rest: string]> = [
    ['吉林电信 宽带', 'ct-jl', '宽带'],
    ['吉林电信宽带', 'ct-jl', '宽带'],
    ['宽带 电信 吉林', 'ct-jl', '宽带'],
    ['jldx 套餐', 'ct-jl', '套餐'],
    ['长春电信 营业厅态度差', 'ct-jl', '营业厅态度差'],
    ['十堰电信 乱扣费', 'ct-hb-shiyan', '乱扣费'],
    // Not covered: still the group's hotline and the province's appeal centre.
    ['北京移动 乱扣费', 'cm-bj', '乱扣费'],
    ['上海联通携号转网', 'cu-sh', '携号转网'],
    // A group alone is not a carrier, even when the knowledge base has one branch of it.
    ['移动 乱扣费', 'cm', '乱扣费'],
    ['移动乱扣费', 'cm', '乱扣费'],
    ['十堰 宽带', 'x-hb-shiyan', '宽带'],
    ['吉林', 'x-jl', ''],
    ['宽带老断', 'x', '宽带老断'],
    // A keyword spanning the would-be cut keeps the words together.
    ['电信诈骗', 'x', '电信诈骗'],
    ['被骗了', 'x', '被骗了'],
  ];

  it.each(table)('%s → %s + “%s”', (query, key, rest) => {
    const parsed = parseComplaintQuery(query, kb);
    expect(contextKey(parsed.context)).toBe(key);
    expect(parsed.rest).toBe(rest);
  });

  it('turns keys back into contexts, and refuses forged ones', () => {
    expect(contextFromKey('ct-jl', kb)?.carrier?.shortName).toBe('吉林电信');
    expect(contextFromKey('cm-bj', kb)).toEqual({ group: 'cm', region: { province: 'BJ' } });
    expect(contextFromKey('x-hb-shiyan', kb)).toEqual({ region: { province: 'HB', city: 'shiyan' } });
    expect(contextFromKey('x', kb)).toEqual({});
    for (const bad of ['zz', 'cm-qq', 'ct-hb-nowhere', 'ct-JL', '']) expect(contextFromKey(bad, kb), bad).toBeUndefined();
  });
});
