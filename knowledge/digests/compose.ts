import { CATEGORY_IDS } from '../categories.ts';
import type { KnowledgeBase } from '../knowledge-base.ts';
import { comparePeriods, ownerOf, periodEnd, periodMonths, periodStart, type OwnerKey } from '../periods/measures.ts';
import { periodIndex, type Step } from '../periods/series.ts';
import type { Bulletin, Carrier, Fact, Period } from '../schema.ts';
import { matchesFilter, type DigestFilter } from './subscription-filter.ts';

export interface DigestSection {
  bulletin: Bulletin;
  /** Per carrier, its most notable facts: one per category, figures first. */
  carriers: Array<{ carrier: Carrier; highlights: Fact[]; total: number }>;
  /** Province-level (or national) facts that matched. */
  regional: Fact[];
  /** What moved against the previous period of the same owners; a digest leads with it. */
  changes: DigestChanges;
}

export interface DigestChanges {
  /** The biggest computed changes, largest relative move first. */
  moves: Array<{ owner: OwnerKey; step: Step }>;
  /** Measures reported for the first time, or no longer reported, against the owner's previous period of the same length. */
  appeared: Array<{ owner: OwnerKey; names: string[] }>;
  disappeared: Array<{ owner: OwnerKey; names: string[]; since: Period }>;
  /** Carriers the previous bulletin of the same kind, place and period length reported on, absent from this one. */
  absent: Array<{ carrier: Carrier; last: Period }>;
}

const HIGHLIGHTS_PER_CARRIER = 4;
const REGIONAL_HIGHLIGHTS = 3;

/** Facts with labelled figures say the most in one line; among equals, the shorter. */
function notability(f: Fact): number {
  return f.figures.filter((x) => x.label).length * 10 + f.figures.length * 3 - f.text.length / 100;
}

function highlights(facts: readonly Fact[], limit: number): Fact[] {
  const best = new Map<string, Fact>();
  for (const f of [...facts].sort((a, b) => notability(b) - notability(a) || a.id.localeCompare(b.id))) {
    if (!best.has(f.category)) best.set(f.category, f);
  }
  return [...best.values()]
    .sort((a, b) => notability(b) - notability(a) || CATEGORY_IDS.indexOf(a.category) - CATEGORY_IDS.indexOf(b.category))
    .slice(0, limit);
}

/**
 * What is new for a chat: bulletins ingested after `afterSeq` (up to
 * `uptoSeq`, so a run sees one fixed snapshot), reduced to the facts its
 * filter asks for. Bulletins with nothing matching are left out, so a chat
 * with nothing new gets an empty digest; so are silent ones (a watched
 * source's baseline), which were never news.
 */
export function composeDigest(kb: KnowledgeBase, afterSeq: number, uptoSeq: number, filter: DigestFilter): DigestSection[] {
  const fresh = kb.bulletins.filter((b) => b.seq > afterSeq && b.seq <= uptoSeq && !b.silent).sort((a, b) => a.seq - b.seq);
  const sections: DigestSection[] = [];
  for (const bulletin of fresh) {
    const facts = kb.factsIn(bulletin.id).filter((f) => matchesFilter(f, filter));
    if (!facts.length) continue;
    const byCarrier = new Map<string, Fact[]>();
    for (const f of facts) if (f.carrierId) byCarrier.set(f.carrierId, [...(byCarrier.get(f.carrierId) ?? []), f]);
    const carriers = [...byCarrier]
      .map(([id, list]) => ({ carrier: kb.carrier(id), highlights: highlights(list, HIGHLIGHTS_PER_CARRIER), total: list.length }))
      .filter((c): c is { carrier: Carrier; highlights: Fact[]; total: number } => c.carrier !== undefined);
    sections.push({ bulletin, carriers, regional: highlights(facts.filter((f) => !f.carrierId), REGIONAL_HIGHLIGHTS), changes: changesIn(kb, bulletin, facts, filter) });
  }
  return sections;
}

