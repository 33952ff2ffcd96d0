import * as cheerio from 'cheerio';
import { z } from 'zod';
import { isPattern, type WatchSource } from './sources.ts';

/**
 * What the watcher decides, with no HTTP in sight: which links on a list
 * page are bulletins, which are new, whether this check is a baseline or a
 * site redesign, when to look again after a failure, and when admins hear
 * about it. The HTTP adapter (bot/fetcher.ts) and the loop
 * (bot/watch-runner.ts) carry the decisions out.
 */

/** What is remembered about a source between checks (its seen links are kept beside it). */
export const SourceStatus = z.object({
  /** The first check has been made: from now on new links are news. */
  baselined: z.boolean(),
  /** Consecutive failed checks. */
  failures: z.number().int().nonnegative(),
  /** Bulletins ingested from this source. */
  itemsSeen: z.number().int().nonnegative(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  lastCheckAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  /** Not checked before this moment (backoff, Retry-After); absent means at the next tick. */
  nextCheckAt: z.string().optional(),
  lastError: z.string().optional(),
  /** Why the source is no longer polled (410 Gone); absent while it is. */
  disabled: z.string().optional(),
  /** Where a permanent redirect said the list now lives. */
  movedTo: z.string().optional(),
  /** When a redesign was last detected and re-baselined. */
  redesignAt: z.string().optional(),
});
export type SourceStatus = z.infer<typeof SourceStatus>;

export function freshStatus(): SourceStatus {
  return { baselined: false, failures: 0, itemsSeen: 0 };
}

export interface ListedLink {
  url: string;
  title: string;
}

export interface ListPage {
  /** Bulletin links in page order (newest first on list pages), each once. */
  links: ListedLink[];
  /** The next page of the list, when the page links one. */
  next?: string;
}

const NEXT_WORDS = /^(下一页|下页|后页|下一頁|next|next page|›|»|>|>>)$/i;
/** Paths that look like a document rather than a section: a file name, or a long number in the path. */
const DOCUMENT_PATH = /\.(s?html?|jhtml|jsp|php|aspx?|pdf|docx?|wps)$|\d{4,}/i;
const MIN_TITLE_CHARS = 6;

/** Hosts of one site: the same host, or both under one registered domain ("gxt.jl.gov.cn" and "www.jl.gov.cn"). */
export function sameSite(a: string, b: string): boolean {
  if (a === b) return true;
  const site = (host: string): string => {
    const labels = host.split('.');
    const keep = /\.(gov|com|org|net|edu)\.cn$/.test(host) ? 3 : 2;
    return labels.slice(-keep).join('.');
  };
  return site(a) === site(b);
}

function resolve(href: string | undefined, base: string): URL | undefined {
  if (!href || /^(javascript|mailto|tel):/i.test(href.trim())) return undefined;
  try {
    const u = new URL(href.trim(), base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.hash = '';
    return u;
  } catch {
    return undefined;
  }
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Bulletin links on a list page, relative links resolved against the page
 * (or its <base href>). With the source's `links` rule only what it
 * selects; without one, links on the same site whose path names a document
 * and whose text reads like a title, outside navigation and footers.
 */
export function readListPage(html: string, pageUrl: string, source: Pick<WatchSource, 'links'> = {}): ListPage {
  const $ = cheerio.load(html);
  const base = resolve($('base[href]').attr('href'), pageUrl)?.href ?? pageUrl;
  const page = new URL(pageUrl);
  const rule = source.links;
  const picked = rule && !isPattern(rule) ? $(rule) : undefined;
  const anchors = picked
    ? [...picked.filter('a[href]').toArray(), ...picked.find('a[href]').toArray()]
    : $('a[href]')
        .toArray()
        .filter((el) => $(el).closest('nav, header, footer').length === 0);
  const pattern = rule && isPattern(rule) ? new RegExp(rule.slice(1, -1)) : undefined;
  const links: ListedLink[] = [];
  const seen = new Set<string>();
  let next: string | undefined;
  for (const el of anchors) {
    const a = $(el);
    const url = resolve(a.attr('href'), base);
    if (!url) continue;
    const text = squash(a.text());
    if (!next && (a.attr('rel') === 'next' || NEXT_WORDS.test(text)) && url.href !== page.href) {
      next = url.href;
      continue;
    }
    const title = text || squash(a.attr('title') ?? '');
    if (seen.has(url.href) || url.href === page.href) continue;
    if (pattern) {
      if (!pattern.test(url.href) || !title) continue;
    } else if (!rule) {
      const longTitle = [...(squash(a.attr('title') ?? '') || title)].length >= MIN_TITLE_CHARS;
      if (!sameSite(url.hostname, page.hostname) || !DOCUMENT_PATH.test(url.pathname) || !longTitle) continue;
    } else if (!title) continue;
    seen.add(url.href);
    links.push({ url: url.href, title: squash(a.attr('title') ?? '') || title });
  }
  // rel=next given anywhere (<link rel="next">) counts too.
  next ??= resolve($('link[rel="next"]').attr('href'), base)?.href;
  return next && next !== page.href ? { links, next } : { links };
}

export interface WatchPolicy {
  /** How many listed bulletins a first check ingests (silently). */
  backfill: number;
  /** Pages of a list followed at most in one check. */
  maxPages: number;
  /** First backoff after a failure; doubles per failure after that. */
  backoffBaseMs: number;
  /** Backoff never exceeds this (a day). */
  backoffMaxMs: number;
  /** Failures in a row that make admins hear of it. */
  alertAfter: number;
}

export const DEFAULT_POLICY: WatchPolicy = {
  backfill: 10,
  maxPages: 3,
  backoffBaseMs: 15 * 60_000,
  backoffMaxMs: 24 * 3600_000,
  alertAfter: 3,
};

/**
 * Whether to read the list's next page as well. A baseline reads on until
 * it has its backfill; a later check only when every link so far is new
 * (more news than one page holds). Always within maxPages.
 */
export function wantsNextPage(status: SourceStatus, listed: readonly ListedLink[], isSeen: (url: string) => boolean, pagesRead: number, policy: WatchPolicy): boolean {
  if (pagesRead >= policy.maxPages) return false;
  if (!status.baselined) return listed.length < policy.backfill;
  return listed.length > 0 && listed.every((l) => !isSeen(l.url));
}

export interface CheckPlan {
  kind: 'baseline' | 'redesign' | 'new' | 'nothing';
  /** Links to read and ingest, oldest first so sequence numbers follow publication. */
  ingest: ListedLink[];
  /** Ingested without announcing: a baseline or a redesign. */
  silent: boolean;
  /** Links recorded as seen without being read (older than the backfill). */
  skip: ListedLink[];
}

/** A redesign: most of a reasonably long list suddenly new at once. */
function looksRedesigned(fresh: number, listed: number): boolean {
  return listed >= 4 && fresh >= 3 && fresh / listed > 0.5;
}

/**
 * What to do with what a list shows. The first check is a baseline: the
 * latest `backfill` links are ingested silently and the rest only
 * remembered. Later, links not seen before are news, unless most of the
 * list turned new at once, which is a redesign: re-baseline, announce nothing.
 */
export function planCheck(status: SourceStatus, listed: readonly ListedLink[], isSeen: (url: string) => boolean, policy: WatchPolicy): CheckPlan {
  const fresh = listed.filter((l) => !isSeen(l.url));
  if (!status.baselined || looksRedesigned(fresh.length, listed.length)) {
    const latest = fresh.slice(0, policy.backfill);
    return { kind: status.baselined ? 'redesign' : 'baseline', ingest: [...latest].reverse(), silent: true, skip: fresh.slice(policy.backfill) };
  }
  if (!fresh.length) return { kind: 'nothing', ingest: [], silent: false, skip: [] };
  return { kind: 'new', ingest: [...fresh].reverse(), silent: false, skip: [] };
}

export type CheckOutcome =
  | { ok: true; at: Date; etag?: string; lastModified?: string; ingested: number; movedTo?: string; redesign?: boolean; baselined?: boolean }
  | { ok: false; at: Date; error: string; httpStatus?: number; retryAfterMs?: number; movedTo?: string };

export type WatchAlert = 'failing' | 'recovered' | 'disabled' | 'redesign';

/**
 * The source's status after a check, and the one message admins get, if
 * any: when failures reach `alertAfter` in a row (not on every failure after
 * that), when a failing source recovers, when it is gone (410), and when it
 * was redesigned.
 */
export function afterCheck(status: SourceStatus, outcome: CheckOutcome, policy: WatchPolicy): { status: SourceStatus; alert?: WatchAlert } {
  const at = outcome.at.toISOString();
  const { nextCheckAt: _n, lastError: _e, disabled, ...rest } = status;
  const moved = outcome.movedTo ? { movedTo: outcome.movedTo } : {};
  if (outcome.ok) {
    const next: SourceStatus = {
      ...rest,
      ...moved,
      baselined: status.baselined || Boolean(outcome.baselined),
      failures: 0,
      itemsSeen: status.itemsSeen + outcome.ingested,
      lastCheckAt: at,
      lastSuccessAt: at,
      ...(outcome.redesign ? { redesignAt: at } : {}),
    };
    delete next.etag;
    delete next.lastModified;
    if (outcome.etag) next.etag = outcome.etag;
    if (outcome.lastModified) next.lastModified = outcome.lastModified;
    if (outcome.redesign) return { status: next, alert: 'redesign' };
    return status.failures >= policy.alertAfter ? { status: next, alert: 'recovered' } : { status: next };
  }
  const failures = status.failures + 1;
  // A source checked by hand while disabled stays disabled until a check succeeds.
  const next: SourceStatus = { ...rest, ...(disabled ? { disabled } : {}), ...moved, failures, lastCheckAt: at, lastError: outcome.error };
  if (outcome.httpStatus === 410) {
    next.disabled = `${at.slice(0, 10)} 起返回 410(已删除),不再检查`;
    return { status: next, alert: 'disabled' };
  }
  const backoff = Math.min(policy.backoffBaseMs * 2 ** (failures - 1), policy.backoffMaxMs);
  next.nextCheckAt = new Date(outcome.at.getTime() + Math.max(backoff, outcome.retryAfterMs ?? 0)).toISOString();
  return failures === policy.alertAfter ? { status: next, alert: 'failing' } : { status: next };
}

/** Whether a source is checked at this tick. */
export function isDue(status: SourceStatus, now: Date): boolean {
  if (status.disabled) return false;
  return !status.nextCheckAt || Date.parse(status.nextCheckAt) <= now.getTime();
}

/** Retry-After as milliseconds from now: seconds, or an HTTP date. Absurd values are ignored. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const when = Date.parse(v);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - now.getTime());
}
