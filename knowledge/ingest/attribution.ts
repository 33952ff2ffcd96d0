import { carrierIdOf } from './carrier-mentions.ts';
import { joinWrapped, NUMBERED_HEADING } from './paragraphs.ts';
import type { Join } from './page-joins.ts';
import type { RoledParagraph } from './roles.ts';

/** Owner of province-level (or national) text: the regulator's own voice. */
export const REGION_OWNER = '*';

export type How = 'mention' | 'context' | 'signature' | 'continuation' | 'province' | 'default';

export interface Placement {
  /** Paragraph numbers of the head and any tails joined onto it. */
  parts: number[];
  text: string;
  role: RoledParagraph['role'];
  owner: string;
  how: How;
  carriers: string[];
}

/** Things only the regulator reports: the appeal centre's caseload, its breakdown of all appeals, and province-wide user totals. */
const PROVINCE_SIGNAL = /申诉受理中心|申诉受理机构|受理(?:用户)?申诉\d|全省电话用户|用户总数|基础电信企业|各电信企业|申诉总量|申诉内容看|申诉类型看/;
/**
 * The appeal centre as the agent, not the speaker: "被江西省电信用户申诉受理中心转办申诉1284件",
 * "经省申诉受理中心转来的申诉", "申诉受理中心受理涉及我公司的申诉". In a carrier's own text these
 * are the carrier's appeals.
 */
const HANDLED_BY_CENTRE = /被[^,。;]{0,24}?(?:申诉受理中心|申诉受理机构)|(?:申诉受理中心|申诉受理机构)[^,。;]{0,4}?转(?:办|来|交|派)|(?:涉及|针对)?(?:我公司|本公司|我司|本企业)/;
/** How near the start a carrier's name must be for the paragraph to be about that carrier. */
export const SUBJECT_WINDOW = 12;

/** Customer-service numbers name their group as surely as its name does ("10010热线" is 中国联通's). */
const HOTLINES: Record<string, string> = { '10086': 'cm', '10010': 'cu', '10000': 'ct', '10099': 'cbn' };

/**
 * The carrier a paragraph's hotline points to, when it cites exactly one
 * group's number and the document has exactly one carrier of that group.
 */
function hotlineOwner(text: string, carriersByGroup: ReadonlyMap<string, string[]>): string | undefined {
  const groups = new Set([...text.matchAll(/(?<!\d)(10086|10010|10000|10099)(?!\d)/g)].map((m) => HOTLINES[m[1]!]!));
  if (groups.size !== 1) return undefined;
  const candidates = carriersByGroup.get([...groups][0]!) ?? [];
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * Decides who each paragraph speaks for, reading in file order the way a
 * person would:
 * - an anchor (intro declaring a 简称, a report heading) opens that carrier's part;
 * - a paragraph that starts with a carrier's name is about it, and so is what follows;
 * - the tail of a cut sentence returns the reader to its head's page and owner;
 * - a signature claims the unowned paragraphs directly above it, but not ones
 *   that plainly belong to someone else, and not across a repeated page: a
 *   signature after dropped duplicates closes the duplicate, not new text;
 * - what remains goes to the document's default owner (the province for an
 *   official bulletin, the subject for a report or news story) and is listed
 *   as unplaced when no default fits.
 */
