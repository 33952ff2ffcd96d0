import { describe, expect, it } from 'vitest';
import { isRecord } from '../helpers/bot-api-proxy.ts';
import { buttonsOf, onlyReply, PRIVATE_CHAT, useBot } from '../helpers/e2e-harness.ts';

/**
 * Complaint procedures, channels and inline mode through the real bot
 * process and the Bot API emulator. The emulator has no inline queries, so
 * one is injected through the proxy, which answers answerInlineQuery itself
 * and records the call.
 */
describe('complaint procedures on the Bot API', () => {
  const bot = useBot();

  it('/complain offers the nine problem types as buttons', async () => {
    const menu = onlyReply(await bot.say('/complain'));
    expect(menu.parseMode).toBe('HTML');
    expect(menu.text.split('\n')[0]).toBe('📮 <b>投诉指引</b>');
    const buttons = buttonsOf(menu);
    expect(buttons.map((b) => b.text)).toEqual([
      '💰 资费/乱扣费争议',
      '📶 宽带/网络质量',
      '📦 套餐/营销/合约',
      '🔄 携号转网',
      '🚫 骚扰电话/垃圾短信',
      '🛡️ 电信诈骗',
      '🔐 个人信息泄露',
      '🏪 营业厅服务/适老服务',
      '🧾 其他消费纠纷',
    ]);
  });

  it('pressing a type turns the menu into that procedure, and the toggle into the consumer version', async () => {
    const menu = onlyReply(await bot.say('/complain'));
    const broadband = buttonsOf(menu).find((b) => b.text.includes('宽带'))!;
    const pressed = await bot.press(broadband.callbackData!);
    expect(pressed.sent).toHaveLength(0);
    const procedure = onlyReply(pressed);
    expect(procedure.via).toBe('editMessageText');
    expect(procedure.messageId).toBe(menu.messageId);
    expect(procedure.text.split('\n')[0]).toBe('📶 <b>宽带/网络质量 · 投诉流程</b>');
    for (const s of ['<code>12300</code>', '15日', '5个月', '2年', '📜 依据:《电信用户申诉处理办法》']) expect(procedure.text).toContain(s);

    const toggle = buttonsOf(procedure).find((b) => b.text === '📨 转发给消费者版')!;
    const consumer = onlyReply(await bot.press(toggle.callbackData!));
    expect(consumer.messageId).toBe(menu.messageId);
    expect(consumer.text.split('\n')[0]).toBe('您好!遇到“宽带/网络质量”问题,可以这样处理:');
  });

  it('/complain 吉林电信 宽带 fills in the hotline and Jilin’s appeal centre', async () => {
    const reply = onlyReply(await bot.say('/complain 吉林电信 宽带'));
    expect(reply.text.split('\n').slice(0, 3)).toEqual(['📶 <b>宽带/网络质量 · 投诉流程</b>', '📡 吉林电信 · 客服 <code>10000</code>', '🏛 申诉:吉林省电信用户申诉受理中心']);
    expect(reply.text).toContain('1. 先向吉林电信报修或投诉:客服热线<code>10000</code>');
  });

  it('the carrier card’s 如何投诉 opens the menu with the carrier filled in', async () => {
    const card = onlyReply(await bot.say('/carrier 吉林电信'));
    const how = buttonsOf(card).find((b) => b.text === '📮 如何投诉')!;
    const menu = onlyReply(await bot.press(how.callbackData!));
    expect(menu.text).toContain('📡 吉林电信 · 客服 <code>10000</code>');
  });

  it('/channels lists the national channels; /channels 十堰 the 8 stations with their source', async () => {
    const all = onlyReply(await bot.say('/channels'));
    for (const n of ['12300', '12315', '12321', '96110', '110', '12381']) expect(all.text).toContain(`<code>${n}</code>`);
    const shiyan = onlyReply(await bot.say('/channels 十堰'));
    expect(shiyan.text).toContain('共建设“12315消费维权站”8个');
    expect(shiyan.text).toContain('中国电信十堰分公司保障消费者权益工作纪实');
  });

  it('answers an inline query with at most 50 HTML articles within Telegram’s limits', async () => {
    const interaction = await bot.inject({
      inline_query: { id: '777', from: { id: PRIVATE_CHAT.id, is_bot: false, first_name: '用户' }, query: '吉林电信', offset: '' },
    });
    const calls = interaction.calls.filter((c) => c.method === 'answerInlineQuery');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.status).toBe(200);
    expect(call.params['inline_query_id']).toBe('777');
    expect(Number(call.params['cache_time'])).toBeGreaterThan(0);
    const raw = call.params['results'];
    const results: unknown[] = Array.isArray(raw) ? raw : typeof raw === 'string' ? (JSON.parse(raw) as unknown[]) : [];
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(50);
    for (const r of results) {
      if (!isRecord(r) || !isRecord(r['input_message_content'])) throw new Error(`not an article: ${JSON.stringify(r)}`);
      expect(r['type']).toBe('article');
      expect(Buffer.byteLength(String(r['id']))).toBeLessThanOrEqual(64);
      expect(String(r['title']).length).toBeGreaterThan(0);
      const content = r['input_message_content'];
      expect(content['parse_mode']).toBe('HTML');
      expect(String(content['message_text']).length).toBeLessThanOrEqual(4096);
    }
    const first = results[0];
    expect(isRecord(first) && first['title']).toBe('📡 吉林电信(10000)');
    // No chat to reply to: the answer is the only call.
    expect(interaction.sent).toHaveLength(0);
  });

  it('keeps every callback under 64 bytes', () => {
    const data = bot.proxy.calls
      .filter((c) => c.method === 'sendMessage' || c.method === 'editMessageText')
      .flatMap((c) => {
        const markup = typeof c.params['reply_markup'] === 'string' ? (JSON.parse(c.params['reply_markup']) as unknown) : c.params['reply_markup'];
        const rows: unknown = isRecord(markup) ? markup['inline_keyboard'] : undefined;
        return (Array.isArray(rows) ? rows.flat() : []).flatMap((b: unknown) => (isRecord(b) && typeof b['callback_data'] === 'string' ? [b['callback_data']] : []));
      });
    expect(data.length).toBeGreaterThan(20);
    for (const d of data) expect(Buffer.byteLength(d), d).toBeLessThanOrEqual(64);
  });
});
