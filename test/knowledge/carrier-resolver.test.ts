import { describe, expect, it } from 'vitest';
import { CarrierResolver, type Resolution } from '../../knowledge/search/carrier-resolver.ts';
import { groups } from '../../knowledge/groups.ts';
import { regionIndex } from '../../knowledge/regions.ts';
import { makeCarrier } from '../helpers/carriers.ts';
import { shippedKnowledge } from '../helpers/knowledge.ts';

/** What a query should give: a carrier id, candidates (in order), not found, or an empty query. */
type Expect = string | { candidates: string[] } | 'not_found' | 'empty';

function outcome(r: Resolution): Expect {
  switch (r.kind) {
    case 'found':
      return r.carrier.id;
    case 'candidates':
      return { candidates: r.carriers.map((c) => c.id) };
    case 'not_found':
      return 'not_found';
    case 'empty':
      return 'empty';
  }
}

describe('carrier resolver on the shipped knowledge', () => {
  const resolver = shippedKnowledge().resolver;
  const table: Array<[string, string, Expect]> = [
    // Exact, short and legal names
    ['short name', '吉林电信', 'ct-jl'],
    ['short name', '吉林移动', 'cm-jl'],
    ['short name', '吉林联通', 'cu-jl'],
    ['short name', '十堰电信', 'ct-hb-shiyan'],
    ['legal name', '中国电信股份有限公司吉林分公司', 'ct-jl'],
    ['legal name', '中国移动通信集团吉林有限公司', 'cm-jl'],
    ['legal name', '中国联合网络通信有限公司吉林省分公司', 'cu-jl'],
    ['legal name', '中国电信十堰分公司', 'ct-hb-shiyan'],
    ['alias in text', '中国电信吉林公司', 'ct-jl'],
    ['alias in text', '中国移动吉林公司', 'cm-jl'],
    ['near-legal', '中国联通吉林分公司', 'cu-jl'],
    ['near-legal', '中国电信吉林分公司', 'ct-jl'],
    ['province suffix', '吉林省电信', 'ct-jl'],
    ['province suffix', '吉林省联通公司', 'cu-jl'],
    // Word order and spaces
    ['order', '电信 吉林', 'ct-jl'],
    ['order', '移动吉林', 'cm-jl'],
    ['spaces', '  吉林 联通  ', 'cu-jl'],
    ['order', '联通 吉林省', 'cu-jl'],
    // Traditional characters
    ['traditional', '吉林電信', 'ct-jl'],
    ['traditional', '吉林聯通', 'cu-jl'],
    ['traditional', '中國移動吉林公司', 'cm-jl'],
    ['traditional', '十堰電信', 'ct-hb-shiyan'],
    // Pinyin and initials
    ['pinyin', 'jilindianxin', 'ct-jl'],
    ['initials', 'jldx', 'ct-jl'],
    ['initials', 'jlyd', 'cm-jl'],
    ['initials', 'JLLT', 'cu-jl'],
    ['pinyin', 'JiLin YiDong', 'cm-jl'],
    ['pinyin', 'shiyandianxin', 'ct-hb-shiyan'],
    ['pinyin', 'jilin liantong', 'cu-jl'],
    ['pinyin order', 'dianxin jilin', 'ct-jl'],
    ['initials', 'sydx', 'ct-hb-shiyan'],
    // English
    ['english', 'China Telecom Jilin', 'ct-jl'],
    ['english', 'China Mobile Jilin', 'cm-jl'],
    ['english', 'Jilin Unicom', 'cu-jl'],
    ['english', 'china unicom jilin', 'cu-jl'],
    ['english', 'Shiyan Telecom', 'ct-hb-shiyan'],
    // Typos and homophones
    ['misnomer', '吉林电讯', 'ct-jl'],
    ['homophone', '吉林连通', 'cu-jl'],
    ['homophone', '吉林移东', 'cm-jl'],
    ['traditional misnomer', '吉林電訊', 'ct-jl'],
    ['homophone', '急林电信', 'ct-jl'],
    ['misnomer', '十堰电讯', 'ct-hb-shiyan'],
    ['homophone', '吉林联同', 'cu-jl'],
    // Cities map to the province branch unless a city branch exists
    ['city', '长春电信', 'ct-jl'],
    ['city', '延边联通', 'cu-jl'],
    ['city', '四平移动', 'cm-jl'],
    ['city', '白城电信', 'ct-jl'],
    ['city', '吉林市移动', 'cm-jl'],
    ['city', '延边州联通', 'cu-jl'],
    ['city pinyin', 'changchun dianxin', 'ct-jl'],
    ['province+city', '湖北十堰电信', 'ct-hb-shiyan'],
    ['city branch', '十堰市电信', 'ct-hb-shiyan'],
    // Too general or ambiguous
    ['group only', '电信', { candidates: ['ct-hb-shiyan', 'ct-jl'] }],
    ['region only', '吉林', { candidates: ['cm-jl', 'cu-jl', 'ct-jl'] }],
    ['group initials', 'dx', { candidates: ['ct-hb-shiyan', 'ct-jl'] }],
    ['province without its own branch', '湖北电信', { candidates: ['ct-hb-shiyan'] }],
    ['single group member', '联通', 'cu-jl'],
    // Not found
    ['other province', '北京移动', 'not_found'],
    ['other province', '广东联通', 'not_found'],
    ['other province', '上海电信', 'not_found'],
    ['city without branch, province without branch', '十堰移动', 'not_found'],
    ['group not present', '长春广电', 'not_found'],
    ['not a carrier', '中国铁塔', 'not_found'],
    ['gibberish', 'xyzzy', 'not_found'],
    ['empty', '', 'empty'],
    ['only punctuation', '!!!', 'empty'],
  ];

  it('covers at least 60 queries', () => expect(table.length).toBeGreaterThanOrEqual(60));

  it.each(table)('%s: %s', (_class, query, expected) => {
    expect(outcome(resolver.resolve(query))).toEqual(expected);
  });

  it('says when a city was mapped to its province branch', () => {
    const r = resolver.resolve('长春电信');
    expect(r).toMatchObject({ kind: 'found', viaCity: { province: 'JL', city: 'changchun' } });
    expect(resolver.resolve('吉林电信')).not.toHaveProperty('viaCity');
    expect(resolver.resolve('China Telecom Jilin')).not.toHaveProperty('viaCity');
  });

  it('reports what an unknown carrier was understood as, and offers the same group', () => {
    const r = resolver.resolve('北京移动');
    expect(r).toMatchObject({ kind: 'not_found', understood: '北京移动' });
    expect(r.kind === 'not_found' && r.suggestions.map((c) => c.id)).toEqual(['cm-jl']);
  });

  it('offers similar names for a typo it cannot parse', () => {
    const r = resolver.resolve('吉林电倍');
    expect(r.kind).toBe('candidates');
    expect(r.kind === 'candidates' && r.carriers[0]?.id).toBe('ct-jl');
  });
});

