import { appealCentre } from '../knowledge/complaints/appeal-centres.ts';
import { CATEGORIES } from '../knowledge/categories.ts';
import { parseComplaintQuery } from '../knowledge/complaints/complaint-context.ts';
import { consumerGroups } from '../knowledge/groups.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { procedureBook, type Channel } from '../knowledge/complaints/procedures.ts';
import type { CategoryId, Fact, Region } from '../knowledge/schema.ts';
import { MAX_QUERY_CHARS } from './carrier.ts';
import { markNumbers, unverifiedCentreNote } from './complain.ts';
import { clip, factBlock, ownerName } from './format.ts';
import { escapeHtml, reply, type Reply } from './reply.ts';

/** What the region's bulletins report about where to complain. */
const REGION_CATEGORIES: readonly CategoryId[] = ['consumer_stations', 'complaint_channels'];
const FACTS_SHOWN = 6;

/** /channels: the directory; /channels 吉林, /channels 十堰: that region's appeal centre, carriers and reported channels. */
export function channelsCommand(args: string, kb: KnowledgeBase): Reply {
  const query = args.trim();
  if (!query) return directory();
  if ([...query].length > MAX_QUERY_CHARS) return reply(`地区名太长了。请写省或城市,例如 <code>/channels 吉林</code>。`);
  const { context } = parseComplaintQuery(query, kb);
  if (!context.region) {
    return reply(`没有找到地区“${escapeHtml(clip(query, 30))}”。请写省或城市,例如 <code>/channels 吉林</code>、<code>/channels 十堰</code>;发送 /channels 查看全部渠道。`);
  }
  return regionChannels(context.region, kb);
}

function directory(): Reply {
  const book = procedureBook();
  const lines = ['☎️ <b>投诉与举报渠道</b>'];
  for (const c of book.channels) {
    lines.push('', `<b>${markNumbers(escapeHtml(channelTitle(c)))}</b>`);
    if (c.id === 'carrier') lines.push(markNumbers(consumerGroups().map((g) => `${escapeHtml(g.short)} ${g.hotline}`).join(' · ')));
    lines.push(markNumbers(escapeHtml(c.staff)));
    const rule = c.rule ? book.rule(c.rule) : undefined;
    if (rule) lines.push(`📜 ${escapeHtml(book.citation(rule))}`);
    for (const n of c.notes) lines.push(`⚠️ 未核实:${escapeHtml(n.text)}`);
  }
  lines.push('', `🗓 截至 ${book.asOf}`, '发送 <code>/channels 吉林</code> 或 <code>/channels 十堰</code> 查看当地的申诉受理机构和维权站;发送 /complain 查看投诉流程。');
  return reply(lines.join('\n'));
}

function channelTitle(c: Channel): string {
  const warning = c.kind === 'warning' ? '(不是投诉渠道)' : '';
  return `${c.number && !c.name.includes(c.number) ? `${c.name} ${c.number}` : c.name}${warning}`;
}

function regionChannels(region: Region, kb: KnowledgeBase): Reply {
  const book = procedureBook();
  const place = kb.regions.label(region);
  const lines = [`☎️ <b>${escapeHtml(place)} · 投诉渠道</b>`];

  const centre = appealCentre(kb, region.province);
  const appeal = book.channel('appeal');
  if (centre) {
    lines.push('', '🏛 <b>电信用户申诉</b>', escapeHtml(centre.label));
    for (const cite of centre.cites) lines.push(`📎 <i>${escapeHtml(cite)}</i>`);
    if (centre.mail) lines.push(`✉️ 信函:${escapeHtml(centre.mail)}`);
    if (centre.email) lines.push(`📧 ${escapeHtml(centre.email)}`);
    lines.push(markNumbers(`电话 ${appeal.number ?? ''} · 网上 ${escapeHtml(appeal.url ?? '')}`));
    for (const n of appeal.notes) lines.push(`⚠️ 未核实:${escapeHtml(n.text)}`);
    if (!centre.verified) lines.push(`⚠️ 未核实:${escapeHtml(unverifiedCentreNote(centre.provinceName, centre.conventionalName))}`);
  }

  const carriers = kb.carriers.filter((c) => c.region && inRegion(c.region, region, true));
  lines.push('', '📡 <b>运营商客服</b>');
  lines.push(
    markNumbers(
      carriers.length
        ? carriers.map((c) => `${escapeHtml(c.shortName)} ${c.hotline}`).join(' · ')
        : consumerGroups().map((g) => `${escapeHtml(g.short)} ${g.hotline}`).join(' · '),
    ),
  );

  const facts = regionFacts(region, kb);
  for (const category of REGION_CATEGORIES) {
    const list = facts.filter((f) => f.category === category);
    if (!list.length) continue;
    const info = CATEGORIES[category];
    lines.push('', `${info.emoji} <b>${info.label}</b>(通告所载,${list.length} 条)`);
    let owner = '';
    list.slice(0, FACTS_SHOWN).forEach((f, i) => {
      // Several carriers report in one region: say whose commitment each is, as /search does.
      if (ownerName(f, kb) !== owner) lines.push(`<b>${escapeHtml((owner = ownerName(f, kb)))}</b>`);
      lines.push(factBlock(f, kb, i + 1));
    });
    if (list.length > FACTS_SHOWN) lines.push(`…另有 ${list.length - FACTS_SHOWN} 条,可用 /search 查找。`);
  }
  if (!facts.length) lines.push('', `知识库中暂无${escapeHtml(place)}通告所载的维权站或投诉渠道记录。`);

  lines.push('', `🗓 截至 ${book.asOf} · 12315、12321、96110、110 等全国渠道发送 /channels 查看。`);
  return reply(lines.join('\n'));
}

/** Facts about where to complain in a region: a province takes in its cities; a city, its own branches. */
function regionFacts(region: Region, kb: KnowledgeBase): Fact[] {
  const out: Fact[] = [];
  for (const b of kb.bulletins) {
    if (b.region.province !== region.province && b.region.province !== 'CN') continue;
    for (const f of kb.factsIn(b.id)) if (REGION_CATEGORIES.includes(f.category) && inRegion(f.region, region, false)) out.push(f);
  }
  return out;
}

/**
 * Whether `subject` lies in `region`. For a city, a province-level subject
 * counts only when asked (a province's carriers serve its cities; a
 * province's facts are not about one city).
 */
function inRegion(subject: Region, region: Region, provinceServesCity: boolean): boolean {
  if (subject.province !== region.province) return false;
  if (!region.city) return true;
  return subject.city === region.city || (provinceServesCity && !subject.city);
}
