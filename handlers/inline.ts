import { z } from 'zod';
import { appealCentre } from '../knowledge/complaints/appeal-centres.ts';
import { contextKey, contextLabel, parseComplaintQuery, type ComplaintContext } from '../knowledge/complaints/complaint-context.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { problemMatcher } from '../knowledge/complaints/problem-matcher.ts';
import { PROBLEM_TYPE_IDS, procedureBook, type Audience, type ProblemTypeId } from '../knowledge/complaints/procedures.ts';
import type { Carrier } from '../knowledge/schema.ts';
import { trendArticle } from './ask.ts';
import { carrierSummary, MAX_QUERY_CHARS } from './carrier.ts';
import { markNumbers, procedureHtml } from './complain.ts';
import { escapeHtml, MAX_MESSAGE_CHARS } from './reply.ts';
import type { InlineRequest, Services } from './request.ts';

/** Telegram's limits for answerInlineQuery. */
export const MAX_INLINE_RESULTS = 50;
const MAX_RESULT_ID_BYTES = 64;
/** Results change only when the knowledge does; a minute keeps Telegram's cache from showing old ones for long. */
const CACHE_SECONDS = 60;
const MAX_CARRIER_RESULTS = 10;

/** One result a worker can pick and send into a chat: an InlineQueryResultArticle with HTML text. */
export const InlineArticle = z.object({
  id: z.string().refine((id) => id.length > 0 && Buffer.byteLength(id, 'utf8') <= MAX_RESULT_ID_BYTES, 'result id must be 1-64 bytes'),
  title: z.string().min(1),
  description: z.string().optional(),
  html: z.string().min(1).max(MAX_MESSAGE_CHARS),
});
export type InlineArticle = z.infer<typeof InlineArticle>;

export const InlineAnswer = z.object({
  results: z.array(InlineArticle).max(MAX_INLINE_RESULTS),
  cacheSeconds: z.number().int().nonnegative(),
});
export type InlineAnswer = z.infer<typeof InlineAnswer>;

/** Words that only say "this is about complaining": 投诉 宽带 → 宽带. */
const COMPLAINT_WORDS = /^(?:怎么|如何|怎样)?(?:投诉|申诉|举报|维权)(?:流程|渠道)?|(?:怎么|如何|怎样)(?:投诉|申诉|举报|维权)$/g;

/**
 * `@bot 吉林电信` → the carrier's card and its procedures; `@bot 投诉 宽带` →
 * the procedure for consumers and for staff; an empty query → every
 * procedure, consumer versions first, since inline results are mostly sent
 * into chats with consumers. Results carry no buttons: a message sent inline
 * belongs to the chat it was sent into.
 */
export function answerInline(req: InlineRequest, services: Services): InlineAnswer {
  const kb = services.knowledge();
  const query = [...req.query.replace(COMPLAINT_WORDS, ' ').trim()].slice(0, MAX_QUERY_CHARS).join('');
  // A carrier (or region) with one of its measures: the trend line comes first (handlers/ask.ts).
  const trend = query ? trendArticle(query, kb) : undefined;
  const results = [...(trend ? [trend] : []), ...(query ? resultsFor(query, kb) : everyProcedure({}, kb))];
  const unique = [...new Map(results.map((r) => [r.id, r])).values()].slice(0, MAX_INLINE_RESULTS);
  return InlineAnswer.parse({ results: unique, cacheSeconds: CACHE_SECONDS });
}

function resultsFor(query: string, kb: KnowledgeBase): InlineArticle[] {
  const { context, rest } = parseComplaintQuery(query, kb);
  const guess = rest ? problemMatcher().guess(rest) : { kind: 'none' as const };
  if (guess.kind === 'sure') return bothVersions(guess.problem, context, kb);
  if (guess.kind === 'unsure') return guess.candidates.flatMap((id) => bothVersions(id, context, kb));
  // A name and nothing else (吉林电信, 电信, 吉林): the carriers it names, then every procedure for them.
  const named = context.carrier ? [context.carrier] : carriersNamed(query, kb);
  const cards = named.slice(0, MAX_CARRIER_RESULTS).map((c) => carrierArticle(c, kb));
  if (!rest) return [...cards, ...everyProcedure(context, kb)];
  return cards.length ? cards : everyProcedure(context, kb);
}

function carriersNamed(query: string, kb: KnowledgeBase): Carrier[] {
  const r = kb.resolver.resolve(query);
  if (r.kind === 'found') return [r.carrier];
  return r.kind === 'candidates' && r.reason !== 'similar' ? r.carriers : [];
}

function bothVersions(problem: ProblemTypeId, context: ComplaintContext, kb: KnowledgeBase): InlineArticle[] {
  return [procedureArticle(problem, context, 'consumer', kb), procedureArticle(problem, context, 'staff', kb)];
}

/** Consumer versions first: what a worker most often sends into a chat with a consumer. */
function everyProcedure(context: ComplaintContext, kb: KnowledgeBase): InlineArticle[] {
  const audiences: Audience[] = ['consumer', 'staff'];
  return audiences.flatMap((audience) => PROBLEM_TYPE_IDS.map((id) => procedureArticle(id, context, audience, kb)));
}

function procedureArticle(problem: ProblemTypeId, context: ComplaintContext, audience: Audience, kb: KnowledgeBase): InlineArticle {
  const p = procedureBook().problem(problem);
  const label = contextLabel(context, kb) ?? (context.region ? kb.regions.label(context.region) : undefined);
  return {
    id: `p:${PROBLEM_TYPE_IDS.indexOf(problem)}:${contextKey(context)}:${audience === 'consumer' ? 'c' : 's'}`,
    title: `${p.emoji} ${p.label}${audience === 'consumer' ? ' · 转发给消费者' : ' · 工作人员版'}`,
    description: `${label ? `${label} · ` : ''}${audience === 'consumer' ? '写给消费者的投诉步骤' : '流程、时限、材料与依据'}`,
    html: procedureHtml(problem, context, audience, kb),
  };
}

/** The carrier card without its buttons, plus where to complain about it. */
function carrierArticle(c: Carrier, kb: KnowledgeBase): InlineArticle {
  const lines = carrierSummary(c, kb);
  const centre = c.region ? appealCentre(kb, c.region.province) : undefined;
  const appeal = procedureBook().channel('appeal');
  if (centre) lines.push('', markNumbers(`🏛 申诉:${escapeHtml(centre.label)}${centre.verified ? '' : '(名称未核实)'} · ${appeal.number ?? ''}`));
  return {
    id: `c:${c.id}`,
    title: c.hotline ? `📡 ${c.shortName}(${c.hotline})` : `📡 ${c.shortName}`,
    description: c.legalName,
    html: lines.join('\n'),
  };
}
