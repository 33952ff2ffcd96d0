import * as cheerio from 'cheerio';
import type { ListedLink } from './decide.ts';

/** Containers that hold an article's body on most CMSs, government ones included. */
const CONTENT_SELECTORS = [
  'article',
  'main',
  '[role="main"]',
  '#zoom',
  '.TRS_Editor',
  '.trs_editor_view',
  '#UCAP-CONTENT',
  '.article-content',
  '.article',
  '.content',
  '#content',
  '.main-content',
  '.xxgk_content',
  '.detail',
];
/** Chrome that is never part of a bulletin: menus, crumbs, share bars, related links. */
const CHROME = 'nav, header, footer, aside, script, style, form, iframe, noscript';
const CHROME_NAME = /(^|[-_\s])(nav|menu|breadcrumb|crumb|footer|header|sidebar|share|related|toolbar|pager|pagination)([-_\s]|$)/i;
const ATTACHMENT = /\.(pdf|docx?|wps)$/i;

export interface ArticlePage {
  /** The article's main content as HTML, headed by its title when the content lacks it. */
  html: string;
  /** PDF and Word files the page links to, in page order. */
  attachments: ListedLink[];
}

/**
 * An article page reduced to what the bulletin says: the content container
 * with the most text among the usual ones (or the body), with navigation,
 * menus and share bars removed. The title the list gave is put on top when
 * the content does not carry it, since the parser reads the title first.
 */
export function readArticle(html: string, pageUrl: string, listedTitle: string): ArticlePage {
  const $ = cheerio.load(html);
  // The page's own heading, read before chrome goes: some sites put it in <header>.
  const heading = ($('article h1, main h1, h1').first().text().trim() || listedTitle).replace(/\s+/g, ' ');
  $(CHROME).remove();
  $('[class], [id]').each((_, el) => {
    const node = $(el);
    const names = `${node.attr('class') ?? ''} ${node.attr('id') ?? ''}`;
    if (CHROME_NAME.test(names)) node.remove();
  });
  const attachments: ListedLink[] = [];
  const seen = new Set<string>();
  // Files linked from what is left: a site-wide PDF in the footer or a menu is no attachment of this article.
  $('a[href]').each((_, el) => {
    const a = $(el);
    let url: URL;
    try {
      url = new URL(a.attr('href')!.trim(), pageUrl);
    } catch {
      return;
    }
    url.hash = '';
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !ATTACHMENT.test(url.pathname) || seen.has(url.href)) return;
    seen.add(url.href);
    attachments.push({ url: url.href, title: a.text().replace(/\s+/g, ' ').trim() || decodeURIComponent(url.pathname.split('/').pop() ?? '') });
  });

  const candidates = CONTENT_SELECTORS.flatMap((selector) => $(selector).toArray());
  let bestNode: (typeof candidates)[number] | undefined;
  let bestLength = 0;
  for (const el of candidates) {
    const length = $(el).text().replace(/\s+/g, '').length;
    if (length > bestLength) {
      bestNode = el;
      bestLength = length;
    }
  }
  // A container holding only a sentence or two ("详见附件") is not the article when the body says more.
  const best = bestNode && bestLength >= 40 ? $(bestNode) : $('body');
  const contentHtml = best.html() ?? '';
  const text = best.text().replace(/\s+/g, '');
  const top = heading && !text.includes(heading.replace(/\s+/g, '')) ? `<h1>${escape(heading)}</h1>\n` : '';
  return { html: `<html><body>${top}${contentHtml}</body></html>`, attachments };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
