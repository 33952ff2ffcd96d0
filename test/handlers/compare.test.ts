import { describe, expect, it } from 'vitest';
import { requester } from '../helpers/handler-requests.ts';
import { servicesFor } from '../helpers/knowledge.ts';
import { periodKnowledge } from '../fixtures/periods/index.ts';

const { command } = requester(servicesFor(periodKnowledge()));

describe('/compare', () => {
  it('puts a province’s carriers side by side for the newest period they share a measure in, and lists one-carrier measures apart', async () => {
    const r = await command('/compare 吉林');
    expect(r.messages[0]!.html).toBe(
      [
        '⚖️ <b>吉林各运营商</b> · 2025年第一季度',
        '',
        '<b>共同指标</b>',
        '• <b>申告率</b>',
        '  吉林移动 0.38件/百万用户 · 吉林联通 0.66件/百万用户 · 吉林电信 0.51件/百万用户',
        '',
        '<b>仅一家报告</b>(其他运营商未报告,不作比较)',
        '吉林联通:一键接入人工服务 19.8万人次',
        '吉林电信:爱心翼站 531家',
        '📎 <i>《吉林省通信管理局关于2025年第一季度电信服务质量的通告》· 第7、9段</i>',
      ].join('\n'),
    );
  });

  it('says which carrier has no data in the period instead of showing zeros', async () => {
    const html = (await command('/compare 吉林移动 吉林联通 吉林电信 5G')).messages[0]!.html;
    expect(html.split('\n')[0]).toBe('⚖️ <b>吉林移动 / 吉林联通 / 吉林电信</b> · 2024年下半年 · “5G”');
    expect(html).toContain('吉林移动:新开通5G基站 2650个 · 5G基站总数 3.4万个');
    expect(html).toContain('本期无相关数据:吉林联通(最近一期数据:2025第一季度)');
    expect(html).not.toMatch(/吉林联通[^\n]*\b0\b/);
  });

  it('narrows to a topic', async () => {
    const html = (await command('/compare 吉林移动 吉林联通 申告率')).messages[0]!.html;
    expect(html).toBe(
      [
        '⚖️ <b>吉林移动 / 吉林联通</b> · 2025年第一季度 · “申告率”',
        '',
        '<b>共同指标</b>',
        '• <b>申告率</b>',
        '  吉林移动 0.38件/百万用户 · 吉林联通 0.66件/百万用户',
        '📎 <i>《吉林省通信管理局关于2025年第一季度电信服务质量的通告》· 第7段</i>',
      ].join('\n'),
    );
  });

  it('asks for two carriers or a province', async () => {
    expect((await command('/compare 吉林移动')).messages[0]!.html.split('\n')[0]).toBe('只认出了吉林移动。请写上要比较的运营商,或一个省份:');
    expect((await command('/compare 辽宁')).messages[0]!.html).toBe('知识库中还没有辽宁运营商的记录。发送 /bulletins 查看收录范围。');
  });
});
