import { describe, expect, it } from 'vitest';
import { answerInline } from '../../handlers/inline.ts';
import { buttonsOf, requester } from '../helpers/handler-requests.ts';
import { servicesFor, shippedKnowledge } from '../helpers/knowledge.ts';
import { periodKnowledge } from '../fixtures/periods/index.ts';

const services = servicesFor(periodKnowledge());
const { text: say, press } = requester(services);

describe('questions in plain words', () => {
  it('answers 吉林电信爱心翼站有多少家 with the latest figure, its period, source and change, plus trend and card buttons', async () => {
    const r = await say('吉林电信爱心翼站有多少家');
    expect(r.messages[0]!.html).toBe(
      [
        '📊 <b>吉林电信 · 爱心翼站</b>',
        '2025年第一季度:<b>531家</b>',
        '较2024下半年 520家:口径不同:周期不同(半年/季度)',
        '📎 《吉林省通信管理局关于2025年第一季度电信服务质量的通告》· 第9段',
        '',
        '历次:2023下半年 443家 → 2024上半年 500家 → 2024下半年 520家 → 2025第一季度 531家',
      ].join('\n'),
    );
    const [trend, card] = buttonsOf(r);
    expect(card).toEqual({ text: '📡 吉林电信', data: 'c:ct-jl' });
    expect(trend!.text).toBe('📈 趋势');
    expect((await press(trend!.data)).messages[1]!.chart?.title).toBe('吉林电信 · 爱心翼站');
  });

  it('answers from the seed alone, where today’s search found nothing', async () => {
    const r = await requester(servicesFor(shippedKnowledge())).text('吉林电信爱心翼站有多少家');
    expect(r.messages[0]!.html).toBe(
      [
        '📊 <b>吉林电信 · 爱心翼站</b>',
        '2023年下半年:<b>443家</b>',
        '(仅此一期,暂无可比的上一期)',
        '📎 《2023年下半年吉林省电信服务质量通告》· 第64段',
      ].join('\n'),
    );
  });

  it('says a province is not covered rather than starting a complaint procedure (辽宁申诉多少件)', async () => {
    expect((await say('辽宁申诉多少件')).messages[0]!.html).toBe('知识库中还没有辽宁的通告数据。目前收录:吉林、全国。发送 /bulletins 查看收录的通告。');
  });

  it('points to the carrier that does report a measure the one asked about does not', async () => {
    const r = await say('吉林移动一键接入人工服务了多少人次');
    expect(r.messages[0]!.html.split('\n')[0]).toBe('吉林移动的通告中没有“一键接入人工服务”这项数据。');
    expect(buttonsOf(r)[0]!.text).toBe('📈 吉林联通 · 一键接入人工服务');
  });

  it('answers a province question with the province figure', async () => {
    const html = (await say('吉林申诉多少件')).messages[0]!.html;
    expect(html.split('\n').slice(0, 3)).toEqual([
      '📊 <b>吉林全省 · 申诉</b>',
      '2025年第一季度:<b>3980件</b>',
      '较2024下半年 3105件(仅长春):口径不同:范围不同、周期不同(半年/季度);通告称环比下降5.5%',
    ]);
  });

  it('leaves other text to the card, complaint and search routes', async () => {
    expect((await say('吉林联通')).messages[0]!.html.split('\n')[0]).toBe('📡 <b>吉林联通</b>');
    expect((await say('吉林电信 宽带')).messages[0]!.html).toMatch(/^🔎 /);
    expect((await say('宽带老断怎么投诉')).messages[0]!.html).not.toContain('📊');
  });

  it('returns the trend line first in inline mode', () => {
    const answer = answerInline({ kind: 'inline', query: '吉林电信 爱心翼站', user: { id: 1, isAdmin: false } }, services);
    const first = answer.results[0]!;
    expect(first.title).toBe('📈 吉林电信 · 爱心翼站');
    expect(first.description).toBe('2023下半年 443家 → 2024上半年 500家 → 2024下半年 520家 → 2025第一季度 531家');
    expect(first.html).toContain('2025年第一季度:<b>531家</b>');
  });
});
