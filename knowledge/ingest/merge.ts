import type { Bulletin } from '../schema.ts';
import type { BulletinEntry, KnowledgeData } from '../store/store.ts';
import { PARSER_VERSION, type ParsedBulletin } from './parse-bulletin.ts';

export interface MergeOutcome {
  status: 'added' | 'replaced' | 'unchanged';
  bulletin: Bulletin;
  /** Carriers no other stored bulletin knew. */
  newCarriers: string[];
  /** For a corrected version: facts that appeared and disappeared, by text. */
  changes?: { added: string[]; removed: string[] };
}

/**
 * Puts a parsed bulletin into the knowledge data, in place:
 * - the same content again (same hash) changes nothing;
 * - a bulletin with the same identity (issuer, region, period, kind → id)
 *   but other content is a corrected version and replaces the old one;
 * - anything else is added.
 * Every change takes a new sequence number so digests see it as new, except
 * a newer parser reading the same text again: that is not news, so the entry
 * keeps its sequence number, ingestion time and silent mark.
 */
export function mergeParsed(data: KnowledgeData, parsed: ParsedBulletin, now: Date): MergeOutcome {
  const sameContent = data.bulletins.find((b) => b.contentHash === parsed.bulletin.contentHash && b.parserVersion === PARSER_VERSION);
  if (sameContent) return { status: 'unchanged', bulletin: strip(sameContent), newCarriers: [] };

  // An older parser may have filed the same text under another id; the new reading replaces it too.
  const previous =
    data.bulletins.find((b) => b.id === parsed.bulletin.id) ?? data.bulletins.find((b) => b.contentHash === parsed.bulletin.contentHash);
  const known = new Set(data.bulletins.filter((b) => b !== previous).flatMap((b) => b.carriers.map((c) => c.id)));
  const oldFacts = previous ? data.facts.filter((f) => f.bulletinId === previous.id) : [];

  const reread = previous?.contentHash === parsed.bulletin.contentHash ? previous : undefined;
  if (!reread) data.seq += 1;
  const entry: BulletinEntry = {
    ...parsed.bulletin,
    ...(reread?.url && !parsed.bulletin.url ? { url: reread.url } : {}),
    ...(reread?.silent ? { silent: true } : {}),
    seq: reread ? reread.seq : data.seq,
    ingestedAt: reread ? reread.ingestedAt : now.toISOString(),
    carriers: parsed.carriers,
    report: {
      bulletinId: parsed.bulletin.id,
      duplicatesDropped: parsed.report.duplicatesDropped,
      joins: parsed.report.joins.length,
      unplaced: parsed.report.unplaced,
    },
    parserVersion: PARSER_VERSION,
  };
  const gone = new Set([entry.id, ...(previous ? [previous.id] : [])]);
  data.bulletins = [...data.bulletins.filter((b) => !gone.has(b.id)), entry];
  data.facts = [...data.facts.filter((f) => !gone.has(f.bulletinId)), ...parsed.facts];

  const outcome: MergeOutcome = {
    status: previous ? 'replaced' : 'added',
    bulletin: strip(entry),
    newCarriers: parsed.carriers.map((c) => c.id).filter((id) => !known.has(id)),
  };
  if (previous) {
    const before = new Set(oldFacts.map((f) => f.text));
    const after = new Set(parsed.facts.map((f) => f.text));
    outcome.changes = {
      added: [...after].filter((t) => !before.has(t)),
      removed: [...before].filter((t) => !after.has(t)),
    };
  }
  return outcome;
}

function strip(entry: BulletinEntry): Bulletin {
  const { carriers: _c, report: _r, parserVersion: _p, ...bulletin } = entry;
  return bulletin;
}
