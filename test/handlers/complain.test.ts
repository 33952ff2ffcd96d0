import { describe, expect, it } from 'vitest';
import { decode } from '../../handlers/callback-data.ts';
import { answerInline, InlineAnswer } from '../../handlers/inline.ts';
import type { Reply } from '../../handlers/reply.ts';
import { servicesFor, shippedKnowledge } from '../helpers/knowledge.ts';
import { handle } from '../../handlers/router.ts';
import { buttonsOf, requester, STAFF } from '../helpers/handler-requests.ts';
import { telegramHtmlProblem } from '../helpers/telegram-html.ts';

const services = servicesFor(shippedKnowledge());
const user = STAFF;
const { command, press } = requester(services);
const buttons = buttonsOf;

function html(r: Reply): string {
  expect(r.messages).toHaveLength(1);
  return r.messages[0]!.html;
}
function inline(query: string): InlineAnswer {
  return answerInline({ kind: 'inline', query, user }, services);
}

/** What Telegram's HTML parse mode accepts, within one message. */
function expectTelegramHtml(text: string): void {
  expect(telegramHtmlProblem(text), text.slice(0, 80)).toBeUndefined();
  expect(text.length).toBeLessThanOrEqual(4096);
}

describe('/complain', () => {
  it('without arguments offers the nine problem types as buttons carrying ids', async () => {
    const r = await command('/complain');
    expect(html(r).split('\n')[0]).toBe('📮 <b>投诉指引</b>');
    expect(buttons(r)).toEqual([
      { text: '💰 资费/乱扣费争议', data: 'p:0:x:s' },
      { text: '📶 宽带/网络质量', data: 'p:1:x:s' },
      { text: '📦 套餐/营销/合约', data: 'p:2:x:s' },
      { text: '🔄 携号转网', data: 'p:3:x:s' },
      { text: '🚫 骚扰电话/垃圾短信', data: 'p:4:x:s' },
      { text: '🛡️ 电信诈骗', data: 'p:5:x:s' },
      { text: '🔐 个人信息泄露', data: 'p:6:x:s' },
      { text: '🏪 营业厅服务/适老服务', data: 'p:7:x:s' },
      { text: '🧾 其他消费纠纷', data: 'p:8:x:s' },
    ]);
  });

  it('opens the procedure in place when a type is pressed, with a consumer-version toggle', async () => {
    const r = await press('p:1:x:s');
    expect(r.edit).toBe(true);
    const text = html(r);
    expect(text.split('\n')[0]).toBe('📶 <b>宽带/网络质量 · 投诉流程</b>');
    expect(text).toContain('1. 先向运营商报修或投诉:客服热线(移动<code>10086</code>、联通<code>10010</code>、电信<code>10000</code>、广电<code>10099</code>)');
    expect(text).toContain('💡 加上运营商可填入其热线和所在省的申诉机构,例如 <code>/complain 吉林电信 宽带</code>。');
    expect(buttons(r)).toEqual([
      { text: '📨 转发给消费者版', data: 'p:1:x:c' },
      { text: '🗂 其他问题类型', data: 'pk:x' },
    ]);
  });

  it('fills in the carrier’s hotline and its province’s appeal centre for /complain 吉林电信 宽带', async () => {
    const r = await command('/complain 吉林电信 宽带');
    const lines = html(r).split('\n');
    expect(lines.slice(0, 3)).toEqual(['📶 <b>宽带/网络质量 · 投诉流程</b>', '📡 吉林电信 · 客服 <code>10000</code>', '🏛 申诉:吉林省电信用户申诉受理中心']);
    expect(lines).toContain('3. 向吉林省电信用户申诉受理中心申诉:电话<code>12300</code>,网上 yhssglxt.miit.gov.cn。所在省未设申诉受理机构的,向工业和信息化部电信用户申诉受理中心申诉。');
    expect(lines).toContain('📜 依据:《电信用户申诉处理办法》(工业和信息化部令第35号,2016-07-30起施行)第九、十、十一、十二、十四条');
    expect(lines).toContain('⚠️ 未核实:各省拨打12300是否需要加区号。');
    expect(lines.at(-1)).toBe('🗓 截至 2026-11-23');
    expect(buttons(r)[0]).toEqual({ text: '📨 转发给消费者版', data: 'p:1:ct-jl:c' });
  });

  it('switches to the consumer version and back, keeping the carrier', async () => {
    const consumer = await press('p:1:ct-jl:c');
    expect(consumer.edit).toBe(true);
    const text = html(consumer);
    expect(text.split('\n')[0]).toBe('您好!遇到“宽带/网络质量”问题,可以这样处理:');
    expect(text).toContain('1. 先打吉林电信客服电话<code>10000</code>报修或投诉');
    expect(text).toContain('受理单位:吉林省电信用户申诉受理中心');
    expect(text.split('\n').at(-1)).toBe('<i>依据:《电信用户申诉处理办法》。信息截至 2026-11-23。</i>');
    expect(text).not.toContain('未核实');
    expect(buttons(consumer)[0]).toEqual({ text: '👷 工作人员版', data: 'p:1:ct-jl:s' });
    expect(html(await press('p:1:ct-jl:s'))).toBe(html(await command('/complain 吉林电信 宽带')).replace(/\n💡.*$/, ''));
  });

  it('maps free text to a type: 乱扣费, 宽带老断, 被骗了, 骚扰电话', async () => {
    const heads: Record<string, string> = {
      乱扣费: '💰 <b>资费/乱扣费争议 · 投诉流程</b>',
      宽带老断: '📶 <b>宽带/网络质量 · 投诉流程</b>',
      被骗了: '🛡️ <b>电信诈骗 · 投诉流程</b>',
      骚扰电话: '🚫 <b>骚扰电话/垃圾短信 · 投诉流程</b>',
    };
    for (const [text, head] of Object.entries(heads)) expect(html(await command(`/complain ${text}`)).split('\n')[0]).toBe(head);
  });

  it('offers the closest types as buttons when unsure, and every type when it cannot tell', async () => {
    const unsure = await command('/complain 话费被扣还一直收到垃圾短信');
    expect(html(unsure)).toBe('“话费被扣还一直收到垃圾短信”可能属于以下问题,请选择 👇');
    expect(buttons(unsure)).toEqual([
      { text: '💰 资费/乱扣费争议', data: 'p:0:x:s' },
      { text: '🚫 骚扰电话/垃圾短信', data: 'p:4:x:s' },
      { text: '🗂 全部问题类型', data: 'pk:x' },
    ]);
    const none = await command('/complain 吉林电信 手机');
    expect(html(none)).toBe('没能判断“手机”属于哪类问题,请选择 👇');
    expect(buttons(none)).toHaveLength(9);
    expect(buttons(none).every((b) => b.data.endsWith(':ct-jl:s'))).toBe(true);
  });

  it('names an uncovered province’s appeal body by its 通信管理局 and flags the name as unconfirmed', async () => {
    const text = html(await command('/complain 北京移动 乱扣费'));
    expect(text).toContain('📡 北京移动 · 客服 <code>10086</code>');
    expect(text).toContain('🏛 申诉:北京市通信管理局的电信用户申诉受理机构');
    expect(text).toContain('⚠️ 未核实:北京市申诉受理机构的确切名称(可能是“北京市电信用户申诉受理中心”)。');
  });

  it('shows the 12315 procedure with the unconfirmed 2026 rule for other consumer disputes', async () => {
    const text = html(await press('p:8:x:s'));
    expect(text).toContain('📜 依据:《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号,2020-01-01起施行,2022-03-24修订)');
    expect(text).toContain('⚠️ 未核实:新的《市场监督管理投诉举报处理办法》(国家市场监督管理总局令第121号)');
  });

  it('escapes what the user typed and refuses very long descriptions', async () => {
    const r = await command('/complain <b>x</b> & 手机');
    expect(html(r)).toContain('“&lt;b&gt;x&lt;/b&gt; &amp; 手机”');
    expectTelegramHtml(html(r));
    expect(html(await command(`/complain ${'宽带'.repeat(40)}`))).toContain('描述太长了');
  });

  it('treats forged or stale procedure buttons as stale', async () => {
    for (const data of ['p:9:x:s', 'p:0:zz:s', 'p:0:cm-qq:s', 'p:0:x:q', 'pk:ct-hb-nowhere', 'p:0:x']) {
      expect(html(await press(data)), data).toContain('这个按钮已失效');
    }
  });

  it('keeps every button within 64 bytes and every procedure valid Telegram HTML, for every type, audience and context', async () => {
    for (const key of ['x', 'ct-jl', 'cm-bj', 'x-hb-shiyan', 'cbn-nm-hulunbuir']) {
      for (let i = 0; i < 9; i++) {
        for (const audience of ['s', 'c']) {
          const data = `p:${i}:${key}:${audience}`;
          expect(decode(data), data).toBeDefined();
          const r = await press(data);
          expectTelegramHtml(html(r));
          for (const b of buttons(r)) expect(Buffer.byteLength(b.data), b.data).toBeLessThanOrEqual(64);
        }
      }
    }
  });
});

