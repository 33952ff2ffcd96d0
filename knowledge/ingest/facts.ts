import { classify } from '../categories.ts';
import type { CategoryId, Fact, Figure, Region } from '../schema.ts';
import { REGION_OWNER, type Placement } from './attribution.ts';
import { regionIndex } from '../regions.ts';
import { carrierIdOf, type MentionFinder, type CarrierRef, type Mention } from './carrier-mentions.ts';
import { locateFigures, type LocatedFigure } from './figures.ts';
import { endsOpen, NUMBERED_HEADING } from './paragraphs.ts';
import { clauseSpans, splitSentences } from './sentences.ts';
import { continuedTable, isCaption, readTable, splitRow, tableLines, type Table } from './tables.ts';

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
  /**
   * Called when a table row names a carrier only by its group word (移动, 中国电信) and the
   * document names it nowhere else: the caller adds it to the document's carriers. Without
   * it such rows stay with the paragraph's owner.
   */
  addCarrier?: (id: string, ref: CarrierRef) => void;
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

  /** The table just read and the placement after it, where rows a page break cut off may follow. */
  let lastTable: { table: Table; next: number } | undefined;
  for (let at = 0; at < placements.length; at++) {
    const p = placements[at]!;
    const table = tableAt(placements, at);
    if (table) {
      facts.push(...tableFacts(table.table, placements.slice(at, at + table.length), sectionCategory.get(p.owner), ctx, facts.length));
      at += table.length - 1;
      lastTable = { table: table.table, next: at + 1 };
      continue;
    }
    // "云南联通 | 451 | 4.02" after a blank line (a PDF page break): the same table, under its header.
    const continued = lastTable?.next === at ? continuedTable(lastTable.table, p.text.split('\n')) : undefined;
    if (continued) {
      facts.push(...tableFacts(continued, [p], sectionCategory.get(p.owner), ctx, facts.length));
      lastTable = { table: continued, next: at + 1 };
      continue;
    }
    // A table's caption gives the table its measure; it is not a statement by itself.
    if (isCaption(p.text) && !/\d/.test(p.text.replace(/^(?:附表|表)\s*\d+/, '')) && tableAt(placements, at + 1)) continue;
    const level = p.owner === REGION_OWNER ? 'province' : 'carrier';
    const own = classify(p.text, level);
    if (p.role === 'heading' && !/\d/.test(p.text.replace(NUMBERED_HEADING, ''))) {
      if (own) sectionCategory.set(p.owner, own);
      else sectionCategory.delete(p.owner);
      continue;
    }
    const sentences = splitSentences(p.text);
    const lead = sentences[0] ? classify(sentences[0], level) : undefined;
    // In a regulator's section (二、分企业申诉情况) a paragraph about one carrier still follows the section's topic.
    const section = sectionCategory.get(p.owner) ?? (ctx.official ? sectionCategory.get(REGION_OWNER) : undefined);
    const excerpt = p.text.slice(0, EXCERPT) + (p.text.length > EXCERPT ? '…' : '');
    /** Figures of the paragraph so far: a sentence that names only its carrier ("黑龙江电信为4.18…") measures what they did. */
    const prior: Figure[] = [];
    /** The category of the paragraph's last fact: a sentence with figures and no topic words of its own continues it. */
    let running: CategoryId | undefined;
    sentences.forEach((sentence, i) => {
      // The lead sentence sets the topic for the rest, not for itself.
      const inherited = (i > 0 ? lead : undefined) ?? section;
      const pieces = splitByCarrier(sentence, p.owner, ctx, prior);
      prior.push(...pieces.flatMap((x) => x.figures));
      // A clause cut out of a sentence ("其中重庆移动13件") keeps the sentence's topic.
      // Resellers named beside the carriers ("…中国联通占25.6%,移动转售企业占6.8%") do not make the carriers' clauses about resale.
      const sentenceTopic = pieces.length > 1 ? classify(sentence.replace(RESALE_WORDS, ''), 'province') : undefined;
      pieces.forEach((piece, j) => {
        // A clause cut out of a sentence loses its trailing comma; a whole sentence keeps its ending.
        const text = pieces.length > 1 ? piece.text.replace(/[,;:]$/, '') : piece.text;
        if (text.replace(/[\s\p{P}]/gu, '').length < MIN_SENTENCE) return;
        const pieceLevel = piece.owner === REGION_OWNER ? 'province' : 'carrier';
        const figures = piece.figures;
        // Without figures a sentence must say something specific to count; a passing 满意度 is not a commitment.
        const weak = classify(text, pieceLevel);
        const own = sentenceTopic ?? inherited;
        const topic = own && pieceLevel === 'carrier' ? carrierTopic(own) : own;
        // A regulator counting a carrier's cases without naming them ("涉及云南电信96件") counts its complaints.
        const carrierCount = ctx.official && pieceLevel === 'carrier' ? 'complaint_stats' : undefined;
        const category = figures.length
          ? (weak ??
            topic ??
            (running && pieceLevel === 'carrier' ? carrierTopic(running) : running) ??
            // "我公司移动电话用户达到1214万户": words of a province's statistics, said of one carrier.
            (pieceLevel === 'carrier' ? provinceWordsForCarrier(text) : undefined) ??
            carrierCount)
          : (classify(text, pieceLevel, MIN_SCORE_WITHOUT_FIGURES) ?? (weak && weak === topic ? weak : undefined));
        if (!category) return;
        if (!figures.length && isAddressee(text)) return;
        // A lead-in cut off the clauses it introduces ("被举报号码中,", "从企业看,") says nothing by itself.
        if (pieces.length > 1 && !figures.length && /(?:中|看|如下|依次为|分别为)$/.test(text)) return;
        // A carrier's clause cut out of the lead ("…渠道投诉:中国电信客户服务热线10000;") says something of its own.
        if (i === 0 && sentences.length > 1 && text.length <= LEAD_MAX && !figures.length && (pieces.length === 1 || j === 0)) return;
        running = category;
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

/** A province-wide topic as it applies to one carrier: the province's appeals are the carrier's complaint figures. */
function carrierTopic(category: CategoryId): CategoryId | undefined {
  if (category === 'province_appeals') return 'complaint_stats';
  return category === 'province_users' ? undefined : category;
}

/** A carrier's own user counts are its profile (企业概况), as the province's are the province's user totals. */
function provinceWordsForCarrier(text: string): CategoryId | undefined {
  const category = classify(text, 'province');
  return category === 'province_users' ? 'profile' : category ? carrierTopic(category) : undefined;
}

/**
 * The addressee line of a bulletin ("中国电信…甘肃分公司(以下简称甘肃电信)、…,各移动通信转售企业:"):
 * a list of names, not a statement.
 */
function isAddressee(text: string): boolean {
  if (!/[::]$/.test(text)) return false;
  const rest = text
    .replace(/[((][^()()]*[))]/g, '')
    .replace(/[^、,,::]*?(?:公司|集团|企业|单位|办公室|管理局|部门|中心)(?=[、,,::]|$)/g, '')
    .replace(/[\s\p{P}]/gu, '');
  return rest.length < 4;
}

/** A sentence that cites an authority's statistics ("据深圳市工业和信息化局统计") is not the carrier speaking. */
const AUTHORITY_SOURCE = /^(?:[^,。]{0,12},)?据[^,。]{2,30}?(?:局|厅|委员会|委|部|办公室|中心|研究院)(?:的)?(?:统计|数据|消息|通报|监测)/;
/** A carrier speaking of itself. */
const SELF = /我公司|本公司|我司|本企业/;
/** A clause that only states a change ("同比下降12%") continues the clause before it. */
const CHANGE_ONLY = /^(?:同比|环比|较|比|与)/;

/**
 * "据省申诉受理中心统计,全省共受理申诉3000件,其中涉及我公司1200件": an authority's statistics
 * quoted by a carrier are the region's, except the clauses about the carrier itself.
 */
function citedWithSelf(sentence: string, owner: string, located: readonly LocatedFigure[]): Piece[] {
  const pieces: Piece[] = [];
  let current = REGION_OWNER;
  for (const clause of clauseSpans(sentence)) {
    current = SELF.test(clause.text) ? owner : CHANGE_ONLY.test(clause.text) ? current : REGION_OWNER;
    const figures = located.filter((f) => f.start >= clause.start && f.start < clause.end).map((f) => f.figure);
    const last = pieces.at(-1);
    if (last && last.owner === current) {
      last.text += clause.text;
      last.figures.push(...figures);
    } else pieces.push({ owner: current, text: clause.text, figures });
  }
  return pieces;
}

/** Words that widen a clause to a whole area: what follows is about the area, not the carrier named before. */
const SCOPE = /^(?:截至[^,]{0,12},)?(全国|全省|全区|全市|全行业|行业|我省|我市|我区)/;
const RESALE_WORDS = /移动(?:通信)?转售(?:企业|业务)?|转售企业|虚拟运营商/g;
/** Words that introduce what a clause is about: "涉及上海移动的申诉…", "针对中国联通…", "对移动转售企业…". */
const ABOUT = '(?:涉及|针对|对于|关于|有关|对)?';
/** Subjects that are not carriers: 移动转售 resellers, or all companies at once. In a regulator's text they are its own statistics. */
const OTHER_SUBJECT = new RegExp(String.raw`^(?:[^,]{0,8},)?${ABOUT}(?:移动(?:通信)?转售企业|转售企业|虚拟运营商|各(?:基础)?电信(?:运营)?企业|各企业|各运营商|其他企业|其余企业|其他运营商|其他)`);
/**
 * Words that may come before a clause's subject: "其中,浙江移动…", "同时,陕西联通…",
 * and a carrier introduced by 涉及/针对 ("其中,涉及上海移动的申诉529人次"): the clause is about it.
 */
const LEAD_IN = new RegExp(
  String.raw`^(?:(?:其中|同时|此外|另外|分企业看|从企业看|具体来看|截至[^,]{0,12}|[一二三四五六七八九十]是)[,:]?)?${ABOUT}`,
);

interface Piece {
  owner: string;
  text: string;
  figures: Figure[];
  /** Paired with its figure by 分别: nothing more is added to it. */
  paired?: boolean;
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
function splitByCarrier(sentence: string, owner: string, ctx: FactContext, prior: readonly Figure[] = []): Piece[] {
  const named = ctx.finder.find(sentence, ctx.declared, { local: true });
  // Figures are read in the whole sentence, so a clause that only says "浙江电信为0.48件/百万用户" keeps the measure named before it.
  const all = locateFigures(sentence, { names: named, prior });
  // "高于全区平均水平(8.9件/百万用户)": the bracketed figure is the area's average, never the carrier the clause is about.
  const averages = all.filter((f) => AVERAGE_BEFORE.test(sentence.slice(Math.max(0, f.start - 24), f.start)));
  const pieces = carrierPieces(sentence, owner, ctx, named, averages.length ? all.filter((f) => !averages.includes(f)) : all);
  for (const f of averages) {
    const clause = clauseSpans(sentence).find((c) => f.start >= c.start && f.start < c.end);
    pieces.push({ owner: averageOwner(sentence, f.start, named, ctx), text: clause?.text ?? sentence, figures: [f.figure], paired: true });
  }
  return pieces;
}

/** Words between an average's name and its figure in brackets: 平均水平(, 全省平均值(. */
const AVERAGE_BEFORE = /平均(?:水平|值|数|线)?\s*[((]\s*$/;
/** A carrier's name right before the scope of an average ("四川移动全省平均水平") makes the average its own. */
const OWN_AVERAGE = /^(?:的)?(?:全省|全区|全市|全国|全网|全行业|行业|省内|区内|市内)?平均(?:水平|值|数|线)?\s*[((]\s*$/;

/**
 * Whose an average in brackets is: the carrier named right before its scope
 * ("低于四川移动全省平均水平(1.12件/百万用户)" in a city branch's report is the
 * province company's), otherwise the area's.
 */
function averageOwner(sentence: string, at: number, named: readonly Mention[], ctx: FactContext): string {
  const before = named.filter((m) => m.end <= at && OWN_AVERAGE.test(sentence.slice(m.end, at))).at(-1);
  if (!before) return REGION_OWNER;
  return (before.form === 'local' ? localOwner(before, ctx) : adopt(before.ref, ctx)) ?? REGION_OWNER;
}

function carrierPieces(sentence: string, owner: string, ctx: FactContext, named: readonly Mention[], located: readonly LocatedFigure[]): Piece[] {
  const within = (start: number, end: number): LocatedFigure[] => located.filter((f) => f.start >= start && f.start < end);
  const whole = (o: string): Piece[] => [{ owner: o, text: sentence, figures: located.map((f) => f.figure) }];
  if (AUTHORITY_SOURCE.test(sentence)) return owner !== REGION_OWNER && SELF.test(sentence) ? citedWithSelf(sentence, owner, located) : whole(REGION_OWNER);
  // A regulator's bare "电信、移动、联通" are the companies it regulates; 中国移动 in running text keeps its own reading.
  const bare = (m: { text: string; ref: CarrierRef }): boolean => ctx.official && !m.ref.region && BARE_WORD.test(m.text);
  const all = named
    .map((m) => ({ id: m.form === 'local' ? (localOwner(m, ctx) ?? '') : bare(m) ? (groupWordOwner(m.text, ctx) ?? '') : carrierIdOf(m.ref), start: m.start }))
    .filter((m) => known(ctx, m.id));
  // "其他企业27件", "各企业要…": not a carrier's. A sentence that goes on to name carriers
  // ("各企业申诉率依次为:河南移动(1.85…)、…") is split into its clauses below.
  if (ctx.official && OTHER_SUBJECT.test(sentence) && !all.length) return whole(REGION_OWNER);
  if (!all.length) return whole(owner);
  const leadIn = LEAD_IN.exec(sentence)?.[0].length ?? 0;
  const opensWith = (m: { start: number }): boolean => m.start <= leadIn + 1;
  const ids = [...new Set(all.map((m) => m.id))];
  // In a carrier's text another carrier named in passing does not take the sentence. In a regulator's
  // text a carrier named is a subject, whoever the paragraph opened with ("三家企业中,内蒙古移动…。
  // 与上季度相比,内蒙古电信降幅最大"): its clauses are read below.
  if (owner !== REGION_OWNER && ids.length === 1 && !(ctx.official && ids[0] !== owner)) {
    return whole(opensWith(all[0]!) || ids[0] === owner ? ids[0]! : owner);
  }

  const pieces: Piece[] = [];
  let current = owner;
  /** The owners a 分别 clause listed, for a later clause that pairs more figures with them ("…申诉率分别为17.8、7.3和19.2"). */
  let listed: string[] = [];
  for (const clause of clauseSpans(sentence)) {
    const here = all.filter((m) => m.start >= clause.start && m.start < clause.end).map((m) => ({ ...m, start: m.start - clause.start }));
    const hereIds = [...new Set(here.map((m) => m.id))];
    const figures = within(clause.start, clause.end);
    // "中国移动和中国联通…分别…13.9%和14.3%", "A、B分别为x、y": each owner in order gets its figure.
    if (hereIds.length > 1) listed = hereIds;
    const pairs = hereIds.length > 1 ? hereIds : hereIds.length === 0 ? listed : [];
    if (pairs.length > 1 && /分别|依次/.test(clause.text) && figures.length === pairs.length) {
      pairs.forEach((id, i) => pieces.push({ owner: id, text: clause.text, figures: [figures[i]!.figure], paired: true }));
      current = owner;
      continue;
    }
    // "河南移动(1.85件/百万用户)、河南广电(2.04件/百万用户)": names and figures in turn, each figure its name's.
    const turns = hereIds.length > 1 ? inTurn(here.map((m) => ({ id: m.id, start: m.start + clause.start })), figures) : undefined;
    if (turns) {
      for (const t of turns) pieces.push({ owner: t.id, text: clause.text, figures: t.figures.map((f) => f.figure), paired: true });
      current = turns.at(-1)!.id;
      continue;
    }
    // "上海联通、上海电信各10件": one figure for each of them; so is a rate stated for a list
    // ("中国移动、中国电信处置率为100%"), which a total (共, 合计) never is.
    const shared =
      figures.length === 1 &&
      (/各\s*$/.test(sentence.slice(clause.start, figures[0]!.start)) ||
        (isRate(figures[0]!.figure) && !figures[0]!.figure.change && !/共|合计|累计|总|平均/.test(clause.text)));
    if (hereIds.length > 1 && shared && isList(sentence, here.map((m) => m.start + clause.start), named)) {
      hereIds.forEach((id) => pieces.push({ owner: id, text: clause.text, figures: [{ ...figures[0]!.figure }], paired: true }));
      current = owner;
      continue;
    }
    let clauseOwner: string;
    if (hereIds.length === 1) {
      const clauseLead = LEAD_IN.exec(clause.text)?.[0].length ?? 0;
      const offset = clause.text.length ? sentence.slice(clause.start).indexOf(clause.text) : 0;
      clauseOwner = owner === REGION_OWNER || ctx.official || here[0]!.start - offset <= clauseLead + 1 || hereIds[0] === owner ? hereIds[0]! : current;
    } else if (hereIds.length > 1) {
      clauseOwner = owner === REGION_OWNER ? REGION_OWNER : current;
    } else if (ctx.official && OTHER_SUBJECT.test(clause.text)) {
      clauseOwner = REGION_OWNER;
    } else {
      const scope = SCOPE.exec(clause.text)?.[1];
      clauseOwner = scope ? scopeOwner(scope, ids, owner, ctx) : current;
    }
    current = clauseOwner;
    const last = pieces.at(-1);
    if (last && last.owner === clauseOwner && !last.paired) {
      last.text += clause.text;
      last.figures.push(...figures.map((f) => f.figure));
    } else pieces.push({ owner: clauseOwner, text: clause.text, figures: figures.map((f) => f.figure) });
  }
  return pieces;
}

/**
 * Names and figures alternating in one clause, every name followed by its own figures before
 * the next name: the figures of each. Undefined when a name has none (a list sharing one figure)
 * or a figure comes before the first name.
 */
function inTurn(names: ReadonlyArray<{ id: string; start: number }>, figures: readonly LocatedFigure[]): Array<{ id: string; figures: LocatedFigure[] }> | undefined {
  if (!figures.length || figures[0]!.start < names[0]!.start) return undefined;
  const turns = names.map((n, i) => ({ id: n.id, figures: figures.filter((f) => f.start > n.start && (i + 1 >= names.length || f.start < names[i + 1]!.start)) }));
  return turns.every((t) => t.figures.length) ? turns : undefined;
}

/** A rate or share, which holds for each of several owners, unlike a count. */
function isRate(f: Figure): boolean {
  return f.unit === '%' || f.unit === '‰' || f.unit.includes('/');
}

/** Whether the carriers starting at these offsets are written as one list ("A、B", "A和B"), nothing but conjunctions between them. */
function isList(sentence: string, starts: readonly number[], named: ReadonlyArray<{ start: number; end: number }>): boolean {
  const spans = starts.map((st) => named.find((n) => n.start === st)).filter((n): n is { start: number; end: number } => Boolean(n));
  return spans.every((n, i) => i === 0 || /^\s*[、和及与]\s*$/.test(sentence.slice(spans[i - 1]!.end, n.start)));
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

/** A line that could be a table row: cells, no sentence end. */
function rowLike(text: string): boolean {
  if (/^[\s|:\-—=+]+$/.test(text) && text.includes('|')) return true;
  return text.length <= 240 && !/[。!?]/.test(text) && (splitRow(text) !== undefined || text.trim().split(/\s+/).length >= 3);
}

/**
 * A table starting at placement `at`: one paragraph holding the rows on
 * separate lines (or pipe rows run together, "…||…"), or a run of
 * one-row paragraphs. The paragraph before may be its caption.
 */
function tableAt(placements: readonly Placement[], at: number): { table: Table; length: number } | undefined {
  const p = placements[at]!;
  const caption = at > 0 ? placements[at - 1]!.text : undefined;
  const own = p.text.includes('\n') ? p.text.split('\n') : /\|\s*\|/.test(p.text) ? p.text.split(/\|\s*\|/) : undefined;
  if (own) {
    // A caption glued to the header by a page join ("表一:…统计 | 上季度(件) | …") is the caption still.
    const [first, ...cells] = own[0]!.split('|');
    const glued = cells.length > 1 && first && isCaption(first.trim()) ? first.trim() : undefined;
    if (glued) own[0] = cells.join('|');
    const table = readTable(own, glued ?? caption);
    if (table) return { table, length: 1 };
  }
  if (!rowLike(p.text)) return undefined;
  let end = at + 1;
  while (end < placements.length && rowLike(placements[end]!.text)) end++;
  if (end - at < 2) return undefined;
  const table = readTable(placements.slice(at, end).map((x) => x.text), caption);
  return table ? { table, length: end - at } : undefined;
}

const TOTAL_ROW = /^(?:合计|总计|小计|全省|全国|全市|全区|全行业|行业|平均|行业平均|总体|整体|全网)/;
const GROUP_WORD = /^(?:中国)?(移动|联通|电信|广电|铁塔|铁通|网通)(?:公司|集团)?$/;
const BARE_WORD = /^(?:移动|联通|电信|广电|铁塔|铁通|网通)$/;
const GROUP_OF_WORD: Record<string, CarrierRef['group']> = { 移动: 'cm', 联通: 'cu', 电信: 'ct', 广电: 'cbn', 铁塔: 'tower', 铁通: 'ctt', 网通: 'cnc' };

/**
 * Whose a table row is: a total row is the region's; a carrier's name as
 * the document writes it; a bare group word (移动, 中国电信) is the group in a
 * national bulletin and the bulletin's province branch otherwise.
 */
function rowOwner(label: string, ctx: FactContext): string | undefined {
  const clean = label.replace(/\s+/g, '');
  if (TOTAL_ROW.test(clean)) return REGION_OWNER;
  if (GROUP_WORD.test(clean)) return groupWordOwner(clean, ctx);
  const found = ctx.finder.find(clean, ctx.declared, { local: true });
  // "省电信公司" as a row of an older bulletin's table: the bulletin's own area's company.
  if (found.length === 1 && found[0]!.form === 'local' && found[0]!.text === clean) return localOwner(found[0]!, ctx);
  return found.map((m) => carrierIdOf(m.ref)).find((id) => ctx.carrierRegions.has(id));
}

/** Carriers a document names only by a group word, added while its facts were built. */
const added = new WeakMap<FactContext, Set<string>>();

function known(ctx: FactContext, id: string): boolean {
  return ctx.carrierRegions.has(id) || Boolean(added.get(ctx)?.has(id));
}

/**
 * 移动, 中国电信 … written alone: the group in a national bulletin, the
 * bulletin's province branch otherwise (a provincial bulletin's "电信、移动、联通"
 * are its own province's companies).
 */
function groupWordOwner(text: string, ctx: FactContext): string | undefined {
  const word = GROUP_WORD.exec(text.replace(/\s+/g, ''))?.[1];
  if (!word) return undefined;
  const group = GROUP_OF_WORD[word]!;
  return adopt(ctx.bulletinRegion.province === 'CN' ? { group } : { group, region: { province: ctx.bulletinRegion.province } }, ctx);
}

/**
 * "省电信公司", "市移动公司", "移动公司" in a regulator's text: its own area's
 * company. 省/区/市 must be the level the bulletin speaks for (a provincial
 * bulletin's 市移动公司 could be any city's), except 省 in a city's bulletin,
 * which is its province's company. A carrier's or a reporter's text has no
 * such area, so there they name nobody.
 */
function localOwner(m: Mention, ctx: FactContext): string | undefined {
  if (!ctx.official) return undefined;
  const home = ctx.bulletinRegion;
  const group = m.ref.group;
  if (home.province === 'CN') return m.level ? undefined : adopt({ group }, ctx);
  if (!m.level) return adopt({ group, region: home }, ctx);
  if (regionIndex().scopeWord(home) === `全${m.level}`) return adopt({ group, region: home }, ctx);
  if (m.level === '省' && home.city) return adopt({ group, region: { province: home.province } }, ctx);
  return undefined;
}

/** The id of a carrier the document names only by a group or local word, added to its carriers when new. */
function adopt(ref: CarrierRef, ctx: FactContext): string | undefined {
  const id = carrierIdOf(ref);
  if (known(ctx, id)) return id;
  if (!ctx.addCarrier) return undefined;
  ctx.addCarrier(id, ref);
  added.set(ctx, (added.get(ctx) ?? new Set()).add(id));
  return id;
}

/** One fact per table line: the row's owner, its figures with their columns, the caption's measure. */
function tableFacts(table: Table, parts: readonly Placement[], section: CategoryId | undefined, ctx: FactContext, count: number): Fact[] {
  const head = parts[0]!;
  const isOwner = (label: string): boolean =>
    TOTAL_ROW.test(label) || GROUP_WORD.test(label.replace(/\s+/g, '')) || ctx.finder.find(label, ctx.declared, { local: ctx.official }).length > 0;
  const context = `${table.caption ?? ''} ${table.measure ?? ''} ${table.header.join(' ')}`;
  const excerpt = head.text.slice(0, EXCERPT) + (head.text.length > EXCERPT ? '…' : '');
  const facts: Fact[] = [];
  for (const line of tableLines(table, isOwner)) {
    if (!line.figures.length) continue;
    const owner = rowOwner(line.label, ctx);
    const ownerId = owner ?? head.owner;
    if (!owner) {
      // A row that is a topic, not an owner ("网络质量"): the row names the measure.
      for (const f of line.figures) f.label = `${line.label}${f.label ?? ''}`;
    }
    const level = ownerId === REGION_OWNER ? 'province' : 'carrier';
    const category = classify(`${context} ${line.text}`, level) ?? section ?? (level === 'province' ? 'province_appeals' : 'complaint_stats');
    facts.push({
      id: `${ctx.bulletinId}-${count + facts.length + 1}`,
      carrierId: ownerId === REGION_OWNER ? null : ownerId,
      region: ownerId === REGION_OWNER ? ctx.bulletinRegion : (ctx.carrierRegions.get(ownerId) ?? regionOfId(ownerId, ctx.bulletinRegion)),
      bulletinId: ctx.bulletinId,
      category,
      text: line.text,
      figures: line.figures,
      source: { bulletinId: ctx.bulletinId, paragraphs: [...new Set(parts.flatMap((x) => x.parts))], excerpt },
    });
  }
  return facts;
}

/** The region in a carrier id made for a table row ("cm-zj" → ZJ, "cm" → national). */
function regionOfId(id: string, fallback: Region): Region {
  const province = id.split('-')[1];
  return province ? { province: province.toUpperCase() } : id.includes('-') ? fallback : { province: 'CN' };
}
