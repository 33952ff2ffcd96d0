import { describe, expect, it } from 'vitest';
import type { Fact } from '../../knowledge/schema.ts';
import { parseShipped } from '../helpers/knowledge.ts';

const jilin = parseShipped('000');
const shiyan = parseShipped('001');

function factWith(facts: readonly Fact[], needle: string): Fact {
  const found = facts.filter((f) => f.text.includes(needle));
  expect(found, `exactly one fact containing “${needle}”`).toHaveLength(1);
  return found[0]!;
}

describe('seed bulletin 000: 2023年下半年吉林省电信服务质量通告', () => {
  it('reads the bulletin metadata', () => {
    expect(jilin.bulletin).toMatchObject({
      id: 'jl-2023h2-official',
      title: '2023年下半年吉林省电信服务质量通告',
      issuer: '吉林省通信管理局',
      region: { province: 'JL' },
      period: { year: 2023, half: 2 },
      kind: 'official',
    });
  });

  it('finds the three province branches with their legal names and hotlines, and no carrier in the title', () => {
    expect(jilin.carriers.map((c) => [c.id, c.shortName, c.legalName, c.hotline])).toEqual([
      ['cm-jl', '吉林移动', '中国移动通信集团吉林有限公司', '10086'],
      ['ct-jl', '吉林电信', '中国电信股份有限公司吉林分公司', '10000'],
      ['cu-jl', '吉林联通', '中国联合网络通信有限公司吉林省分公司', '10010'],
    ]);
    expect(jilin.carriers.find((c) => c.id === 'ct-jl')?.aliases).toContain('中国电信吉林公司');
  });

  it.each([
    ['拦截垃圾短彩信1.84亿条', 'cm-jl', ['spam', 'anti_fraud']],
    ['1132家自有营业厅设置了爱心座椅', 'cu-jl', ['elder']],
    ['爱心翼站已拓展到443家', 'ct-jl', ['elder']],
    ['受理用户申诉8483件', null, ['province_appeals']],
    ['客服热线为老年人提供一键接入人工服务33.9万人次', 'cu-jl', ['elder']],
    ['新建光伏系统容量485kWp', 'cm-jl', ['green']],
    ['全年累计出动抢修人员1307人次', 'cm-jl', ['emergency']],
    ['高效地完成了77场重大活动通信保障任务', 'ct-jl', ['emergency']],
    ['协助公安机关破获涉诈案件206起', 'cm-jl', ['anti_fraud']],
    ['全省电话用户总数达到3366.91万户', null, ['province_users']],
    ['2023年受惠用户数5.27万户', 'ct-jl', ['rural']],
  ])('attributes “%s” to %s', (needle, carrierId, categories) => {
    const f = factWith(jilin.facts, needle);
    expect(f.carrierId).toBe(carrierId);
    expect(categories).toContain(f.category);
    expect(f.region).toEqual({ province: 'JL' });
    expect(f.source.bulletinId).toBe('jl-2023h2-official');
  });

  it('keeps the appeal figures together with their source paragraph', () => {
    const f = factWith(jilin.facts, '和解率54.84%');
    expect(f.carrierId).toBeNull();
    expect(f.category).toBe('province_appeals');
    expect(f.figures.map((x) => x.raw)).toEqual(
      expect.arrayContaining(['2838件', '8483件', '同比上升52.38%', '4652件', '54.84%']),
    );
    expect(f.figures.find((x) => x.raw === '54.84%')?.label).toBe('和解率');
    expect(f.figures.find((x) => x.raw === '同比上升52.38%')?.change).toEqual({ basis: '同比', direction: 'up' });
    expect(f.source.paragraphs).toEqual([102]);
  });

  it('rejoins sentences cut across page breaks, even when the tail is pages away', () => {
    expect(factWith(jilin.facts, '100Mbps及以上用户占比达92.22%').carrierId).toBeNull();
    expect(factWith(jilin.facts, '500M及以上宽带占比46.6%').carrierId).toBe('cu-jl');
    expect(factWith(jilin.facts, '深入规范营销宣传行为').carrierId).toBe('cm-jl');
    expect(factWith(jilin.facts, '全力推进有线宽带网络服务能力演进升级').carrierId).toBe('cm-jl');
    expect(factWith(jilin.facts, '立即进行“一键封堵”').carrierId).toBe('cm-jl');
    expect(factWith(jilin.facts, '覆盖乡村振兴政策资讯').carrierId).toBe('ct-jl');
    expect(jilin.report.joins).toEqual(
      expect.arrayContaining([
        { head: 5, tail: 21 },
        { head: 12, tail: 25 },
        { head: 15, tail: 47 },
        { head: 20, tail: 57 },
        { head: 45, tail: 75 },
      ]),
    );
  });

  it('never glues a fragment to the wrong head', () => {
    for (const f of jilin.facts) {
      expect(f.text).not.toMatch(/有效缓解了用到了|用户占比比|宽带占比比达|能力乡村振兴/);
      expect(f.text).not.toMatch(/^户微信群/);
    }
  });

  it('drops repeated pages: every fact appears once', () => {
    const texts = jilin.facts.map((f) => f.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(jilin.report.duplicatesDropped).toBeGreaterThanOrEqual(25);
    expect(factWith(jilin.facts, '全省已经建设7129个数字乡村').carrierId).toBe('cu-jl');
  });

  it('puts the province-wide emergency section back at province level after its out-of-order page', () => {
    expect(factWith(jilin.facts, '创新构建以长春、延边为中心').carrierId).toBeNull();
  });

  it('does not let the signature of a repeated page capture the province appeal section', () => {
    const appeals = jilin.facts.filter((f) => f.text.includes('申诉受理中心'));
    expect(appeals.length).toBeGreaterThan(0);
    for (const f of appeals) expect(f.carrierId).toBeNull();
  });

  it('cites paragraphs that exist and excerpts that start them', () => {
    for (const f of jilin.facts) {
      for (const n of f.source.paragraphs) expect(n).toBeGreaterThan(0);
      expect(f.source.excerpt.length).toBeLessThanOrEqual(31);
    }
  });

  it('is deterministic', () => {
    expect(JSON.stringify(parseShipped('000'))).toBe(JSON.stringify(jilin));
  });
});

describe('seed 001: news report on 中国电信十堰分公司', () => {
  it('reads it as a news report about a city branch in Hubei', () => {
    expect(shiyan.bulletin).toMatchObject({
      kind: 'news',
      region: { province: 'HB', city: 'shiyan' },
      period: { year: 2020 },
      issuer: '记者王雁博',
      title: '信守安全 畅通无阻——中国电信十堰分公司保障消费者权益工作纪实',
    });
    expect(shiyan.carriers.map((c) => [c.id, c.shortName, c.hotline])).toEqual([['ct-hb-shiyan', '十堰电信', '10000']]);
  });

  it('finds the 12315 consumer-rights stations', () => {
    const f = factWith(shiyan.facts, '12315消费维权站');
    expect(f.carrierId).toBe('ct-hb-shiyan');
    expect(f.category).toBe('consumer_stations');
    expect(f.figures).toEqual([expect.objectContaining({ value: 8, unit: '个', raw: '8个' })]);
  });

  it('keeps complaint figures and their changes', () => {
    const f = factWith(shiyan.facts, '投诉处理满意率99.97%');
    expect(f.figures.map((x) => x.raw)).toEqual(['同比下降了22%', '100%', '99.97%']);
    expect(f.figures[0]!.change).toEqual({ basis: '同比', direction: 'down' });
    expect(f.figures[2]!.label).toBe('投诉处理满意率');
  });

  it('rejoins the sentence cut before the company name', () => {
    expect(factWith(shiyan.facts, '展现了中国电信十堰分公司的为民情怀').carrierId).toBe('ct-hb-shiyan');
  });

  it('does not turn photo captions into facts', () => {
    for (const caption of ['抗疫情保畅通', '获评省级文明单位', '信息高速路助力脱贫攻坚']) {
      expect(shiyan.facts.some((f) => f.text.startsWith(caption))).toBe(false);
    }
  });
});
