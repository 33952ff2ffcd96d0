import { mergeParsed, type MergeOutcome } from '../ingest/merge.ts';
import { parseBulletin, type ParsedBulletin } from '../ingest/parse-bulletin.ts';
import type { Fact } from '../schema.ts';
import type { BulletinEntry, KnowledgeData, KnowledgeStore } from '../store/store.ts';

export interface WatchedIngest {
  parsed: ParsedBulletin;
  outcome: MergeOutcome;
  /** The same bulletin was already known (reprinted on another site, or read before): nothing new. */
  reprint: boolean;
}

/** What a bulletin states: each figure with whom it is about. Chrome around a reprint changes none of it; a correction does. */
function figureSignature(facts: readonly Pick<Fact, 'carrierId' | 'category' | 'figures'>[]): string {
  return facts
    .flatMap((f) => f.figures.map((x) => `${f.carrierId ?? '-'}|${x.raw.replace(/\s+/g, '')}`))
    .sort()
    .join('\n');
}

function factTexts(facts: readonly Pick<Fact, 'text'>[]): string {
  return facts
    .map((f) => f.text.replace(/\s+/g, ''))
    .sort()
    .join('\n');
}

/**
 * The stored bulletin this one reprints, if any: the same identity (issuer,
 * region, period, kind) stating the same figures about the same carriers
 * (or, without figures, the same facts). Two sites' page chrome differs, so
 * their texts never hash alike; what they state does not.
 */
function reprinted(data: KnowledgeData, parsed: ParsedBulletin): BulletinEntry | undefined {
  const same = data.bulletins.find((b) => b.id === parsed.bulletin.id);
  if (!same) return undefined;
  const stored = data.facts.filter((f) => f.bulletinId === same.id);
  const a = figureSignature(stored);
  const b = figureSignature(parsed.facts);
  if (a || b) return a === b ? same : undefined;
  return factTexts(stored) === factTexts(parsed.facts) ? same : undefined;
}

/**
 * Ingests a text the watcher found, in one write under the store's lock:
 * a reprint of a known bulletin changes nothing (only a missing URL is
 * filled in), and a silent bulletin is stored with its silent mark in the
 * same write, so no crash can leave a baseline bulletin announceable.
 * Throws NotABulletinError (before writing) for a page that is no bulletin.
 */
export async function ingestWatched(
  store: KnowledgeStore,
  text: string,
  sourceFile: string,
  options: { url: string; silent: boolean; now?: Date },
): Promise<WatchedIngest> {
  const parsed = parseBulletin(text, sourceFile, { url: options.url });
  await store.saveSource(parsed.bulletin.contentHash, text);
  const now = options.now ?? new Date();
  const result = await store.update(
    (data): WatchedIngest & { wrote: boolean } => {
      const known = reprinted(data, parsed);
      if (known) {
        const fillUrl = !known.url;
        if (fillUrl) known.url = options.url;
        const { carriers: _c, report: _r, parserVersion: _p, silent: _s, ...bulletin } = known;
        return { parsed, outcome: { status: 'unchanged', bulletin, newCarriers: [] }, reprint: true, wrote: fillUrl };
      }
      const outcome = mergeParsed(data, parsed, now);
      if (outcome.status !== 'unchanged' && options.silent) {
        const entry = data.bulletins.find((b) => b.id === outcome.bulletin.id);
        if (entry) entry.silent = true;
      }
      return { parsed, outcome, reprint: outcome.status === 'unchanged', wrote: outcome.status !== 'unchanged' };
    },
    (r) => r.wrote,
  );
  return { parsed: result.parsed, outcome: result.outcome, reprint: result.reprint };
}
