import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import PQueue from 'p-queue';
import robotsParserModule from 'robots-parser';
import { Agent, request } from 'undici';
import { parseRetryAfter } from '../knowledge/watch/decide.ts';
import { safeUrl } from '../knowledge/watch/sources.ts';

/**
 * The watcher's HTTP: polite, bounded and safe. One request at a time per
 * host with a minimum gap between them (longer if robots.txt sets a
 * Crawl-delay), robots.txt honoured, conditional
 * GET, a timeout and a size cap on every response, redirects followed by
 * hand so that every hop is checked (scheme, address, robots) and permanent
 * ones reported, and no connection to loopback, private or link-local
 * addresses unless allowed. Nothing is decided here; knowledge/watch/decide.ts does that.
 */

export const SIZE_CAPS = { page: 5 * 1024 * 1024, attachment: 20 * 1024 * 1024 } as const;
export type FetchKind = keyof typeof SIZE_CAPS;

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type FetchResult =
  | { ok: true; notModified: false; url: string; bytes: Uint8Array; contentType?: string; etag?: string; lastModified?: string; movedTo?: string }
  | { ok: true; notModified: true; url: string; movedTo?: string }
  | { ok: false; error: string; httpStatus?: number; retryAfterMs?: number; movedTo?: string };

export interface FetcherOptions {
  userAgent: string;
  timeoutMs?: number;
  /** Gap between the starts of two requests to one host. */
  minGapMs?: number;
  /** Lets the watcher reach loopback and private addresses (tests, an intranet mirror). */
  allowPrivate?: boolean;
  maxRedirects?: number;
  /** How long a host's robots.txt is trusted before it is read again. */
  robotsTtlMs?: number;
  clock?: () => Date;
}

/** Loopback, private, link-local, shared and reserved ranges: nothing a public list page lives on. */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  return family === 4 ? BLOCKED.check(address, 'ipv4') : family === 6 ? BLOCKED.check(address, 'ipv6') : false;
}

class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * DNS lookup for the connection itself: the address checked is the one
 * connected to, so a name that resolves differently the second time
 * (DNS rebinding) gains nothing.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new RefusedAddressError(`${hostname} 解析到内网地址 ${bad.address}`), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

/** robots-parser is CommonJS whose typings claim an ES default export; at runtime the module is the function. */
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);

interface RobotsEntry {
  allows: (url: string) => boolean;
  /** The site's Crawl-delay, when it asks for more than the minimum gap (at most a minute is honoured). */
  gapMs: number;
  until: number;
}

const MAX_CRAWL_DELAY_MS = 60_000;

export class Fetcher {
  private readonly queues = new Map<string, PQueue>();
  private readonly lastStart = new Map<string, number>();
  private readonly robots = new Map<string, RobotsEntry>();
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly minGapMs: number;
  private readonly maxRedirects: number;
  private readonly robotsTtlMs: number;
  private readonly clock: () => Date;
  /** Requests actually sent, robots.txt included: the bench counts them. */
  requests = 0;

  constructor(private readonly options: FetcherOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.minGapMs = options.minGapMs ?? 1_000;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.robotsTtlMs = options.robotsTtlMs ?? 24 * 3600_000;
    this.clock = options.clock ?? (() => new Date());
    this.agent = new Agent({
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      ...(options.allowPrivate ? {} : { connect: { lookup: guardedLookup } }),
    });
  }

  async close(): Promise<void> {
    if (!this.agent.closed && !this.agent.destroyed) await this.agent.close();
  }

