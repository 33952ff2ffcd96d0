import { describe, expect, it } from 'vitest';
import { buttonsOf, requester } from '../helpers/handler-requests.ts';
import { servicesFor, shippedKnowledge } from '../helpers/knowledge.ts';
import { periodKnowledge } from '../fixtures/periods/index.ts';

const services = servicesFor(shippedKnowledge());
const { command, press, text: say } = requester(services);
const buttons = buttonsOf;

describe('/carrier', () => {
  it('shows the card: short name, legal name, hotline, sources, categories as buttons with counts', async () => {
    const r = await command('/carrier 吉林电信');
    expect(r.messages).toHaveLength(1);
    const html = r.messages[0]!.html;
    expect(html.split('\n').slice(0, 3)).toEqual(['📡 <b>吉林电信</b>', '中国电信股份有限公司吉林分公司', '☎️ 客服热线 <code>10000</code>']);
    expect(html).toContain('• 2023年下半年吉林省电信服务质量通告');
    const b = buttons(r);
    expect(b[0]).toEqual({ text: '👵 适老服务 4', data: 'f:ct-jl:0:0' });
    expect(b.map((x) => x.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^🛡️ 反诈 \d+$/)]));
    const total = b.reduce((n, x) => n + Number(/(\d+)$/.exec(x.text)?.[1] ?? 0), 0);
    expect(html).toContain(`共 ${total} 条记录`);
  });

  it('lists a category’s facts with figures and sources when its button is pressed', async () => {
    const r = await press('f:ct-jl:0:0');
    expect(r.edit).toBe(true);
    const html = r.messages[0]!.html;
    expect(html.split('\n')[0]).toBe('👵 <b>吉林电信 · 适老服务</b>(4 条)');
    expect(html).toContain('爱心翼站已拓展到443家');
    expect(html).toContain('📊 443家');
    expect(html).toContain('📎 <i>《2023年下半年吉林省电信服务质量通告》· 第64段</i>');
    expect(buttons(r)).toEqual([{ text: '↩ 返回吉林电信', data: 'c:ct-jl' }]);
  });

  it('paginates long categories with buttons', async () => {
    const kb = shippedKnowledge();
    const [category, count] = kb.categoryCounts('cm-jl').sort((a, b) => b[1] - a[1])[0]!;
    expect(count).toBeGreaterThan(5);
    const idx = (await import('../../knowledge/categories.ts')).CATEGORY_IDS.indexOf(category);
    const first = await press(`f:cm-jl:${idx}:0`);
    expect(first.messages[0]!.html).toContain(`第 1/${Math.ceil(count / 5)} 页`);
    expect(buttons(first)).toContainEqual({ text: '下一页 ▶', data: `f:cm-jl:${idx}:1` });
    const second = await press(`f:cm-jl:${idx}:1`);
    expect(second.messages[0]!.html).toMatch(/^\S+ <b>吉林移动 · .+<\/b>\(\d+ 条,第 2\//);
    expect(second.messages[0]!.html).toContain('\n6. ');
    expect(buttons(second)).toContainEqual({ text: '◀ 上一页', data: `f:cm-jl:${idx}:0` });
  });

  it('notes when a city was mapped to its province branch', async () => {
    const r = await command('/carrier 长春电信');
    expect(r.messages[0]!.html.split('\n')[0]).toBe('ℹ️ 知识库中没有长春的单独记录,以下是吉林电信(省级分公司)的信息。');
  });

  it('lists candidates as buttons for a general query', async () => {
    const r = await command('/carrier 电信');
    expect(r.messages[0]!.html).toBe('“电信”范围较大,请选择具体的运营商:');
    expect(buttons(r)).toEqual([
      { text: '十堰电信(10000)', data: 'c:ct-hb-shiyan' },
      { text: '吉林电信(10000)', data: 'c:ct-jl' },
    ]);
  });

  it('says clearly when a carrier is not covered, and what is', async () => {
    const r = await command('/carrier 北京移动');
    expect(r.messages[0]!.html).toBe(
      '没有找到“北京移动”的记录。\n\n目前收录 4 家运营商:十堰电信、吉林移动、吉林联通、吉林电信。发送 /carrier 查看列表。\n\n相近的运营商 👇',
    );
    expect(buttons(r)).toEqual([{ text: '吉林移动(10086)', data: 'c:cm-jl' }]);
  });

  it('lists every carrier when given no name', async () => {
    const r = await command('/carrier');
    expect(r.messages[0]!.html).toContain('收录的运营商</b>(4 家)');
    expect(buttons(r).map((b) => b.data)).toEqual(['c:ct-hb-shiyan', 'c:cm-jl', 'c:cu-jl', 'c:ct-jl']);
  });

  it('refuses an over-long name politely', async () => {
    const r = await command(`/carrier ${'吉'.repeat(5000)}`);
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]!.html).toBe('查询内容太长了(5000 个字)。请只输入运营商名称,例如 <code>/carrier 吉林电信</code>。');
  });

  it('escapes HTML in what the user typed', async () => {
    const r = await command('/carrier <b>x</b>&');
    expect(r.messages[0]!.html).toContain('&lt;b&gt;x&lt;/b&gt;&amp;');
    expect(r.messages[0]!.html).not.toContain('<b>x');
  });
});

