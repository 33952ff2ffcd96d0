/**
 * Checks text the way Telegram's HTML parse mode reads it: only the tags it
 * supports, properly nested and closed, and every other <, > and & escaped.
 * Returns what is wrong, or undefined when Telegram would accept it.
 */
const ALLOWED = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'span', 'blockquote', 'tg-emoji']);
const ENTITY = /^&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;

export function telegramHtmlProblem(html: string): string | undefined {
  const stack: string[] = [];
  for (let i = 0; i < html.length; i++) {
    const c = html[i];
    if (c === '&') {
      if (!ENTITY.test(html.slice(i))) return `unescaped & at ${i}`;
      continue;
    }
    if (c === '>') return `unescaped > at ${i}`;
    if (c !== '<') continue;
    const end = html.indexOf('>', i);
    if (end < 0) return `unclosed < at ${i}`;
    const tag = html.slice(i + 1, end);
    const m = /^(\/)?([a-z-]+)(\s+[a-z-]+="[^"<>]*")*\s*$/.exec(tag);
    if (!m) return `malformed tag <${tag}>`;
    const [, closing, name] = m;
    if (!ALLOWED.has(name!)) return `tag <${name}> is not supported`;
    if (closing) {
      if (stack.pop() !== name) return `</${name}> closes nothing open`;
    } else stack.push(name!);
    i = end;
  }
  return stack.length ? `unclosed <${stack.at(-1)}>` : undefined;
}
