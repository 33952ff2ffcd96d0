import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { dataFile } from '../paths.ts';

/** The sources file that ships with the bot: MIIT and the provincial administrations' bulletin lists. */
export const SHIPPED_WATCH_SOURCES = dataFile('sources.json');

/**
 * A list page to watch. `links` narrows which anchors are bulletins: a CSS
 * selector ("ul.list a"), or a pattern on the resolved URL written between
 * slashes ("/\/art\/2024\//"). Without it, article-looking links on the
 * same site are taken. `encoding` is the last word on a page's charset,
 * after the header, a BOM and a <meta> have had theirs.
 */
export const WatchSource = z.object({
  name: z.string().trim().min(1).max(60),
  url: z
    .string()
    .trim()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), '只支持 http 和 https 地址'),
  links: z
    .string()
    .trim()
    .min(1)
    .refine((l) => !isPattern(l) || compiles(l), '链接规则不是有效的正则表达式')
    .optional(),
  encoding: z.string().trim().min(1).optional(),
  /** True only when the list page was confirmed to be where the bulletins are. */
  verified: z.boolean().default(false),
});
export type WatchSource = z.infer<typeof WatchSource>;

export const WatchSources = z.array(WatchSource).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((s, i) => {
    const key = sourceKey(s.url);
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'url'], message: `重复的来源地址:${s.url}` });
    seen.add(key);
  });
});

/** "/…/" is a URL pattern; anything else a CSS selector. */
export function isPattern(links: string): boolean {
  return links.length > 2 && links.startsWith('/') && links.endsWith('/');
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern.slice(1, -1));
    return true;
  } catch {
    return false;
  }
}

/** One key per list page, whatever trailing slash, fragment or host case it was written with. */
export function sourceKey(url: string): string {
  const u = new URL(url);
  u.hash = '';
  u.username = '';
  u.password = '';
  return u.href.replace(/\/$/, '');
}

export class SourcesFileError extends Error {
  override name = 'SourcesFileError';
}

/** Reads and validates a sources file; the error names the file and each bad entry. */
export async function loadSources(path: string): Promise<WatchSource[]> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch {
    throw new SourcesFileError(`找不到来源文件 ${path}(WATCH_SOURCES_FILE)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new SourcesFileError(`来源文件 ${path} 不是有效的 JSON:${e instanceof Error ? e.message : String(e)}`);
  }
  const result = WatchSources.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  [${i.path.join('.')}] ${i.message}`);
    throw new SourcesFileError(`来源文件 ${path} 有误:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** A URL as it may be logged or shown: no user name or password. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return u.href;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}
