import { CATEGORY_IDS } from '../categories.ts';
import type { KnowledgeBase } from '../knowledge-base.ts';
import type { Bulletin, Carrier, Fact } from '../schema.ts';
import { matchesFilter, type DigestFilter } from './subscription-filter.ts';

export interface DigestSection {
  bulletin: Bulletin;
  /** Per carrier, its most notable facts: one per category, figures first. */
  carriers: Array<{ carrier: Carrier; highlights: Fact[]; total: number }>;
  /** Province-level (or national) facts that matched. */
  regional: Fact[];
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
 * with nothing new gets an empty digest.
 */
export function composeDigest(kb: KnowledgeBase, afterSeq: number, uptoSeq: number, filter: DigestFilter): DigestSection[] {
  const fresh = kb.bulletins.filter((b) => b.seq > afterSeq && b.seq <= uptoSeq).sort((a, b) => a.seq - b.seq);
  const sections: DigestSection[] = [];
  for (const bulletin of fresh) {
    const facts = kb.factsIn(bulletin.id).filter((f) => matchesFilter(f, filter));
    if (!facts.length) continue;
    const byCarrier = new Map<string, Fact[]>();
    for (const f of facts) if (f.carrierId) byCarrier.set(f.carrierId, [...(byCarrier.get(f.carrierId) ?? []), f]);
    const carriers = [...byCarrier]
      .map(([id, list]) => ({ carrier: kb.carrier(id), highlights: highlights(list, HIGHLIGHTS_PER_CARRIER), total: list.length }))
      .filter((c): c is { carrier: Carrier; highlights: Fact[]; total: number } => c.carrier !== undefined);
    sections.push({ bulletin, carriers, regional: highlights(facts.filter((f) => !f.carrierId), REGIONAL_HIGHLIGHTS) });
  }
  return sections;
}