describe('carrier resolver at national scale', () => {
  const carriers = [
    makeCarrier('cm', 'GD'),
    makeCarrier('cu', 'GD'),
    makeCarrier('ct', 'GD'),
    makeCarrier('cbn', 'GD'),
    makeCarrier('ct', 'GD', 'shenzhen'),
    makeCarrier('cm', 'SX'),
    makeCarrier('cm', 'SN'),
    makeCarrier('ct', 'NM'),
    makeCarrier('ct', 'XZ'),
    makeCarrier('cu', 'XJ'),
    makeCarrier('cm', 'HB', 'wuhan'),
    makeCarrier('cu', 'HL'),
    makeCarrier('cbn', 'CQ'),
  ];
  const resolver = new CarrierResolver(carriers, regionIndex(), groups());
  const table: Array<[string, Expect]> = [
    ['深圳电信', 'ct-gd-shenzhen'],
    ['广州电信', 'ct-gd'],
    ['广东广电', 'cbn-gd'],
    ['中国广电广东网络股份有限公司', 'cbn-gd'],
    ['guangdong broadnet', 'cbn-gd'],
    ['gdgd', 'cbn-gd'],
    ['陕西移动', 'cm-sn'],
    ['Shaanxi Mobile', 'cm-sn'],
    ['shanxi yidong', { candidates: ['cm-sx', 'cm-sn'] }],
    ['西安移动', 'cm-sn'],
    ['太原移动', 'cm-sx'],
    ['内蒙古电信', 'ct-nm'],
    ['呼和浩特电信', 'ct-nm'],
    ['Inner Mongolia Telecom', 'ct-nm'],
    ['nmgdx', 'ct-nm'],
    ['西藏电信', 'ct-xz'],
    ['Tibet Telecom', 'ct-xz'],
    ['拉萨电信', 'ct-xz'],
    ['新疆联通', 'cu-xj'],
    ['乌鲁木齐联通', 'cu-xj'],
    ['喀什联通', 'cu-xj'],
    ['伊犁州联通', 'cu-xj'],
    ['武汉移动', 'cm-hb-wuhan'],
    ['湖北移动', { candidates: ['cm-hb-wuhan'] }],
    ['黑龙江联通', 'cu-hl'],
    ['大兴安岭联通', 'cu-hl'],
    ['hljlt', 'cu-hl'],
    ['重庆广电', 'cbn-cq'],
    ['Chongqing Broadnet', 'cbn-cq'],
    ['广州', { candidates: ['cm-gd', 'cu-gd', 'ct-gd', 'cbn-gd'] }],
    ['广东', { candidates: ['cm-gd', 'cu-gd', 'ct-gd', 'cbn-gd', 'ct-gd-shenzhen'] }],
    ['北京电信', 'not_found'],
  ];
  it.each(table)('%s', (query, expected) => {
    expect(outcome(resolver.resolve(query))).toEqual(expected);
  });
});
