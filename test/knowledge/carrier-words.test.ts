/**
 * Words that look like carriers and are not (电信业务, 移动通信, 北京电信网),
 * shared prefixes (江苏电信、移动、联通…省公司) and the groups beyond the
 * four consumer carriers (铁塔, 铁通, 网通, 有线).
 */
import { describe, expect, it } from 'vitest';
import { consumerGroups, group } from '../../knowledge/groups.ts';
import { carrierIdOf, MentionFinder } from '../../knowledge/ingest/carrier-mentions.ts';
import { regionIndex } from '../../knowledge/regions.ts';
import { Carrier } from '../../knowledge/schema.ts';

const finder = new MentionFinder(regionIndex());
const ids = (text: string): string[] => finder.find(text).map((m) => carrierIdOf(m.ref));
const named = (text: string): string[] => finder.find(text).map((m) => `${carrierIdOf(m.ref)}:${m.text}`);

describe('industry words are not carriers', () => {
  it.each([
    '北京电信网和互联网运行平稳',
    '北京电信业务经营许可证年检',
    '北京电信用户申诉受理中心',
    '上海电信服务质量总体稳定',
    '浙江电信和互联网行业',
    '广东电信与信息服务业',
    '江苏电信、广电行业主管部门',
    '吉林电信网络诈骗案件',
    '湖北电信设施保护',
    '四川电信市场秩序',
    '北京电信和移动互联网用户',
    '广东移动通信用户',
    '山东移动互联网接入流量',
    '河南移动电话用户总数',
    '浙江移动转售企业',
    '江西移动支付普及',
    '福建联通性测试',
    '陕西广电总局',
    '湖南广电行业',
    '江苏有线电视用户',
    '浙江有线宽带接入',
    '广西铁塔站址资源',
    '全省电信业务收入',
  ])('%s', (text) => {
    expect(ids(text)).toEqual([]);
  });
});

describe('carriers named by region and group word', () => {
  it.each([
    ['吉林电信和吉林移动', ['ct-jl:吉林电信', 'cm-jl:吉林移动']],
    ['北京电信网上营业厅', ['ct-bj:北京电信']],
    ['江苏有线', ['cbn-js:江苏有线']],
    ['江苏铁塔公司', ['tower-js:江苏铁塔公司']],
    ['吉林铁通', ['ctt-jl:吉林铁通']],
    ['北京网通', ['cnc-bj:北京网通']],
    ['浙江电信为0.52件/百万用户', ['ct-zj:浙江电信']],
    ['湖南联通申诉率', ['cu-hn:湖南联通']],
  ])('%s', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });
});

describe('a region said once for a list of companies', () => {
  it('江苏电信、移动、联通、广电、铁塔省公司 names five companies', () => {
    expect(ids('江苏电信、移动、联通、广电、铁塔省公司,江苏有线:')).toEqual(['ct-js', 'cm-js', 'cu-js', 'cbn-js', 'tower-js', 'cbn-js']);
  });

  it('陕西移动和联通公司 names two', () => {
    expect(named('陕西移动和联通公司')).toEqual(['cm-sn:陕西移动', 'cu-sn:联通公司']);
  });

  it('stops where the list turns into industry words', () => {
    expect(ids('浙江移动和电信用户')).toEqual(['cm-zj']);
    expect(ids('北京联通与移动互联网企业合作')).toEqual(['cu-bj']);
  });

  it('reads 电信 and 广电 joined to an industry word as the industry', () => {
    expect(ids('北京电信和移动互联网运行平稳')).toEqual([]);
    expect(ids('湖北电信、广电行业')).toEqual([]);
  });
});

describe('bare group words', () => {
  it('a list of them names the groups', () => {
    expect(named('三家企业中,电信、移动、联通的季度用户申诉率分别为3.1、1.8和4.0件/百万用户')).toEqual(['ct:电信', 'cm:移动', 'cu:联通']);
  });

  it('one alone names its group only as the subject of a carrier’s own measure', () => {
    expect(named('其中移动申诉率降幅最大')).toEqual(['cm:移动']);
    expect(ids('全省移动申诉率')).toEqual([]);
    expect(ids('推进移动、固定网络建设')).toEqual([]);
    expect(ids('移动、固定网络')).toEqual([]);
  });
});

