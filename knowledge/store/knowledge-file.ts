import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { Fact } from '../schema.ts';

/**
 * Reads knowledge.json in pieces. At 100,000 facts the file is ~55 MB; the
 * plain way (read it whole, decode, JSON.parse) holds the bytes (55 MB),
 * the decoded UTF-16 text (~80 MB) and the parsed objects at once, which is
 * more than the bot's whole memory budget. Here the file streams in 4 MB
 * chunks; each chunk's complete facts are decoded and parsed on their own,
 * and each fact is validated as it arrives, so no copy of the whole file or
 * of the whole data ever exists besides the result.
 *
 * It relies on how the store writes the file (JSON.stringify of
 * {schemaVersion, seq, bulletins, facts}, facts last, each fact an object
 * whose first key is "id"). A fact boundary is then the byte sequence
 * `},{"id":"`, which cannot occur inside a JSON string (quotes there are
 * escaped). Anything else — another layout, a syntax error, a failed
 * validation, another schema version — returns undefined and the caller
 * falls back to the general reader, which also gives the precise error.
 */

const FACTS_KEY = Buffer.from('"facts":[');
const BOUNDARY = Buffer.from('},{"id":"');
const CHUNK_BYTES = 256 * 1024;

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const decoder = new TextDecoder();

export async function readFactsFast<H extends z.ZodType>(path: string, head: H, version: number): Promise<(z.infer<H> & { facts: Fact[] }) | null | undefined> {
  const facts: Fact[] = [];
  let headBytes: Buffer | undefined;
  // Always starts with the byte before the next fact ("[" or the "," turned into one), so a run of
  // complete facts is decoded as one JSON array in place, without building a second string around it.
  let pending: Buffer = Buffer.alloc(0);
  const keep = (items: unknown[]): boolean => {
    for (const item of items) {
      // Keep the parsed object, not zod's copy: a copy is one more object per field for the collector.
      if (!Fact.safeParse(item).success) return false;
      facts.push(item as Fact);
    }
    return true;
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      if (!headBytes) {
        const at = pending.indexOf(FACTS_KEY);
        if (at < 0) continue;
        headBytes = Buffer.from(pending.subarray(0, at));
        pending = pending.subarray(at + FACTS_KEY.length - 1);
      }
      const cut = pending.lastIndexOf(BOUNDARY);
      if (cut < 0) continue;
      pending[cut + 1] = CLOSE;
      if (!keep(JSON.parse(decoder.decode(pending.subarray(0, cut + 2))) as unknown[])) return undefined;
      pending[cut + 1] = OPEN;
      // Copy the unfinished fact out, so the chunk behind it can be freed.
      pending = Buffer.from(pending.subarray(cut + 1));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return undefined;
  }
  if (!headBytes) return undefined;
  try {
    const tail = decoder.decode(pending).trimEnd();
    if (!tail.endsWith(']}')) return undefined;
    if (!keep(JSON.parse(tail.slice(0, -1)) as unknown[])) return undefined;
    const top = JSON.parse(`${headBytes.toString('utf8')}"facts":[]}`) as { schemaVersion?: unknown };
    if (top.schemaVersion !== version) return undefined;
    const parsed = head.safeParse(top);
    if (!parsed.success) return undefined;
    return { ...(parsed.data as object), facts } as z.infer<H> & { facts: Fact[] };
  } catch {
    return undefined;
  }
}