describe('buttons that are forged or stale', () => {
  it.each(['f:ct-jl:99:0', 'c:nope', 'zz:1', 'f:ct-jl:0', 'b:missing', 's:AAAAAAAAAA:0', ''])('%s gets a polite notice', async (data) => {
    const r = await press(data);
    expect(r.messages[0]!.html).toMatch(/已失效|已过期|请重新发送/);
  });
});

describe('/search', () => {
  it('finds facts across carriers, grouped by carrier, with sources', async () => {
    const r = await command('/search 爱心翼站');
    const html = r.messages[0]!.html;
    expect(html.split('\n')[0]).toBe('🔎 “爱心翼站”共 3 条');
    expect(html).toContain('<b>吉林电信</b>');
    expect(html).toContain('第64段');
  });

  it('pages through many hits with buttons that remember the query', async () => {
    const r = await command('/search 宽带');
    const next = buttons(r).find((b) => b.text === '下一页 ▶');
    expect(next?.data).toMatch(/^s:[A-Za-z0-9_-]{10}:1$/);
    const page2 = await press(next!.data);
    expect(page2.messages[0]!.html).toMatch(/第 2\/\d+ 页/);
  });

  it('finds province-level statistics', async () => {
    const r = await command('/search 和解率');
    expect(r.messages[0]!.html).toContain('<b>吉林全省</b>');
    expect(r.messages[0]!.html).toContain('和解率54.84%');
  });

  it('asks for words when given none, and says so when nothing matches', async () => {
    expect((await command('/search')).messages[0]!.html).toContain('<code>/search 爱心翼站</code>');
    expect((await command('/search 量子纠缠')).messages[0]!.html).toBe(
      '没有找到与“量子纠缠”相关的记录。\n可以换个说法,或用 /carrier 按运营商查看。',
    );
  });
});

describe('/bulletins, /help and unknown commands', () => {
  it('lists bulletins with period, issuer and fact counts', async () => {
    const r = await command('/bulletins');
    const html = r.messages[0]!.html;
    expect(html).toContain('<b>2023年下半年吉林省电信服务质量通告</b>');
    expect(html).toMatch(/官方通告 · 吉林省通信管理局 · 2023年下半年 · 吉林 · \d+ 条/);
    expect(html).toMatch(/新闻报道 · 记者王雁博 · 2020年 · 湖北十堰 · \d+ 条/);
    const open = buttons(r).find((b) => b.data === 'b:jl-2023h2-official');
    expect(open).toBeDefined();
    const view = await press(open!.data);
    expect(view.messages[0]!.html).toContain('吉林全省情况');
    const region = buttons(view).find((b) => b.data === 'rf:jl-2023h2-official:0');
    expect((await press(region!.data)).messages[0]!.html).toContain('受理用户申诉8483件');
  });

  it('explains every command with an example', async () => {
    const html = (await command('/start')).messages[0]!.html;
    for (const c of ['/carrier', '/search', '/bulletins', '/help']) expect(html).toContain(c);
    expect(html).toContain('<code>/carrier 吉林电信</code>');
    expect(await command('/help')).toEqual(await command('/start'));
  });

  it('answers an unknown command politely', async () => {
    expect((await command('/foo')).messages[0]!.html).toBe('没有 /foo 这个命令。发送 /help 查看全部命令。');
  });
});

