import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CategoryId } from '../knowledge/schema.ts';

/** What a /carrier query should give: one carrier, a choice among some (patterns may end in *), or nothing. */
const CarrierExpect = z.union([z.literal('not_found'), z.string().regex(/^[a-z-]+$/), z.object({ candidates: z.array(z.string()).min(1) })]);
export type CarrierExpect = z.infer<typeof CarrierExpect>;

/** What a /search query's first hit should be: a planted fact, a fact of some carrier and/or category, or no hit. */
const TopicExpect = z.union([
  z.literal('none'),
  z.object({ fact: z.string() }),
  z.object({ carrier: z.string().optional(), category: CategoryId.optional() }),
]);
export type TopicExpect = z.infer<typeof TopicExpect>;

const QuerySet = z.object({
  about: z.string(),
  needles: z.array(
    z.object({
      key: z.string(),
      carrier: z.string().optional(),
      province: z.string().optional(),
      period: z.string().regex(/^\d{4}(h[12])?$/),
      category: CategoryId,
      text: z.string(),
    }),
  ),
  carrier: z.array(z.object({ class: z.string(), q: z.string(), expect: CarrierExpect })),
  topic: z.array(z.object({ class: z.string(), q: z.string(), expect: TopicExpect })),
});
export type QuerySet = z.infer<typeof QuerySet>;
export type CarrierQuery = QuerySet['carrier'][number];
export type TopicQuery = QuerySet['topic'][number];

export const QUERY_SET_PATH = new URL('../test/fixtures/search-queries.json', import.meta.url);

export function loadQuerySet(): QuerySet {
  return QuerySet.parse(JSON.parse(readFileSync(QUERY_SET_PATH, 'utf8')));
}

/** A carrier answer as the user sees it: the carriers offered, best first; empty means "not found". */
export type CarrierAnswer = readonly string[];

/** A topic answer: the first hit's id, carrier and category, or undefined when nothing matched. */
export interface TopHit {
  id: string;
  carrierId: string | null;
  category: string;
}

function matches(id: string, pattern: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/**
 * Top-1 is judged the same way for every system: the first carrier shown
 * must be the expected one, or one of the expected candidates; "not found"
 * must show none. A plain search engine cannot say "choose one", so for
 * ambiguous queries any of the right carriers first counts as correct.
 */
export function carrierCorrect(expect: CarrierExpect, answer: CarrierAnswer): boolean {
  const first = answer[0];
  if (expect === 'not_found') return first === undefined;
  if (first === undefined) return false;
  if (typeof expect === 'string') return first === expect;
  return expect.candidates.some((p) => matches(first, p));
}

export function topicCorrect(expect: TopicExpect, top: TopHit | undefined, needleIds: ReadonlyMap<string, string>): boolean {
  if (expect === 'none') return top === undefined;
  if (!top) return false;
  if ('fact' in expect) return top.id === needleIds.get(expect.fact);
  return (expect.carrier === undefined || top.carrierId === expect.carrier) && (expect.category === undefined || top.category === expect.category);
}
