import { describe, expect, it } from 'vitest';
import { buttonsOf, requester } from '../helpers/handler-requests.ts';
import { finalize, MAX_CAPTION_CHARS } from '../../handlers/reply.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { knowledgeFrom, servicesFor } from '../helpers/knowledge.ts';
import { NATIONAL_FILES, periodKnowledge, periodTexts } from '../fixtures/periods/index.ts';

const { command, press } = requester(servicesFor(periodKnowledge()));

describe('/trend', () => {
  it('gives the series as text with a source per point, then a chart with one line per 口径', async () => {
    const r = await command('/trend 吉林电信 爱心翼站');
    expect(r.messages).toHaveLength(2);
    expect(r.messages[0]!.html).toBe(
      [
        '📈 <b>吉林电信 · 爱心翼站</b>(4 期)',
        '',
        '<b>2023年下半年</b>:443家',
        '   📎 《2023年下半年吉林省电信服务质量通告》· 第64段',
        '',
        '<b>2024年上半年</b>:500家(较2023下半年 443家 +57)',
        '   📎 《2024年上半年吉林省电信服务质量通告》· 第21段',
        '',
        '<b>2024年下半年</b>:520家(较2024上半年 500家 +20)',
        '   📎 《2024年下半年吉林省电信服务质量通告》· 第15段',
        '',
        '<b>2025年第一季度</b>:531家(较2024下半年 520家:口径不同:周期不同(半年/季度))',
        '   📎 《吉林省通信管理局关于2025年第一季度电信服务质量的通告》· 第9段',
        '',
        'ℹ️ 变化只在单位、范围、周期都相同时计算,否则注明“口径不同”;“通告称”为通告原文所述。',
      ].join('\n'),
    );
    const photo = r.messages[1]!;
    expect(photo.html).toBe('📈 <b>吉林电信 · 爱心翼站</b>\n2023下半年 443家 → 2024上半年 500家 → 2024下半年 520家 → 2025第一季度 531家');
    expect(photo.chart).toEqual({
      title: '吉林电信 · 爱心翼站',
      subtitle: '单位:家 · 来源:吉林省通信管理局',
      unit: '家',
      categories: ['2023下半年', '2024上半年', '2024下半年', '2025第一季度'],
      series: [
        { name: '半年', values: [443, 500, 520, null] },
        { name: '季度', values: [null, null, null, 531] },
      ],
    });
    expect(buttonsOf(r)).toEqual([{ text: '📡 吉林电信', data: 'c:ct-jl' }]);
  });

  it('follows a province (吉林 申诉), saying which points are one city only', async () => {
    const html = (await command('/trend 吉林 申诉')).messages[0]!.html;
    expect(html).toContain('<b>2024年上半年</b>:9126件(较2023下半年 8483件 +643;通告称环比上涨7.6%)');
    expect(html).toContain('<b>2024年下半年</b>:3105件(仅长春)(较2024上半年 9126件:口径不同:范围不同)');
  });

  it('follows the national series in 万件', async () => {
    const r = await command('/trend 全国 骚扰电话');
    expect(r.messages[1]!.chart?.series).toEqual([{ name: '全国 · 骚扰电话投诉', values: [30.1, 26.8, 24.2, 25.5] }]);
    expect(r.messages[0]!.html).toContain('<b>2024年第二季度</b>:26.8万件(较2024第一季度 30.1万件 -3.3万;通告称环比下降4.3%)');
  });

  it('links each point to its bulletin when the bulletin’s URL is known', async () => {
    const data = knowledgeFrom(periodTexts(NATIONAL_FILES));
    for (const b of data.bulletins) b.url = `https://www.miit.gov.cn/zwgk/${b.id}.html?a=1&b=2`;
    const html = (await requester(servicesFor(new KnowledgeBase(data))).command('/trend 全国 骚扰电话')).messages[0]!.html;
    expect(html).toContain(
      '   📎 <a href="https://www.miit.gov.cn/zwgk/cn-2024q3-official.html?a=1&amp;b=2">《工业和信息化部关于2024年第三季度电信服务质量的通告》</a>· 第10段',
    );
  });

  it('offers the measures as buttons when none is named, and a trend button opens one', async () => {
    const menu = await command('/trend 吉林电信');
    expect(menu.messages[0]!.html).toBe('📈 <b>吉林电信</b> 的指标(9 项),点选查看趋势 👇');
    const first = buttonsOf(menu)[0]!;
    expect(first.text).toBe('爱心翼站(4 期)');
    const r = await press(first.data);
    expect(r.messages[0]!.html.split('\n')[0]).toBe('📈 <b>吉林电信 · 爱心翼站</b>(4 期)');
  });

  it('answers politely when the words name nothing it knows', async () => {
    expect((await command('/trend')).messages[0]!.html).toContain('<code>/trend 吉林电信 爱心翼站</code>');
    expect((await command('/trend 辽宁 申诉')).messages[0]!.html).toBe('知识库中还没有辽宁的通告数据。发送 /bulletins 查看收录范围。');
    expect((await command('/trend 吉林电信 火星基地')).messages[0]!.html.split('\n')[0]).toBe('吉林电信没有与“火星基地”对应的指标。');
    expect((await press('tr:ct-jl:zzzzzz')).messages[0]!.html).toContain('按钮已失效');
  });
});

describe('charts in replies', () => {
  it('keeps a chart’s caption within Telegram’s 1024 characters, the rest following as text', () => {
    const chart = { title: 't', unit: '件', categories: ['2024上半年'], series: [{ name: 't', values: [1] }] };
    const lines = Array.from({ length: 60 }, (_, i) => `第${i + 1}行:${'数'.repeat(30)}`);
    const r = finalize({ messages: [{ html: lines.join('\n'), chart, buttons: [[{ text: '📡', data: 'c:ct-jl' }]] }] });
    expect(r.messages[0]!.chart).toEqual(chart);
    expect(r.messages[0]!.html.length).toBeLessThanOrEqual(MAX_CAPTION_CHARS);
    expect(r.messages.slice(1).every((m) => !m.chart)).toBe(true);
    expect(r.messages.map((m) => m.html).join('\n')).toBe(lines.join('\n'));
    expect(r.messages.at(-1)!.buttons).toEqual([[{ text: '📡', data: 'c:ct-jl' }]]);
  });
});
