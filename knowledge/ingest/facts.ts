import { classify } from '../categories.ts';
import type { CategoryId, Fact, Region } from '../schema.ts';
import { REGION_OWNER, type Placement } from './attribution.ts';
import { carrierIdOf, type MentionFinder, type CarrierRef } from './carrier-mentions.ts';
import { extractFigures } from './figures.ts';
import { endsOpen, NUMBERED_HEADING } from './paragraphs.ts';
import { splitClauses, splitSentences } from './sentences.ts';

const EXCERPT = 30;
const MIN_SENTENCE = 6;
/** Short lead sentences ("一是强化垃圾短信拦截。") give their category to what follows, but are not facts. */
const LEAD_MAX = 18;
const MIN_SCORE_WITHOUT_FIGURES = 3;

export interface FactContext {
  bulletinId: string;
  bulletinRegion: Region;
  finder: MentionFinder;
  declared: ReadonlyMap<string, CarrierRef>;
  /** Carrier id → region, for the carriers this document is about. */
  carrierRegions: ReadonlyMap<string, Region>;
}

/**
 * Turns placed paragraphs into facts: one per sentence that says something
 * in a category, split further where a sentence names several carriers in turn
 * ("吉林移动…,吉林联通…"). A sentence without category words takes its
 * paragraph's lead or its section heading's category if it carries figures.
 */
export function buildFacts(placements: readonly Placement[], ctx: FactContext): Fact[] {
  const facts: Fact[] = [];
  const sectionCategory = new Map<string, CategoryId>();

  for (const p of placements) {
    const level = p.owner === REGION_OWNER ? 'province' : 'carrier';
    const own = classify(p.text, level);
    if (p.role === 'heading' && !/\d/.test(p.text.replace(NUMBERED_HEADING, ''))) {
      if (own) sectionCategory.set(p.owner, own);
      else sectionCategory.delete(p.owner);
      continue;
    }
    const sentences = splitSentences(p.text);
    const lead = sentences[0] ? classify(sentences[0], level) : undefined;
    const section = sectionCategory.get(p.owner);
    const excerpt = p.text.slice(0, EXCERPT) + (p.text.length > EXCERPT ? '…' : '');
    sentences.forEach((sentence, i) => {
      // The lead sentence sets the topic for the rest, not for itself.
      const inherited = (i > 0 ? lead : undefined) ?? section;
      for (const piece of splitByCarrier(sentence, p.owner, ctx)) {
        const text = piece.text;
        if (text.replace(/[\s\p{P}]/gu, '').length < MIN_SENTENCE) continue;
        const pieceLevel = piece.owner === REGION_OWNER ? 'province' : 'carrier';
        const figures = extractFigures(text);
        // Without figures a sentence must say something specific to count; a passing 满意度 is not a commitment.
        const weak = classify(text, pieceLevel);
        const category = figures.length
          ? (weak ?? inherited)
          : (classify(text, pieceLevel, MIN_SCORE_WITHOUT_FIGURES) ?? (weak && weak === inherited ? weak : undefined));
        if (!category) continue;
        if (i === 0 && sentences.length > 1 && text.length <= LEAD_MAX && !figures.length) continue;
        const cut = i === sentences.length - 1 && endsOpen(text);
        // A short unfinished line with no figures is a subhead or caption, not a statement.
        if (cut && text.length <= LEAD_MAX && !figures.length) continue;
        facts.push({
          id: `${ctx.bulletinId}-${facts.length + 1}`,
          carrierId: piece.owner === REGION_OWNER ? null : piece.owner,
          region: piece.owner === REGION_OWNER ? ctx.bulletinRegion : (ctx.carrierRegions.get(piece.owner) ?? ctx.bulletinRegion),
          bulletinId: ctx.bulletinId,
          category,
          text: cut ? `${text}…` : text,
          figures,
          source: { bulletinId: ctx.bulletinId, paragraphs: p.parts, excerpt },
        });
      }
    });
  }
  return facts;
}

/**
 * Sentences about one carrier stay whole. Where a sentence names several,
 * each clause goes to the carrier it names; clauses naming none stay with
 * the carrier named before them.
 */
function splitByCarrier(sentence: string, owner: string, ctx: FactContext): Array<{ owner: string; text: string }> {
  const named = (text: string): string[] => [
    ...new Set(
      ctx.finder
        .find(text, ctx.declared)
        .map((m) => carrierIdOf(m.ref))
        .filter((id) => ctx.carrierRegions.has(id)),
    ),
  ];
  const carriers = named(sentence);
  if (carriers.length === 0) return [{ owner, text: sentence }];
  if (carriers.length === 1) return [{ owner: carriers[0]!, text: sentence }];
  const pieces: Array<{ owner: string; text: string }> = [];
  for (const clause of splitClauses(sentence)) {
    const here = named(clause);
    const last = pieces.at(-1);
    const clauseOwner = here[0] ?? last?.owner ?? owner;
    if (last && last.owner === clauseOwner && here.length === 0) last.text += clause;
    else pieces.push({ owner: clauseOwner, text: clause });
  }
  return pieces;
}
