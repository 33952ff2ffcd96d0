import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../handlers/digest-format.ts';
import { MAX_CALLBACK_BYTES, MAX_MESSAGE_CHARS } from '../../handlers/reply.ts';
import { composeDigest } from '../../knowledge/digests/compose.ts';
import { describeFilter, NO_FILTER, parseFilter } from '../../knowledge/digests/subscription-filter.ts';
import { shippedKnowledge } from '../helpers/knowledge.ts';

const kb = shippedKnowledge();

describe('subscription filters', () => {
  it.each([
    ['', NO_FILTER],
    ['吉林', { provinces: ['JL'], carriers: [], categories: [] }],
    ['吉林移动', { provinces: [], carriers: ['cm-jl'], categories: [] }],
    ['反诈', { provinces: [], carriers: [], categories: ['anti_fraud'] }],
    ['吉林 反诈', { provinces: ['JL'], carriers: [], categories: ['anti_fraud'] }],
    ['十堰 适老,骚扰电话', { provinces: ['HB'], carriers: [], categories: ['elder', 'spam'] }],
    ['吉林电信、十堰电信 宽带', { provinces: [], carriers: ['ct-jl', 'ct-hb-shiyan'], categories: ['broadband'] }],
    ['China Telecom Jilin', { provinces: [], carriers: ['ct-jl'], categories: [] }],
    ['广东', { provinces: ['GD'], carriers: [], categories: [] }],
  ])('%s', (args, filter) => {
    expect(parseFilter(args, kb)).toEqual({ ok: true, filter });
  });

  it('reports the words it cannot read', () => {
    expect(parseFilter('吉林 火星 量子', kb)).toEqual({ ok: false, unknown: ['火星', '量子'] });
  });

  it('describes a filter in words', () => {
    expect(describeFilter({ provinces: ['JL'], carriers: ['cm-jl'], categories: ['anti_fraud'] }, kb)).toBe('吉林 · 吉林移动 · 反诈');
    expect(describeFilter(NO_FILTER, kb)).toBe('全部新通告');
  });
});

describe('digest composition', () => {
  const jilinSeq = kb.bulletin('jl-2023h2-official')!.seq;

  it('covers bulletins after the cursor, up to the snapshot', () => {
    expect(composeDigest(kb, 0, kb.seq, NO_FILTER).map((s) => s.bulletin.id)).toEqual(['jl-2023h2-official', expect.stringMatching(/^ct-hb-shiyan-2020-news-/)]);
    expect(composeDigest(kb, jilinSeq, kb.seq, NO_FILTER)).toHaveLength(1);
    expect(composeDigest(kb, kb.seq, kb.seq, NO_FILTER)).toEqual([]);
    expect(composeDigest(kb, 0, jilinSeq, NO_FILTER)).toHaveLength(1);
  });

  it('keeps only what the filter asks for, and nothing when nothing matches', () => {
    const fraud = composeDigest(kb, 0, kb.seq, { provinces: ['JL'], carriers: [], categories: ['anti_fraud'] });
    expect(fraud).toHaveLength(1);
    for (const c of fraud[0]!.carriers) for (const f of c.highlights) expect(f.category).toBe('anti_fraud');
    expect(fraud[0]!.carriers.map((c) => c.carrier.id).sort()).toEqual(['cm-jl', 'ct-jl', 'cu-jl']);
    expect(composeDigest(kb, 0, kb.seq, { provinces: ['GD'], carriers: [], categories: [] })).toEqual([]);
    const one = composeDigest(kb, 0, kb.seq, { provinces: [], carriers: ['cm-jl'], categories: [] });
    expect(one[0]!.carriers.map((c) => c.carrier.id)).toEqual(['cm-jl']);
    expect(one[0]!.regional).toEqual([]);
  });

  it('picks one notable fact per category, figures first', () => {
    const [jilin] = composeDigest(kb, 0, jilinSeq, { provinces: [], carriers: ['cm-jl'], categories: ['spam'] });
    expect(jilin!.carriers[0]!.highlights).toHaveLength(1);
    expect(jilin!.carriers[0]!.highlights[0]!.figures.length).toBeGreaterThan(0);
  });

  it('renders within Telegram limits, with sources and buttons to the bulletin and carriers', () => {
    const messages = renderDigest(composeDigest(kb, 0, kb.seq, NO_FILTER), kb, '全部新通告');
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages[0]!.html.split('\n')[0]).toBe('📬 <b>新通告摘要</b>(2 份 · 全部新通告)');
    const jilin = messages.find((m) => m.html.includes('2023年下半年吉林省电信服务质量通告'))!;
    expect(jilin.html).toContain('官方通告 · 吉林省通信管理局 · 2023年下半年 · 吉林');
    expect(jilin.html).toMatch(/<b>吉林移动<\/b>\(\d+ 条\)/);
    expect(jilin.html).toMatch(/<i>第\d+(、\d+)*段<\/i>/);
    for (const m of messages) {
      expect(m.html.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
      for (const b of (m.buttons ?? []).flat()) if ('data' in b) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    }
    expect((jilin.buttons ?? []).flat().map((b) => b.text)).toEqual(['📄 查看通告', '吉林移动', '吉林联通', '吉林电信']);
  });
});
