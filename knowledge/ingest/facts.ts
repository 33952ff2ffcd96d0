import { classify } from '../categories.ts';
import type { CategoryId, Fact, Figure, Region } from '../schema.ts';
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
  /** An official bulletin speaks for the regulator: area-wide statements are province-level. */
  official: boolean;
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
      const pieces = splitByCarrier(sentence, p.owner, ctx);
      pieces.forEach((piece, j) => {
        // A clause cut out of a sentence loses its trailing comma; a whole sentence keeps its ending.
        const text = pieces.length > 1 ? piece.text.replace(/[,;:]$/, '') : piece.text;
        if (text.replace(/[\s\p{P}]/gu, '').length < MIN_SENTENCE) return;
        const pieceLevel = piece.owner === REGION_OWNER ? 'province' : 'carrier';
        const figures = piece.figures ?? extractFigures(text);
        // Without figures a sentence must say something specific to count; a passing 满意度 is not a commitment.
        const weak = classify(text, pieceLevel);
        const category = figures.length
          ? (weak ?? inherited)
          : (classify(text, pieceLevel, MIN_SCORE_WITHOUT_FIGURES) ?? (weak && weak === inherited ? weak : undefined));
        if (!category) return;
        if (i === 0 && sentences.length > 1 && text.length <= LEAD_MAX && !figures.length) return;
        const cut = i === sentences.length - 1 && j === pieces.length - 1 && endsOpen(piece.text);
        // A short unfinished line with no figures is a subhead or caption, not a statement.
        if (cut && text.length <= LEAD_MAX && !figures.length) return;
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
      });
    });
  }
  return facts;
}

/** A sentence that cites an authority's statistics ("据深圳市工业和信息化局统计") is not the carrier speaking. */
const AUTHORITY_SOURCE = /^(?:[^,。]{0,12},)?据[^,。]{2,30}?(?:局|厅|委员会|委|部|办公室|中心|研究院)(?:的)?(?:统计|数据|消息|通报|监测)/;
/** Words that widen a clause to a whole area: what follows is about the area, not the carrier named before. */
const SCOPE = /^(?:截至[^,]{0,12},)?(全国|全省|全区|全市|全行业|行业|我省|我市|我区)/;
/** Words that may come before a clause's subject: "其中,浙江移动…", "同时,陕西联通…". */
const LEAD_IN = /^(?:其中|同时|此外|另外|分企业看|从企业看|具体来看|截至[^,]{0,12}|[一二三四五六七八九十]是)[,:]?/;

interface Piece {
  owner: string;
  text: string;
  figures?: Figure[];
}

/**
 * Who each part of a sentence is about.
 * - In the regulator's own text every clause that names a carrier is about it
 *   ("其中,浙江移动申告率为…,浙江电信为…"), and the rest stays province-level.
 * - In a carrier's text, another carrier named in passing ("与中国电信四川分公司
 *   共建共享") does not take the sentence; one that opens the sentence does.
 * - "A、B分别…x和y" pairs each carrier with its figure.
 * - A clause widened to 全省/全国 goes to the carrier of that scope named in the
 *   sentence, or to the province in an official bulletin.
 */
function splitByCarrier(sentence: string, owner: string, ctx: FactContext): Piece[] {
  if (AUTHORITY_SOURCE.test(sentence)) return [{ owner: REGION_OWNER, text: sentence }];
  const mentionsIn = (text: string): Array<{ id: string; start: number }> =>
    ctx.finder
      .find(text, ctx.declared)
      .map((m) => ({ id: carrierIdOf(m.ref), start: m.start }))
      .filter((m) => ctx.carrierRegions.has(m.id));
  const all = mentionsIn(sentence);
  if (!all.length) return [{ owner, text: sentence }];
  const leadIn = LEAD_IN.exec(sentence)?.[0].length ?? 0;
  const opensWith = (m: { start: number }): boolean => m.start <= leadIn + 1;
  const ids = [...new Set(all.map((m) => m.id))];
  if (owner !== REGION_OWNER && ids.length === 1) {
    return [{ owner: opensWith(all[0]!) || ids[0] === owner ? ids[0]! : owner, text: sentence }];
  }

  const pieces: Piece[] = [];
  let current = owner;
  for (const clause of splitClauses(sentence)) {
    const here = mentionsIn(clause);
    const hereIds = [...new Set(here.map((m) => m.id))];
    if (hereIds.length > 1 && /分别/.test(clause)) {
      const figures = extractFigures(clause);
      if (figures.length === hereIds.length) {
        hereIds.forEach((id, i) => pieces.push({ owner: id, text: clause, figures: [figures[i]!] }));
        current = owner;
        continue;
      }
    }
    let clauseOwner: string;
    if (hereIds.length === 1) {
      const clauseLead = LEAD_IN.exec(clause)?.[0].length ?? 0;
      clauseOwner = owner === REGION_OWNER || here[0]!.start <= clauseLead + 1 || hereIds[0] === owner ? hereIds[0]! : current;
    } else if (hereIds.length > 1) {
      clauseOwner = owner === REGION_OWNER ? REGION_OWNER : current;
    } else {
      const scope = SCOPE.exec(clause)?.[1];
      clauseOwner = scope ? scopeOwner(scope, ids, owner, ctx) : current;
    }
    current = clauseOwner;
    const last = pieces.at(-1);
    if (last && last.owner === clauseOwner && !last.figures) last.text += clause;
    else pieces.push({ owner: clauseOwner, text: clause });
  }
  return pieces;
}

/** The carrier whose reach matches an area word: a province branch for 全省, a national group for 全国. */
function scopeOwner(scope: string, named: readonly string[], owner: string, ctx: FactContext): string {
  if (ctx.official) return REGION_OWNER;
  const level = scope === '全国' ? 'national' : scope === '全市' || scope === '我市' ? 'city' : 'province';
  const match = named.find((id) => {
    const r = ctx.carrierRegions.get(id);
    if (level === 'national') return r?.province === 'CN';
    if (level === 'city') return Boolean(r?.city);
    return r && r.province !== 'CN' && !r.city;
  });
  return match ?? owner;
}