describe('national groups', () => {
  it.each([
    ['中国移动和中国联通的季度用户申诉率', ['cm', 'cu']],
    ['中国铁塔股份有限公司', ['tower']],
    ['中国铁塔江苏省分公司', ['tower-js']],
    ['中国铁通集团有限公司吉林分公司', ['ctt-jl']],
    ['中国网通', ['cnc']],
    ['中国网络通信集团公司', ['cnc']],
    ['据悉,中移动将于下月起', ['cm']],
    ['其中电信用户占比', []],
    ['集中电信业务', []],
  ])('%s', (text, expected) => {
    expect(ids(text)).toEqual(expected);
  });
});

describe('old-style, press and regulator’s own names', () => {
  it.each([
    ['联通云南分公司被申诉61件', ['cu-yn:联通云南分公司']],
    ['移动吉林分公司被申诉812人次', ['cm-jl:移动吉林分公司']],
    ['移动云南公司', ['cm-yn:移动云南公司']],
    ['联通宁夏回族自治区分公司', ['cu-nx:联通宁夏回族自治区分公司']],
    ['电信广州分公司', ['ct-gd-guangzhou:电信广州分公司']],
    ['铁通云南分公司', ['ctt-yn:铁通云南分公司']],
    // A region before the group word makes the short name; the city after it is not a second name.
    ['云南联通昆明分公司', ['cu-yn:云南联通']],
    ['其中中电信为4.07件/百万用户', ['ct:中电信']],
    ['上海电信申诉486人次;上海移动申诉529人次', ['ct-sh:上海电信', 'cm-sh:上海移动']],
    ['上海电信申诉中,收费争议类占多数', ['ct-sh:上海电信']],
  ])('%s', (text, expected) => {
    expect(named(text)).toEqual(expected);
  });

  it.each(['上海电信申诉受理中心', '云南省电信申诉612件', '北京电信申诉中心', '移动通信转售企业', '互联通信'])('not a carrier: %s', (text) => {
    expect(ids(text)).toEqual([]);
  });

  const local = (text: string): string[] => finder.find(text, new Map(), { local: true }).filter((m) => m.form === 'local').map((m) => `${m.ref.group}${m.level ?? ''}:${m.text}`);

  it('finds 省电信公司 and a bare 移动公司 only when asked, with the level they name', () => {
    expect(ids('涉及省电信公司96件')).toEqual([]);
    expect(local('涉及省电信公司96件,涉及省移动公司88件')).toEqual(['ct省:省电信公司', 'cm省:省移动公司']);
    expect(local('移动公司被申诉812人次,电信公司被申诉465人次')).toEqual(['cm:移动公司', 'ct:电信公司']);
    expect(local('对市联通分公司下达整改通知')).toEqual(['cu市:市联通分公司']);
  });

  it('省电信 without 公司 only in a company’s place: in a list, or as the subject', () => {
    expect(local('省电信、省移动、省联通的申诉量分别为465、812和600人次')).toEqual(['ct省:省电信', 'cm省:省移动', 'cu省:省联通']);
    expect(local('省移动被申诉812人次')).toEqual(['cm省:省移动']);
  });

  it.each(['各电信公司', '基础电信公司', '各省电信公司', '全省移动电话用户', '云南省电信公司', '全省电信申诉量同比下降3.2%', '省电信业务收入', '城市电信公司', ',移动被申诉', '电信公司应当规范营销行为', '。移动公司要加强网络建设'])('no local name in %s', (text) => {
    expect(local(text)).toEqual([]);
  });
});

describe('the group table', () => {
  it('lists the four consumer carriers for hotline lists, and knows the others', () => {
    expect(consumerGroups().map((g) => `${g.short}${g.hotline}`)).toEqual(['移动10086', '联通10010', '电信10000', '广电10099']);
    expect(group('tower').hotline).toBeUndefined();
    // 铁通 and 网通 customers are served by the groups they became part of.
    expect([group('ctt').hotline, group('ctt').successor]).toEqual(['10086', 'cm']);
    expect([group('cnc').hotline, group('cnc').successor]).toEqual(['10010', 'cu']);
  });

  it('accepts a carrier without a hotline and ids of the new groups', () => {
    const tower = { id: 'tower-js', group: 'tower', region: { province: 'JS' }, legalName: '中国铁塔股份有限公司江苏省分公司', shortName: '江苏铁塔', aliases: [] };
    expect(Carrier.parse(tower)).toEqual(tower);
    expect(() => Carrier.parse({ ...tower, id: 'towr-js' })).toThrow();
  });
});