describe('the carrier card’s 如何投诉 button', () => {
  it('opens the problem menu with the carrier filled in and a way back to the card', async () => {
    const card = await command('/carrier 吉林电信');
    expect(buttons(card).at(-1)).toEqual({ text: '📮 如何投诉', data: 'pk:ct-jl' });
    const menu = await press('pk:ct-jl');
    expect(menu.edit).toBe(true);
    expect(html(menu).split('\n').slice(0, 3)).toEqual(['📮 <b>投诉指引</b>', '📡 吉林电信 · 客服 <code>10000</code>', '🏛 申诉:吉林省电信用户申诉受理中心']);
    expect(buttons(menu)[0]).toEqual({ text: '💰 资费/乱扣费争议', data: 'p:0:ct-jl:s' });
    expect(buttons(menu).at(-1)).toEqual({ text: '↩ 返回吉林电信', data: 'c:ct-jl' });
  });

  it('works for a city branch: 十堰电信 goes to Hubei’s centre', async () => {
    const text = html(await press('p:0:ct-hb-shiyan:s'));
    expect(text).toContain('📡 十堰电信 · 客服 <code>10000</code>');
    expect(text).toContain('🏛 申诉:湖北省电信用户申诉受理中心');
  });
});

describe('/channels', () => {
  it('lists every national channel, and 12381 as a warning rather than a channel', async () => {
    const text = html(await command('/channels'));
    for (const n of ['10086', '10010', '10000', '10099', '12300', '12315', '12321', '96110', '110', '12381']) expect(text).toContain(`<code>${n}</code>`);
    expect(text).toContain('<b><code>12381</code> 涉诈预警短信(不是投诉渠道)</b>');
    expect(text).toContain('yhssglxt.miit.gov.cn');
    expect(text).toContain('📜 《电信用户申诉处理办法》(工业和信息化部令第35号,2016-07-30起施行)');
    expect(text).toContain('🗓 截至 2026-11-23');
    expectTelegramHtml(text);
  });

  it('/channels 十堰 shows Hubei’s appeal centre and the 8 stations of 中国电信十堰分公司 with their source', async () => {
    const text = html(await command('/channels 十堰'));
    expect(text.split('\n')[0]).toBe('☎️ <b>湖北十堰 · 投诉渠道</b>');
    expect(text).toContain('湖北省电信用户申诉受理中心');
    expect(text).toContain('✉️ 信函:武汉市东湖开发区珞瑜路789号,邮编430074');
    expect(text).toContain('十堰电信 <code>10000</code>');
    const stations = text.split('\n\n').find((b) => b.startsWith('🏷️ <b>12315 维权站</b>'));
    expect(stations).toBeDefined();
    expect(stations).toContain('共建设“12315消费维权站”8个');
    expect(stations).toContain('📊 8个');
    expect(stations).toContain('📎 <i>《信守安全 畅通无阻——中国电信十堰分公司保障消费者权益工作纪实(2020年)》· 第25段</i>');
    expectTelegramHtml(text);
  });

  it('/channels 吉林 names the centre with the bulletin paragraph, the carriers and the reported channels by carrier', async () => {
    const text = html(await command('/channels 吉林'));
    expect(text).toContain('吉林省电信用户申诉受理中心\n📎 <i>《2023年下半年吉林省电信服务质量通告》第102段</i>');
    expect(text).toContain('吉林移动 <code>10086</code> · 吉林联通 <code>10010</code> · 吉林电信 <code>10000</code>');
    expect(text).toContain('☎️ <b>投诉渠道</b>(通告所载,3 条)\n<b>吉林联通</b>');
    expect(text).toContain('<b>吉林电信</b>\n3. 吉林电信10000号积极开拓远程柜台服务场景应用');
  });

  it('says what it does not know about a region, and when it does not know the region', async () => {
    const beijing = html(await command('/channels 北京'));
    expect(beijing).toContain('北京市通信管理局的电信用户申诉受理机构');
    expect(beijing).toContain('⚠️ 未核实:北京市申诉受理机构的确切名称');
    expect(beijing).toContain('知识库中暂无北京通告所载的维权站或投诉渠道记录。');
    expect(html(await command('/channels 火星'))).toContain('没有找到地区“火星”');
  });

  it('is listed in /help with /complain', async () => {
    const help = html(await command('/help'));
    expect(help).toContain('/complain');
    expect(help).toContain('/channels');
  });
});

