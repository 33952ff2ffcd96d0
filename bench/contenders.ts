import { Charset, Index } from 'flexsearch';
import Fuse from 'fuse.js';
import MiniSearch from 'minisearch';
import { CATEGORIES } from '../knowledge/categories.ts';
import { mergeCarriers } from '../knowledge/carrier-registry.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { regionIndex } from '../knowledge/regions.ts';
import type { Carrier, Fact } from '../knowledge/schema.ts';
import type { KnowledgeData } from '../knowledge/store/store.ts';
import type { CarrierAnswer, TopHit } from './query-set.ts';

export const CONTENDERS = ['fuse', 'project', 'flexsearch', 'minisearch'] as const;
export type ContenderId = (typeof CONTENDERS)[number];

export const CONTENDER_LABELS: Record<ContenderId, string> = {
  fuse: '(a) fuse.js baseline',
  project: '(b) carrier-watch',
  flexsearch: '(c) FlexSearch',
  minisearch: '(c) MiniSearch',
};

/** Hits a /search page can show in all: what handlers/search.ts asks for. */
export const SEARCH_LIMIT = 120;

/** A search system as the benchmark drives it: one call per /carrier query, one per /search query. */
export interface Contender {
  resolveCarrier(query: string): CarrierAnswer;
  searchTopic(query: string): TopHit | undefined;
}

export function buildContender(id: ContenderId, data: KnowledgeData): Contender {
  switch (id) {
    case 'project':
      return projectContender(data);
    case 'fuse':
      return fuseContender(data);
    case 'flexsearch':
      return flexContender(data);
    case 'minisearch':
      return miniContender(data);
  }
}

/** (b) Exactly what the bot calls: the resolver for /carrier, the fact index for /search. */
function projectContender(data: KnowledgeData): Contender {
  const kb = new KnowledgeBase(data);
  return {
    resolveCarrier(query) {
      const r = kb.resolver.resolve(query);
      if (r.kind === 'found') return [r.carrier.id];
      if (r.kind === 'candidates') return r.carriers.map((c) => c.id);
      return [];
    },
    searchTopic(query) {
      return topHit(kb.index.search(query, { limit: SEARCH_LIMIT })[0]?.fact);
    },
  };
}

/** What a fact looks like to the general-purpose engines: who it is about, its category, its text. */
interface FactDoc {
  slot: number;
  carrier: string;
  category: string;
  text: string;
}

function factDocs(data: KnowledgeData): { docs: FactDoc[]; facts: readonly Fact[] } {
  const carriers = new Map(mergeCarriers(data.bulletins.map((b) => b.carriers)).map((c) => [c.id, c]));
  const regions = regionIndex();
  const docs = data.facts.map((f, slot) => ({
    slot,
    carrier: f.carrierId ? (carriers.get(f.carrierId)?.shortName ?? f.carrierId) : `${regions.label(f.region)}全省`,
    category: CATEGORIES[f.category].label,
    text: f.text,
  }));
  return { docs, facts: data.facts };
}

function topHit(fact: Fact | undefined): TopHit | undefined {
  return fact ? { id: fact.id, carrierId: fact.carrierId, category: fact.category } : undefined;
}

/** The carriers of the facts found, in the order found: how a fact search answers "which carrier?". */
function carriersOfFacts(slots: Iterable<number>, facts: readonly Fact[]): string[] {
  const ids: string[] = [];
  for (const slot of slots) {
    const id = facts[slot]?.carrierId;
    if (id && !ids.includes(id)) ids.push(id);
    if (ids.length >= 12) break;
  }
  return ids;
}

/**
 * (a) The naive approach the issue describes: one fuse.js index over every
 * fact, keys carrier/category/text, asked both kinds of question.
 */
function fuseContender(data: KnowledgeData): Contender {
  const { docs, facts } = factDocs(data);
  const fuse = new Fuse(docs, { keys: ['carrier', 'category', 'text'], ignoreLocation: true, threshold: 0.4 });
  return {
    resolveCarrier: (query) => carriersOfFacts(fuse.search(query, { limit: SEARCH_LIMIT }).map((r) => r.item.slot), facts),
    searchTopic: (query) => topHit(facts[fuse.search(query, { limit: SEARCH_LIMIT })[0]?.item.slot ?? -1]),
  };
}

/** The registry as a peer would index it for /carrier: one document per carrier with all its names. */
function registry(data: KnowledgeData): Carrier[] {
  return mergeCarriers(data.bulletins.map((b) => b.carriers));
}

function carrierText(c: Carrier): string {
  return [c.shortName, c.legalName, ...c.aliases].join(' ');
}

/**
 * (c) FlexSearch as its documentation suggests for Chinese: the CJK charset
 * (one term per character), with suggestions so partial matches still
 * answer. Facts and the registry get one index each, as a user would build.
 */
function flexContender(data: KnowledgeData): Contender {
  const { docs, facts } = factDocs(data);
  const options = { encoder: Charset.CJK, tokenize: 'strict', cache: false } as const;
  const factIndex = new Index(options);
  for (const d of docs) factIndex.add(d.slot, `${d.carrier} ${d.category} ${d.text}`);
  const carriers = registry(data);
  const carrierIndex = new Index(options);
  carriers.forEach((c, i) => carrierIndex.add(i, carrierText(c)));
  return {
    resolveCarrier(query) {
      const ids = carrierIndex.search(query, { limit: 12, suggest: true });
      return ids.map((i) => carriers[Number(i)]?.id).filter((x): x is string => x !== undefined);
    },
    searchTopic(query) {
      const first = factIndex.search(query, { limit: SEARCH_LIMIT, suggest: true })[0];
      return topHit(first === undefined ? undefined : facts[Number(first)]);
    },
  };
}

const HAN_RUN = /\p{Script=Han}+|[\p{L}\p{N}]+/gu;

/** Character bigrams for Han runs (a lone character stays whole), lower-cased words otherwise. */
function bigramTokens(text: string): string[] {
  const out: string[] = [];
  for (const run of text.toLowerCase().match(HAN_RUN) ?? []) {
    if (!/\p{Script=Han}/u.test(run) || run.length === 1) {
      out.push(run);
      continue;
    }
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

/** (c) MiniSearch with a character-bigram tokenizer: BM25 ranking, OR of the query's bigrams. */
function miniContender(data: KnowledgeData): Contender {
  const { docs, facts } = factDocs(data);
  const factIndex = new MiniSearch<FactDoc>({ idField: 'slot', fields: ['carrier', 'category', 'text'], tokenize: bigramTokens });
  factIndex.addAll(docs);
  const carriers = registry(data);
  const carrierIndex = new MiniSearch<{ i: number; shortName: string; legalName: string; aliases: string }>({
    idField: 'i',
    fields: ['shortName', 'legalName', 'aliases'],
    tokenize: bigramTokens,
  });
  carrierIndex.addAll(carriers.map((c, i) => ({ i, shortName: c.shortName, legalName: c.legalName, aliases: c.aliases.join(' ') })));
  return {
    resolveCarrier(query) {
      return carrierIndex
        .search(query)
        .slice(0, 12)
        .map((r) => carriers[Number(r.id)]?.id)
        .filter((x): x is string => x !== undefined);
    },
    searchTopic(query) {
      const first = factIndex.search(query)[0];
      return topHit(first === undefined ? undefined : facts[Number(first.id)]);
    },
  };
}
