import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { Fact } from '../knowledge/schema.ts';
import { MAX_QUERY_CHARS } from './carrier.ts';
import { clip, factBlock, ownerName, pageOf, pager } from './format.ts';
import { escapeHtml, reply, type Reply } from './reply.ts';
import type { Services } from './request.ts';

const HITS_PER_PAGE = 6;
const MAX_HITS = 120;

/** /search WORDS: matching facts across carriers, grouped by carrier, paginated. */
export function searchCommand(args: string, services: Services): Reply {
  const query = args.trim();
  if (!query) {
    return reply('请在命令后写上要找的内容,例如:\n<code>/search 爱心翼站</code>\n<code>/search 一键接入人工</code>\n<code>/search 垃圾短信</code>');
  }
  if ([...query].length > MAX_QUERY_CHARS) {
    return reply(`搜索内容太长了(${[...query].length} 个字,最多 ${MAX_QUERY_CHARS} 个)。请换几个关键词再试。`);
  }
  return searchPage(services.queries.remember(query), query, 0, services.knowledge());
}

export function searchPage(queryId: string, query: string, page: number, kb: KnowledgeBase): Reply {
  const hits = kb.index.search(query, { limit: MAX_HITS }).map((h) => h.fact);
  if (!hits.length) {
    return reply(`没有找到与“${escapeHtml(clip(query, 30))}”相关的记录。\n可以换个说法,或用 /carrier 按运营商查看。`);
  }
  // Group by who the fact is about, keeping the groups in order of their best hit.
  const groups = new Map<string, Fact[]>();
  for (const f of hits) {
    const key = f.carrierId ?? `*${f.region.province}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const ordered = [...groups.values()].flat();
  const p = pageOf(ordered, page, HITS_PER_PAGE);
  const lines = [`🔎 “${escapeHtml(clip(query, 30))}”共 ${hits.length}${hits.length === MAX_HITS ? '+' : ''} 条${p.pages > 1 ? `(第 ${p.page + 1}/${p.pages} 页)` : ''}`];
  let currentOwner = '';
  p.items.forEach((f, i) => {
    const owner = ownerName(f, kb);
    if (owner !== currentOwner) {
      lines.push('', `<b>${escapeHtml(owner)}</b>`);
      currentOwner = owner;
    }
    lines.push(factBlock(f, kb, p.page * HITS_PER_PAGE + i + 1, query));
  });
  const nav = pager(p.page, p.pages, (n) => ({ kind: 'search', queryId, page: n }));
  return { ...reply(lines.join('\n'), nav.length ? [nav] : undefined), edit: page > 0 || undefined };
}