export function attribute(
  paragraphs: readonly RoledParagraph[],
  duplicateOf: ReadonlyMap<number, number>,
  joins: readonly Join[],
  opening: string | undefined,
  fallback: string | undefined,
): { placements: Placement[]; unplaced: number[] } {
  const tailToHead = new Map(joins.map((j) => [j.tail, j.head]));
  const headTails = new Map<number, number[]>();
  for (const j of joins) {
    // A tail can itself be a head: follow the chain back to the first head.
    let head = j.head;
    while (tailToHead.has(head)) head = tailToHead.get(head)!;
    headTails.set(head, [...(headTails.get(head) ?? []), j.tail]);
  }
  const byN = new Map(paragraphs.map((p) => [p.n, p]));
  const hotlines = new Map<string, string[]>();
  for (const id of new Set(paragraphs.flatMap((p) => p.carriers))) {
    const g = id.split('-')[0]!;
    hotlines.set(g, [...(hotlines.get(g) ?? []), id]);
  }
  const owners = new Map<number, { owner: string | undefined; how: How }>();
  let context = opening;
  /**
   * Whether the context comes from a numbered item that states something about a carrier
   * ("二、山西移动申诉率为0.38…"), not from a part of the text that is the carrier's: the
   * next numbered item is the regulator's again unless it names a carrier.
   */
  let contextFromItem = false;
  let run: number[] = [];

  const rootOf = (n: number): number => {
    let head = n;
    while (tailToHead.has(head)) head = tailToHead.get(head)!;
    return head;
  };

  for (const p of paragraphs) {
    if (duplicateOf.has(p.n)) {
      run = [];
      continue;
    }
    if (tailToHead.has(p.n)) {
      const headOwner = owners.get(rootOf(p.n))?.owner;
      // Unowned heads wait for a signature; the tail's page is still theirs.
      if (headOwner === undefined) run.push(rootOf(p.n));
      context = headOwner;
      continue;
    }
    switch (p.role) {
      case 'title':
      case 'statement':
        continue;
      case 'signature':
        for (const n of run) if (owners.get(n)?.owner === undefined) owners.set(n, { owner: p.carrier, how: 'signature' });
        run = [];
        context = undefined;
        contextFromItem = false;
        continue;
      case 'anchor':
        owners.set(p.n, { owner: p.carrier, how: 'mention' });
        context = p.carrier;
        contextFromItem = false;
        run = [];
        continue;
      default:
        break;
    }
    const named = p.carriers;
    const first = p.mentions.find((m) => named.includes(carrierIdOf(m.ref)));
    // "电信、移动、联通的申诉率分别为…" opens with a list: about all of them, so about none in particular.
    const listed = first ? p.mentions.some((m) => m.start > first.end && /^\s*[、和及与]\s*$/.test(p.text.slice(first.end, m.start))) : false;
    const item = NUMBERED_HEADING.test(p.text);
    if (item && contextFromItem && !first && opening === REGION_OWNER) {
      context = opening;
      contextFromItem = false;
    }
    if (first && first.start <= SUBJECT_WINDOW && !listed) {
      // The paragraph opens with a carrier: it is about that carrier. Inside carriers' parts the
      // following paragraphs are too; in the regulator's own text (a bulletin's province-level
      // sections) one paragraph about a carrier does not hand it the rest.
      owners.set(p.n, { owner: carrierIdOf(first.ref), how: 'mention' });
      if (context !== REGION_OWNER || p.role === 'heading') {
        context = carrierIdOf(first.ref);
        // A numbered item with figures is a statement about the carrier, not the heading of its part.
        contextFromItem = item && /\d/.test(p.text.replace(NUMBERED_HEADING, ''));
      }
      continue;
    }
    const carrierVoice = opening !== undefined && opening !== REGION_OWNER;
    if (named.length === 0 && PROVINCE_SIGNAL.test(p.text) && !(carrierVoice && HANDLED_BY_CENTRE.test(p.text))) {
      owners.set(p.n, { owner: REGION_OWNER, how: 'province' });
      continue;
    }
    if (named.length === 0) {
      const byHotline = hotlineOwner(p.text, hotlines);
      if (byHotline) {
        owners.set(p.n, { owner: byHotline, how: 'mention' });
        continue;
      }
    }
    if (named.length && context === undefined) {
      // Between a signature and the next part, a carrier named anywhere says whose text this is.
      owners.set(p.n, { owner: named[0]!, how: 'mention' });
      continue;
    }
    // A carrier named in passing inside someone's text does not take it; sentences are split later.
    owners.set(p.n, { owner: context, how: 'context' });
    if (context === undefined) run.push(p.n);
  }

  const placements: Placement[] = [];
  const unplaced: number[] = [];
  for (const p of paragraphs) {
    if (duplicateOf.has(p.n) || tailToHead.has(p.n)) continue;
    if (p.role === 'signature' || p.role === 'statement' || p.role === 'title') continue;
    const tails = (headTails.get(p.n) ?? []).map((n) => byN.get(n)!);
    const parts = [p, ...tails];
    let { owner, how } = owners.get(p.n) ?? { owner: undefined, how: 'default' as How };
    if (owner === undefined) {
      if (fallback === undefined) {
        unplaced.push(p.n);
        continue;
      }
      owner = fallback;
      how = 'default';
      unplaced.push(p.n);
    }
    placements.push({
      parts: parts.map((x) => x.n),
      text: parts.map((x) => x.text).reduce(joinWrapped),
      role: p.role,
      owner,
      how,
      carriers: [...new Set(parts.flatMap((x) => x.carriers))],
    });
  }
  return { placements, unplaced };
}