describe('inline mode', () => {
  function expectWithinLimits(answer: InlineAnswer): void {
    expect(InlineAnswer.safeParse(answer).success).toBe(true);
    expect(answer.results.length).toBeGreaterThan(0);
    expect(answer.results.length).toBeLessThanOrEqual(50);
    expect(new Set(answer.results.map((r) => r.id)).size).toBe(answer.results.length);
    for (const r of answer.results) {
      expect(Buffer.byteLength(r.id), r.id).toBeLessThanOrEqual(64);
      expectTelegramHtml(r.html);
    }
  }

  it('@bot 吉林电信: the card first, then every procedure with its hotline, consumer versions first', () => {
    const answer = inline('吉林电信');
    expectWithinLimits(answer);
    const [card, first] = answer.results;
    expect(card).toMatchObject({ id: 'c:ct-jl', title: '📡 吉林电信(10000)', description: '中国电信股份有限公司吉林分公司' });
    expect(card!.html).toContain('🏛 申诉:吉林省电信用户申诉受理中心 · <code>12300</code>');
    expect(first).toMatchObject({ id: 'p:0:ct-jl:c', title: '💰 资费/乱扣费争议 · 转发给消费者' });
    expect(answer.results).toHaveLength(19);
  });

  it('@bot 投诉 宽带: the broadband procedure for consumers and for staff', () => {
    const answer = inline('投诉 宽带');
    expectWithinLimits(answer);
    expect(answer.results.map((r) => r.id)).toEqual(['p:1:x:c', 'p:1:x:s']);
    expect(answer.results[0]!.html.split('\n')[0]).toBe('您好!遇到“宽带/网络质量”问题,可以这样处理:');
  });

  it('answers every kind of query within the limits', () => {
    for (const q of ['', '怎么投诉', '电信', '吉林', '吉林电信 宽带', '北京移动 乱扣费', '话费被扣还一直收到垃圾短信', 'asdf', '<b>', 'x'.repeat(300)]) {
      expectWithinLimits(inline(q));
    }
  });

  it('is refused by the reply router, which only answers chats', async () => {
    await expect(handle({ kind: 'inline', query: '吉林电信', user }, services)).rejects.toThrow('answerInline');
  });
});
