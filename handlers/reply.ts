import { z } from 'zod';

/** Telegram's limits; the adapters never send past them. */
export const MAX_MESSAGE_CHARS = 4096;
export const MAX_CALLBACK_BYTES = 64;

export const CallbackButton = z.object({
  text: z.string().min(1),
  data: z.string().refine((d) => Buffer.byteLength(d, 'utf8') <= MAX_CALLBACK_BYTES, 'callback data over 64 bytes'),
});
export const UrlButton = z.object({ text: z.string().min(1), url: z.string().url() });
export const Button = z.union([CallbackButton, UrlButton]);
export type Button = z.infer<typeof Button>;

/** Telegram's limit for a photo caption. */
export const MAX_CAPTION_CHARS = 1024;

/**
 * A line chart as data: handlers describe it, the adapters render it (bot/chart.ts)
 * so handlers stay free of rendering libraries. One series per 口径; null where a
 * series has no value for a category.
 */
export const ChartSpec = z.object({
  title: z.string().min(1),
  subtitle: z.string().optional(),
  unit: z.string(),
  categories: z.array(z.string().min(1)).min(1),
  series: z.array(z.object({ name: z.string().min(1), values: z.array(z.number().nullable()) })).min(1),
});
export type ChartSpec = z.infer<typeof ChartSpec>;

export const OutMessage = z.object({
  /** Telegram HTML: only <b>, <i>, <code>, <a href> and escaped text. */
  html: z.string().min(1),
  buttons: z.array(z.array(Button)).optional(),
  /** When present the message is a photo of this chart, with `html` as its caption (at most MAX_CAPTION_CHARS). */
  chart: ChartSpec.optional(),
});
export type OutMessage = z.infer<typeof OutMessage>;

export const Reply = z.object({
  messages: z.array(OutMessage),
  /** For button presses: replace the message the button sat on instead of sending a new one. */
  edit: z.boolean().optional(),
  /** A short toast for a button press. */
  notice: z.string().optional(),
});
export type Reply = z.infer<typeof Reply>;

export function reply(html: string, buttons?: Button[][]): Reply {
  return { messages: [buttons?.length ? { html, buttons } : { html }] };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Splits HTML into messages of at most `limit` characters at line breaks.
 * Handlers never open a tag on one line and close it on another, so a
 * line boundary is never inside a tag. A single line longer than the
 * limit (which handlers avoid) is cut at a character boundary outside tags.
 */
export function splitHtml(html: string, limit = MAX_MESSAGE_CHARS): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of html.split('\n')) {
    const pieces = line.length > limit ? hardSplit(line, limit) : [line];
    for (const piece of pieces) {
      const candidate = current ? `${current}\n${piece}` : piece;
      if (candidate.length <= limit) {
        current = candidate;
        continue;
      }
      if (current.trim()) chunks.push(current);
      current = piece;
    }
  }
  if (current.trim()) chunks.push(current);
  return chunks.length ? chunks : [html.slice(0, limit)];
}

function hardSplit(line: string, limit: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    let cut = limit;
    // Step back out of a tag or an entity, and off a surrogate pair's second half.
    const lastOpen = rest.lastIndexOf('<', cut);
    if (lastOpen > rest.lastIndexOf('>', cut - 1)) cut = lastOpen;
    const amp = rest.lastIndexOf('&', cut);
    if (amp > cut - 8 && rest.indexOf(';', amp) >= cut) cut = amp;
    if (/[\uDC00-\uDFFF]/.test(rest[cut] ?? '')) cut--;
    if (cut <= 0) cut = limit;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}

/** A reply ready to send: every message within the limit, buttons on the last part. */
export function finalize(r: Reply): Reply {
  const messages = r.messages.flatMap((m): OutMessage[] => {
    if (m.chart) {
      // A caption holds 1024 characters: the chart keeps the first part, the rest follows as text.
      const [caption = '', ...more] = splitHtml(m.html, MAX_CAPTION_CHARS);
      const rest = more.length ? splitHtml(more.join('\n')) : [];
      const photo: OutMessage = { html: caption, chart: m.chart, ...(m.buttons && !rest.length ? { buttons: m.buttons } : {}) };
      return [photo, ...rest.map((html, i) => (i === rest.length - 1 && m.buttons ? { html, buttons: m.buttons } : { html }))];
    }
    const parts = splitHtml(m.html);
    return parts.map((html, i) => (i === parts.length - 1 && m.buttons ? { html, buttons: m.buttons } : { html }));
  });
  return { ...r, messages };
}
