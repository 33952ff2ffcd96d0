import { periodLabel } from '../knowledge/ingest/bulletin-meta.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { isRegionOwner } from '../knowledge/periods/measures.ts';
import { readOwner } from '../knowledge/periods/owners.ts';
import { measureId, ownerLabel, periodIndex } from '../knowledge/periods/series.ts';
import { MAX_QUERY_CHARS } from './carrier.ts';
import { button } from './format.ts';
import type { InlineArticle } from './inline.ts';
import { escapeHtml, reply, type Button, type Reply } from './reply.ts';
import { changeText, pointSource, pointValue, trendButton, trendLine } from './trend.ts';

/** Question words around the measure: "有多少家", "是多少", "了多少人次", "几个". */
const QUESTION = /(?:目前|现在|现有|一共|总共|共|已经|已)?(?:有|是|达到|为|了|建了|做了|办了)?(?:多少|几)(?:[\p{Script=Han}]{0,3})?[?？吗呢呀]*$/u;
const ASKS = /多少|几[个家件次人项]|是否|有没有|[?？]/;

export interface Question {
  owner: string;
  name: string;
}

/**
 * A question in plain words, "吉林电信爱心翼站有多少家", "辽宁申诉多少件",
 * "吉林移动一键接入人工服务了多少人次": an owner and one of its measures.
 * Without a question word the words must name a measure closely (most of
 * its characters), so "吉林电信 宽带" stays a search.
 */
export type QuestionReading =
  | Question
  | { uncovered: string; rest: string }
  /** The owner is known and asked about, but reports no such measure: who else does. */
  | { missing: string; words: string; elsewhere: Question[] };

export function readQuestion(text: string, kb: KnowledgeBase): QuestionReading | undefined {
  const t = text.trim();
  if (!t || [...t].length > MAX_QUERY_CHARS) return undefined;
  const who = readOwner(t, kb);
  if (who.kind === 'none' || !who.rest) return undefined;
  const asks = ASKS.test(who.rest);
  const words = who.rest.replace(QUESTION, '').replace(/[\s?？]+/g, '');
  if (!words) return undefined;
  if (who.kind === 'uncovered') return asks ? { uncovered: who.label, rest: words } : undefined;
  const name = periodIndex(kb).match(who.owner, words);
  if (!name) {
    const elsewhere = asks ? periodIndex(kb).ownersWith(words) : [];
    return elsewhere.length ? { missing: who.label, words, elsewhere } : undefined;
  }
  if (!asks && !(name.includes(words) && [...words].length * 10 >= [...name].length * 6)) return undefined;
  return { owner: who.owner, name };
}

/** The latest figure of a measure, its period and source, and the change from the period before. */
export function answerQuestion(q: Question, kb: KnowledgeBase): Reply {
  const index = periodIndex(kb);
  const steps = index.steps(q.owner, q.name);
  const latest = steps.at(-1);
  const label = ownerLabel(q.owner, kb);
  if (!latest) return reply(`${escapeHtml(label)}没有“${escapeHtml(q.name)}”的数据。`);
  const lines = [
    `📊 <b>${escapeHtml(label)} · ${escapeHtml(q.name)}</b>`,
    `${periodLabel(latest.point.period)}:<b>${pointValue(latest.point, kb)}</b>`,
  ];
  const change = changeText(latest, kb);
  if (change) lines.push(change);
  else if (steps.length === 1) lines.push('(仅此一期,暂无可比的上一期)');
  lines.push(`📎 ${pointSource(latest.point)}`);
  if (steps.length > 1) lines.push('', `历次:${escapeHtml(trendLine(q.owner, q.name, kb))}`);
  const buttons: Button[] = [trendButton(q.owner, q.name)];
  const carrier = isRegionOwner(q.owner) ? undefined : kb.carrier(q.owner);
  if (carrier) buttons.push(button(`📡 ${carrier.shortName}`, { kind: 'carrier', carrierId: carrier.id }));
  return reply(lines.join('\n'), [buttons]);
}

/** Answers whatever readQuestion read. */
export function answerReading(q: QuestionReading, kb: KnowledgeBase): Reply {
  if ('uncovered' in q) return uncoveredAnswer(q.uncovered, kb);
  if ('missing' in q) return missingAnswer(q, kb);
  return answerQuestion(q, kb);
}

const ELSEWHERE_SHOWN = 6;

function missingAnswer(q: { missing: string; words: string; elsewhere: Question[] }, kb: KnowledgeBase): Reply {
  const lines = [`${escapeHtml(q.missing)}的通告中没有“${escapeHtml(q.words)}”这项数据。`, '', '报告了这项数据的有 👇'];
  const shown = q.elsewhere.slice(0, ELSEWHERE_SHOWN);
  for (const e of shown) lines.push(`• ${escapeHtml(ownerLabel(e.owner, kb))} · ${escapeHtml(e.name)}:${escapeHtml(trendLine(e.owner, e.name, kb))}`);
  const buttons = shown.map((e) => [button(`📈 ${ownerLabel(e.owner, kb)} · ${e.name}`.slice(0, 40), { kind: 'trend', owner: e.owner, measure: measureId(e.name) })]);
  return reply(lines.join('\n'), buttons);
}

/** A question about a place or carrier with no bulletins: say so plainly. */
export function uncoveredAnswer(label: string, kb: KnowledgeBase): Reply {
  const provinces = [...new Set(kb.bulletins.map((b) => kb.regions.label(b.region)))].join('、');
  return reply(`知识库中还没有${escapeHtml(label)}的通告数据。${provinces ? `目前收录:${escapeHtml(provinces)}。` : ''}发送 /bulletins 查看收录的通告。`);
}

/**
 * Inline mode: "@bot 吉林电信 爱心翼站" → the measure's trend line as a result
 * (latest figure, change, every period, source), ready to send into a chat.
 */
export function trendArticle(query: string, kb: KnowledgeBase): InlineArticle | undefined {
  const q = readQuestion(query, kb);
  if (!q || 'uncovered' in q || 'missing' in q) return undefined;
  const answer = answerQuestion(q, kb).messages[0]!;
  const latest = periodIndex(kb).points(q.owner, q.name).at(-1);
  return {
    id: `t:${q.owner}:${measureId(q.name)}`,
    title: `📈 ${ownerLabel(q.owner, kb)} · ${q.name}`,
    description: trendLine(q.owner, q.name, kb) || (latest ? latest.obs.raw : q.name),
    html: answer.html,
  };
}
