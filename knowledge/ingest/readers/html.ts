/**
 * Saved web pages to plain paragraphs: blocks become blank-line separated,
 * navigation chrome dropped, tables one row per line with cells separated
 * by spaces. html-to-text is loaded on first use: the running bot rarely
 * sees a web page, and it costs some 11 MB to hold.
 */
export async function htmlToText(html: string): Promise<string> {
  const { convert } = await import('html-to-text');
  return convert(await prepared(html), {
    wordwrap: false,
    preserveNewlines: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'header', format: 'skip' },
      { selector: 'footer', format: 'skip' },
      // Sidebars carry other stories ("相关阅读"); their carriers and figures are not this bulletin's.
      { selector: 'aside', format: 'skip' },
      { selector: 'form', format: 'skip' },
      { selector: 'iframe', format: 'skip' },
      { selector: 'noscript', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
      // A page breaks lines only where it means to: every block and every line break outside a
      // table is a paragraph of its own, never a soft wrap to be joined to the next line.
      { selector: 'div', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
      { selector: `br.${PARAGRAPH_BREAK}`, format: 'paragraphBreak' },
    ],
    formatters: {
      paragraphBreak: (_elem, _walk, builder) => {
        builder.addLineBreak();
        builder.addLineBreak();
      },
    },
  });
}

/** The class given to the <br> outside tables, which end a paragraph. */
const PARAGRAPH_BREAK = 'cw-paragraph-break';

/** What may stand between the links of a menu: separators and spaces. */
const BETWEEN_LINKS = /^[\s|｜·•/>»\-—,、:]*$/;
/** Fewer links than this is a sentence's link or an attachment, not a menu. */
const MENU_LINKS = 3;

/**
 * Menus a site builds without <nav>: a bar or list of three or more links with
 * nothing but separators between them ("科技首页 通信 手机 互联网", a "相关新闻"
 * list). Their entries would otherwise come out as short lines above the title,
 * or be read as the title itself. Text that is not a link keeps its container.
 *
 * A page whose body does not carry the headline its <title> gives (a copy saved
 * without its heading) gets that headline on top, since the parser reads the
 * title first; the site's name after "_" or "|" is left off.
 */
async function prepared(html: string): Promise<string> {
  if (!/<a[\s>]|<title[\s>]|<br[\s/>]/i.test(html)) return html;
  const cheerio = await import('cheerio');
  const $ = cheerio.load(html);
  // Inside a table a <br> only wraps a cell's text.
  $('br').each((_, el) => {
    if ($(el).closest('table').length === 0) $(el).addClass(PARAGRAPH_BREAK);
  });
  $('ul, ol, div, p, section, span, dl').each((_, el) => {
    const node = $(el);
    if (node.closest('html').length === 0) return; // already removed with an outer menu
    const links = node.find('a');
    if (links.length < MENU_LINKS) return;
    const copy = node.clone();
    copy.find('a').remove();
    if (BETWEEN_LINKS.test(copy.text())) node.remove();
  });
  const headline = ($('title').first().text().split(/\s*[_|｜]\s*/)[0] ?? '').replace(/\s+/g, ' ').trim();
  const bare = (t: string): string => t.normalize('NFKC').replace(/\s+/g, '');
  if (headline.length >= 6 && !bare($('body').text()).includes(bare(headline))) $('body').prepend($('<h1>').text(headline));
  return $.html();
}
