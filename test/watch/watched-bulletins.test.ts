import { describe, expect, it } from 'vitest';
import { factBlock } from '../../handlers/format.ts';
import { renderDigest } from '../../handlers/digest-format.ts';
import { composeDigest } from '../../knowledge/digests/compose.ts';
import { describeFilter, NO_FILTER, parseFilter } from '../../knowledge/digests/subscription-filter.ts';
import { mergeParsed } from '../../knowledge/ingest/merge.ts';
import { parseBulletin } from '../../knowledge/ingest/parse-bulletin.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { emptyKnowledge } from '../../knowledge/store/store.ts';
import type { DigestService, SubscriptionView } from '../../handlers/request.ts';
import type { DigestFilter } from '../../knowledge/digests/subscription-filter.ts';
import { requester } from '../helpers/handler-requests.ts';
import { servicesFor, shippedKnowledge } from '../helpers/knowledge.ts';
import { bulletinText } from './site-content.ts';

const URL_WITH_QUERY = 'https://hunca.miit.gov.cn/art.html?id=7&from="list"';
const LINK = '<a href="https://hunca.miit.gov.cn/art.html?id=7&amp;from=&quot;list&quot;">原文</a>';

/** Two watched bulletins: 2024 Q1 from the baseline (silent), 2024 Q2 published later, both with URLs. */
function watchedKnowledge(): KnowledgeBase {
  const data = emptyKnowledge();
  const now = new Date('2024-07-20T00:00:00Z');
  for (const [quarter, silent] of [
    [1, true],
    [2, false],
  ] as const) {
    const parsed = parseBulletin(bulletinText({ province: '湖南', year: 2024, quarter, seed: quarter }), `q${quarter}.html`, { url: URL_WITH_QUERY });
    mergeParsed(data, parsed, now);
    if (silent) data.bulletins.find((b) => b.id === parsed.bulletin.id)!.silent = true;
  }
  return new KnowledgeBase(data);
}

describe('watched bulletins', () => {
  const kb = watchedKnowledge();

  it('are left out of digests while silent (a baseline), and in them once published later', () => {
    const sections = composeDigest(kb, 0, kb.seq, NO_FILTER);
    expect(sections.map((s) => s.bulletin.id)).toEqual(['hn-2024q2-official']);
  });

  it('link to the original, escaped, in fact blocks (cards, search) and digests', () => {
    const fact = kb.factsIn('hn-2024q2-official')[0]!;
    expect(factBlock(fact, kb, 1).split('\n').at(-1)).toBe(`   📎 <i>《湖南省通信管理局关于2024年第二季度电信服务质量的通告》· 第${fact.source.paragraphs.join('、第')}段</i> · ${LINK}`);
    const digest = renderDigest(composeDigest(kb, 0, kb.seq, NO_FILTER), kb, '全部新通告');
    expect(digest.map((m) => m.html).join('\n')).toContain(`📎 <i>出处:《湖南省通信管理局关于2024年第二季度电信服务质量的通告》</i> · ${LINK}`);
  });

  it('show no link for bulletins that did not come from the web', () => {
    const shipped = shippedKnowledge();
    const fact = shipped.factsIn(shipped.bulletins[0]!.id)[0]!;
    expect(factBlock(fact, shipped, 1)).not.toContain('原文');
  });
});

describe('/subscribe … 即时', () => {
  const kb = shippedKnowledge();
  it('reads 即时 (or 实时, 立即) as timing beside any filter, and leaves other filters alone', () => {
    expect(parseFilter('即时', kb)).toEqual({ ok: true, filter: { ...NO_FILTER, instant: true } });
    expect(parseFilter('吉林 反诈 即时', kb)).toEqual({ ok: true, filter: { provinces: ['JL'], carriers: [], categories: ['anti_fraud'], instant: true } });
    expect(parseFilter('实时 吉林', kb)).toEqual({ ok: true, filter: { provinces: ['JL'], carriers: [], categories: [], instant: true } });
    expect(parseFilter('吉林', kb)).toEqual({ ok: true, filter: { provinces: ['JL'], carriers: [], categories: [] } });
    expect(describeFilter({ ...NO_FILTER, instant: true }, kb)).toBe('全部新通告');
  });
});

describe('/subscribe 即时 replies', () => {
  const kb = shippedKnowledge();
  /** One chat's subscription, kept in memory. */
  function digests(): DigestService {
    let sub: SubscriptionView | undefined;
    return {
      subscription: () => sub,
      subscribe: (_chat, filter: DigestFilter) => void (sub = { filter, active: true, since: '2024-05-01T00:00:00Z' }),
      unsubscribe: () => false,
      canManage: async () => true,
      sendNow: async () => 'nothing',
      broadcastNow: () => 'started',
      stats: () => {
        throw new Error('unused');
      },
      schedule: '工作日 09:00(Asia/Shanghai)',
    };
  }

  it('confirms instant delivery, and /subscriptions shows it; without 即时 the schedule is back', async () => {
    const r = requester(servicesFor(kb, { digests: digests() }));
    const html = async (cmd: string): Promise<string> => (await r.command(cmd)).messages.map((m) => m.html).join('\n');
    expect(await html('/subscribe 吉林 即时')).toBe(
      '✅ 已订阅:吉林\n⚡ 即时推送:监测到新通告并收录后立即推送摘要;没有新内容就不打扰。\n发送 /digest 立即查看,/subscriptions 查看设置,/unsubscribe 退订。',
    );
    expect(await html('/subscriptions')).toContain('\n推送:即时(新通告收录后立即推送)\n');
    expect(await html('/subscribe 吉林')).toBe(
      '✅ 订阅已更新:吉林\n有新通告时,工作日 09:00(Asia/Shanghai)推送摘要;没有新内容就不打扰。\n发送 /digest 立即查看,/subscriptions 查看设置,/unsubscribe 退订。',
    );
    expect(await html('/subscriptions')).toContain('\n推送:工作日 09:00(Asia/Shanghai)\n');
  });
});