const MOVES = 5;
const MOVES_PER_OWNER = 2;
const NAMES_LISTED = 3;

/**
 * Against the previous period of the same owner: the largest computed moves
 * (never across 口径), measures that appeared or disappeared, and carriers
 * the previous bulletin of this kind covered that this one does not.
 */
function changesIn(kb: KnowledgeBase, bulletin: Bulletin, facts: readonly Fact[], filter: DigestFilter): DigestChanges {
  const index = periodIndex(kb);
  const owners = [...new Set(facts.map(ownerOf))];
  const moves: DigestChanges['moves'] = [];
  const appeared: DigestChanges['appeared'] = [];
  const disappeared: DigestChanges['disappeared'] = [];
  for (const owner of owners) {
    const steps = index.snapshot(owner, bulletin.period).filter((s) => s.point.bulletin.id === bulletin.id && matchesFilter(s.point.obs.fact, filter));
    for (const s of steps) if (s.change?.kind === 'computed' && s.change.delta !== 0 && s.previous!.obs.value !== 0) moves.push({ owner, step: s });
    const before = samePeriodBefore(index.periods(owner), bulletin.period);
    if (!before) continue;
    const now = new Set(steps.map((s) => s.point.obs.name));
    const then = index.snapshot(owner, before).filter((s) => matchesFilter(s.point.obs.fact, filter)).map((s) => s.point.obs.name);
    const fresh = steps.filter((s) => index.points(owner, s.point.obs.name)[0] === s.point).map((s) => s.point.obs.name);
    const gone = then.filter((n) => !now.has(n));
    if (fresh.length) appeared.push({ owner, names: fresh.slice(0, NAMES_LISTED) });
    if (gone.length && now.size) disappeared.push({ owner, names: gone.slice(0, NAMES_LISTED), since: before });
  }
  const size = (m: { step: Step }): number => {
    const d = m.step.change?.kind === 'computed' ? m.step.change.delta : 0;
    return Math.abs(d / m.step.previous!.obs.value);
  };
  moves.sort((a, b) => size(b) - size(a));
  // At most two per owner, so one carrier's many figures do not crowd out the others'.
  const perOwner = new Map<OwnerKey, number>();
  const spread = moves.filter((m) => {
    const n = (perOwner.get(m.owner) ?? 0) + 1;
    perOwner.set(m.owner, n);
    return n <= MOVES_PER_OWNER;
  });
  return { moves: spread.slice(0, MOVES), appeared, disappeared, absent: absentCarriers(kb, bulletin, filter) };
}

/** The owner's latest period of the same length that ends before this one starts. */
function samePeriodBefore(periods: readonly Period[], p: Period): Period | undefined {
  return periods.find((x) => periodMonths(x) === periodMonths(p) && periodEnd(x) <= periodStart(p));
}

function absentCarriers(kb: KnowledgeBase, bulletin: Bulletin, filter: DigestFilter): DigestChanges['absent'] {
  const previous = kb.bulletins
    .filter(
      (b) =>
        b.kind === bulletin.kind &&
        b.region.province === bulletin.region.province &&
        (b.region.city ?? '') === (bulletin.region.city ?? '') &&
        periodMonths(b.period) === periodMonths(bulletin.period) &&
        periodEnd(b.period) <= periodStart(bulletin.period),
    )
    .sort((a, b) => comparePeriods(b.period, a.period))[0];
  if (!previous) return [];
  const here = new Set(kb.factsIn(bulletin.id).map((f) => f.carrierId));
  const wanted = (c: Carrier): boolean =>
    (!filter.carriers.length || filter.carriers.includes(c.id)) && (!filter.provinces.length || filter.provinces.includes(c.region?.province ?? ''));
  return [...new Set(kb.factsIn(previous.id).map((f) => f.carrierId))]
    .filter((id): id is string => id !== null && !here.has(id))
    .map((id) => kb.carrier(id))
    .filter((c): c is Carrier => c !== undefined && wanted(c))
    .map((carrier) => ({ carrier, last: previous.period }));
}