  /** GETs a URL (a list page, an article or an attachment), conditionally when validators are given. */
  async fetch(url: string, kind: FetchKind, validators: Validators = {}): Promise<FetchResult> {
    let current = url;
    let movedTo: string | undefined;
    let stillPermanent = true;
    for (let hop = 0; hop <= this.maxRedirects; hop++) {
      const refused = this.refuse(current);
      if (refused) return { ok: false, error: refused, ...(movedTo ? { movedTo } : {}) };
      const robots = await this.robotsAllow(current);
      if (robots !== true) return { ok: false, error: robots, ...(movedTo ? { movedTo } : {}) };
      const response = await this.get(current, SIZE_CAPS[kind], hop === 0 ? validators : {});
      const moved = movedTo ? { movedTo } : {};
      if ('error' in response) return { ok: false, error: response.error, ...moved };
      if (REDIRECTS.has(response.status)) {
        const location = response.headers['location'];
        let next: string | undefined;
        try {
          next = location ? new URL(location, current).href : undefined;
        } catch {
          next = undefined;
        }
        if (!next) return { ok: false, error: `HTTP ${response.status} 跳转缺少有效地址`, httpStatus: response.status, ...moved };
        stillPermanent &&= PERMANENT.has(response.status);
        if (stillPermanent) movedTo = next;
        current = next;
        continue;
      }
      if (response.status === 304) return { ok: true, notModified: true, url: current, ...moved };
      if (response.status >= 400) {
        const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.clock());
        return { ok: false, error: `HTTP ${response.status}`, httpStatus: response.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...moved };
      }
      if (response.status !== 200) return { ok: false, error: `HTTP ${response.status}`, httpStatus: response.status, ...moved };
      const { etag, 'last-modified': lastModified, 'content-type': contentType } = response.headers;
      return {
        ok: true,
        notModified: false,
        url: current,
        bytes: response.body,
        ...(contentType ? { contentType } : {}),
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
        ...moved,
      };
    }
    return { ok: false, error: `跳转超过 ${this.maxRedirects} 次`, ...(movedTo ? { movedTo } : {}) };
  }

  /** Why a URL may not be fetched at all, before any connection. */
  private refuse(url: string): string | undefined {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return '地址无效';
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `不支持的协议 ${u.protocol}`;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    // A literal address is connected to without a lookup, so it is checked here.
    if (!this.options.allowPrivate && isIP(host) && isPrivateAddress(host)) return `拒绝访问内网地址 ${host}`;
    if (!this.options.allowPrivate && /^localhost$|\.localhost$/i.test(host)) return `拒绝访问内网地址 ${host}`;
    return undefined;
  }

  private async robotsAllow(url: string): Promise<true | string> {
    const u = new URL(url);
    const origin = u.origin;
    const now = this.clock().getTime();
    let entry = this.robots.get(origin);
    if (!entry || entry.until <= now) {
      const robotsUrl = `${origin}/robots.txt`;
      const r = await this.get(robotsUrl, 512 * 1024, {});
      if ('error' in r) return `无法读取 robots.txt:${r.error}`;
      if (r.status >= 500) return `无法读取 robots.txt:HTTP ${r.status}`;
      // No robots.txt (4xx, or a redirect elsewhere) means no rules.
      const text = r.status === 200 ? Buffer.from(r.body).toString('utf8') : '';
      const parsed = robotsParser(robotsUrl, text);
      const crawlDelay = parsed.getCrawlDelay(this.options.userAgent);
      entry = {
        allows: (x) => parsed.isAllowed(x, this.options.userAgent) !== false,
        gapMs: Math.min(MAX_CRAWL_DELAY_MS, Math.max(0, (crawlDelay ?? 0) * 1000)),
        until: now + this.robotsTtlMs,
      };
      this.robots.set(origin, entry);
    }
    return entry.allows(url) ? true : 'robots.txt 不允许抓取';
  }

  /** One request through the host's queue, its body read up to the cap. */
  private get(
    url: string,
    cap: number,
    validators: Validators,
  ): Promise<{ status: number; headers: Record<string, string | undefined>; body: Uint8Array } | { error: string }> {
    const host = new URL(url).host;
    let queue = this.queues.get(host);
    if (!queue) this.queues.set(host, (queue = new PQueue({ concurrency: 1 })));
    const gap = Math.max(this.minGapMs, this.robots.get(new URL(url).origin)?.gapMs ?? 0);
    return queue.add(async () => {
      const wait = (this.lastStart.get(host) ?? -Infinity) + gap - performance.now();
      if (wait > 0) await delay(wait);
      this.lastStart.set(host, performance.now());
      this.requests++;
      return this.send(url, cap, validators);
    });
  }

  private async send(
    url: string,
    cap: number,
    validators: Validators,
  ): Promise<{ status: number; headers: Record<string, string | undefined>; body: Uint8Array } | { error: string }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: '*/*', 'accept-encoding': 'identity' };
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    try {
      const res = await request(url, { method: 'GET', headers, dispatcher: this.agent, signal });
      const flat: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) flat[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
      const declared = Number(flat['content-length']);
      if (Number.isFinite(declared) && declared > cap) {
        res.body.destroy();
        return { error: `内容太大(${mb(declared)},上限 ${mb(cap)})` };
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        // Stop reading past the cap: a wrong or missing Content-Length must not fill memory.
        if (size > cap) {
          res.body.destroy();
          return { error: `内容太大(超过 ${mb(cap)})` };
        }
        chunks.push(chunk as Buffer);
      }
      return { status: res.statusCode, headers: flat, body: Buffer.concat(chunks) };
    } catch (e) {
      return { error: describeError(e, this.timeoutMs) };
    }
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A short Chinese reason; URLs in library messages lose their credentials. */
function describeError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; code?: string; message?: string; cause?: { name?: string; message?: string; code?: string } };
  if (err.name === 'TimeoutError' || err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT' || err.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `超时(${timeoutMs / 1000} 秒无响应)`;
  }
  const refused = [err, err.cause].find((x) => x?.name === 'RefusedAddressError');
  if (refused) return `拒绝访问:${refused.message ?? ''}`;
  const code = err.code ?? err.cause?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return '域名无法解析';
  if (code === 'ECONNREFUSED') return '连接被拒绝';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return '连接中断';
  return `网络错误:${(err.message ?? String(e)).replace(/\/\/[^/@\s]*@/g, '//').slice(0, 120)}`;
}

export { safeUrl };