describe('plain text in a private chat', () => {
  const text = say;
  it('answers a carrier name with its card and other words with a search', async () => {
    expect((await text('吉林联通')).messages[0]!.html).toContain('📡 <b>吉林联通</b>');
    expect((await text('一键接入人工')).messages[0]!.html).toContain('🔎 “一键接入人工”');
    expect((await text('吉林电信宽带老断怎么投诉')).messages[0]!.html).toContain('10000');
    expect((await text('被骗了怎么办')).messages[0]!.html).toContain('96110');
  });
});

describe('/carrier by period', () => {
  const byPeriod = requester(servicesFor(periodKnowledge()));

  it('shows the newest period, labelled, with each headline figure against the period before', async () => {
    const r = await byPeriod.command('/carrier 吉林联通');
    const html = r.messages[0]!.html;
    expect(html.split('\n').slice(-6)).toEqual([
      '',
      '🗓 <b>2025年第一季度</b>(最新一期)',
      '• 申告率 0.66件/百万用户(2024第一季度 0.63件/百万用户,+0.03)',
      '• 一键接入人工服务 19.8万人次(2024上半年 36.2万人次,口径不同:周期不同(半年/季度))',
      '',
      '2025年第一季度共 2 条记录,点类别查看 👇',
    ]);
    expect(buttons(r)).toEqual([
      { text: '👵 适老服务 1', data: 'f:cu-jl:0:0' },
      { text: '📉 投诉与满意度 1', data: 'f:cu-jl:5:0' },
      { text: '🕘 往期', data: 'ch:cu-jl' },
      { text: '📮 如何投诉', data: 'pk:cu-jl' },
    ]);
  });

  it('lists older periods behind 🕘 往期 and opens one as its own card', async () => {
    const list = await byPeriod.press('ch:ct-jl');
    expect(list.messages[0]!.html).toBe('🕘 <b>吉林电信</b> 各期记录(5 期),点选查看 👇');
    expect(buttons(list).map((b) => b.data)).toEqual(['cp:ct-jl:2025q1', 'cp:ct-jl:2024h2', 'cp:ct-jl:2024h1', 'cp:ct-jl:2024q1', 'cp:ct-jl:2023h2', 'c:ct-jl']);
    const r = await byPeriod.press('cp:ct-jl:2024h2');
    const html = r.messages[0]!.html;
    expect(html).toContain(
      ['🗓 <b>2024年下半年</b>(往期)', '• 策划组织 3105场(2024上半年 2968场,+137)', '• 爱心翼站 520家(2024上半年 500家,+20)', '• 5G网络覆盖率 98.9%(2024上半年 98.6%,+0.3个百分点)'].join('\n'),
    );
    expect(buttons(r)[0]).toEqual({ text: '👵 适老服务 1', data: 'f:ct-jl:0:0:2024h2' });
  });

  it('never mixes periods in a category list', async () => {
    const old = await byPeriod.press('f:ct-jl:0:0:2023h2');
    expect(old.messages[0]!.html.split('\n')[0]).toBe('👵 <b>吉林电信 · 适老服务</b> · 2023年下半年(4 条)');
    expect(old.messages[0]!.html).not.toContain('531家');
    expect(buttons(old)).toEqual([{ text: '↩ 返回吉林电信', data: 'cp:ct-jl:2023h2' }]);
    const latest = await byPeriod.press('f:ct-jl:0:0');
    expect(latest.messages[0]!.html.split('\n')[0]).toBe('👵 <b>吉林电信 · 适老服务</b> · 2025年第一季度(1 条)');
    expect(latest.messages[0]!.html).not.toContain('443家');
  });

  it('treats a period the carrier does not have as a stale button', async () => {
    expect((await byPeriod.press('cp:ct-jl:2030h1')).messages[0]!.html).toContain('按钮已失效');
    expect((await byPeriod.press('cp:ct-jl:2024x')).messages[0]!.html).toContain('按钮已失效');
  });
});
