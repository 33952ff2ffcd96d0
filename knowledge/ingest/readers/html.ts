/**
 * Saved web pages to plain paragraphs: blocks become blank-line separated,
 * navigation chrome dropped, tables one row per line with cells separated
 * by spaces. html-to-text is loaded on first use: the running bot rarely
 * sees a web page, and it costs some 11 MB to hold.
 */
export async function htmlToText(html: string): Promise<string> {
  const { convert } = await import('html-to-text');
  return convert(html, {
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
    ],
  });
}
