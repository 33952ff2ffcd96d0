import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestBytes, ingestFile, ingestText, reparseOutdated } from '../../knowledge/ingest/ingest.ts';
import { NotABulletinError, PARSER_VERSION } from '../../knowledge/ingest/parse-bulletin.ts';
import { UnreadableSourceError } from '../../knowledge/ingest/read-source.ts';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { readShipped } from '../helpers/knowledge.ts';

let dir: string;
let store: LowdbKnowledgeStore;
const jilin = readShipped('000');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-ingest-'));
  store = new LowdbKnowledgeStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('ingestion into the store', () => {
  it('adds a bulletin, then leaves the store alone when the same content comes again', async () => {
    const first = await ingestText(store, jilin, 'a.txt');
    expect(first.outcome).toMatchObject({ status: 'added', newCarriers: ['cm-jl', 'ct-jl', 'cu-jl'] });
    const before = await readFile(store.path, 'utf8');
    const again = await ingestText(store, `\n${jilin}\n\n`, 'b.txt');
    expect(again.outcome.status).toBe('unchanged');
    expect(await readFile(store.path, 'utf8')).toBe(before);
  });

  it('replaces a corrected version of the same bulletin and says what changed', async () => {
    await ingestText(store, jilin, 'a.txt');
    const corrected = jilin.replace('爱心翼站已拓展到443家', '爱心翼站已拓展到445家');
    const r = await ingestText(store, corrected, 'a-corrected.txt');
    expect(r.outcome.status).toBe('replaced');
    expect(r.outcome.changes?.added).toEqual([expect.stringContaining('445家')]);
    expect(r.outcome.changes?.removed).toEqual([expect.stringContaining('443家')]);
    const data = await store.load();
    expect(data.bulletins).toHaveLength(1);
    expect(data.bulletins[0]!.seq).toBe(2);
    expect(data.facts.filter((f) => f.text.includes('爱心翼站已拓展'))).toHaveLength(1);
  });

  it('gives the same ids and facts for the same input', async () => {
    const a = await ingestText(store, jilin, 'a.txt');
    const other = new LowdbKnowledgeStore(join(dir, 'other'));
    const b = await ingestText(other, jilin, 'a.txt');
    expect(b.parsed).toEqual(a.parsed);
    expect((await other.load()).facts).toEqual((await store.load()).facts);
  });

  it('keeps the decoded text so a newer parser can read it again', async () => {
    const r = await ingestText(store, jilin, 'a.txt');
    expect(await store.readSource(r.parsed.bulletin.contentHash)).toBe(jilin);
    await store.update((d) => {
      d.bulletins[0]!.parserVersion = PARSER_VERSION - 1;
    });
    const again = await reparseOutdated(store);
    expect(again.map((x) => x.outcome.status)).toEqual(['replaced']);
    expect((await store.load()).bulletins[0]!.parserVersion).toBe(PARSER_VERSION);
  });

  it('does not make a re-read bulletin news again: it keeps its sequence number, time, URL and silent mark', async () => {
    const url = 'https://jlca.miit.gov.cn/zwgk/tzgg/art/2024/art_1.html';
    await ingestText(store, jilin, 'a.txt', new Date('2024-03-01T00:00:00Z'), { url });
    await store.update((d) => {
      d.bulletins[0]!.parserVersion = PARSER_VERSION - 1;
      d.bulletins[0]!.silent = true;
    });
    const before = (await store.load()).bulletins[0]!;
    await reparseOutdated(store);
    const data = await store.load();
    expect(data.seq).toBe(before.seq);
    expect(data.bulletins[0]).toMatchObject({ seq: before.seq, ingestedAt: before.ingestedAt, url, silent: true, parserVersion: PARSER_VERSION });
  });
});

describe('bad input changes nothing', () => {
  const cases: Array<[string, string, Uint8Array, RegExp]> = [
    ['an empty file', 'empty.txt', new Uint8Array(), /空的/],
    ['a binary file', 'scan.txt', Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 3, 0, 0, 9]), /二进制/],
    ['an unreadable encoding', 'odd.txt', Uint8Array.from([0x81, 0x20, 0xff, 0xfe, 0x81, 0x20, 0x41]), /编码/],
    ['an unsupported type', 'photo.jpg', new TextEncoder().encode('x'), /只支持|不支持/],
    ['a PDF that is damaged', 'report.pdf', new TextEncoder().encode('x'), /PDF/],
    ['text that is no bulletin', 'notes.txt', new TextEncoder().encode('今天天气不错。\n\n我们去公园散步吧。'), /标题|承诺|地区|时期/],
    ['whitespace only', 'blank.md', new TextEncoder().encode(' \n\n\t\n'), /没有文字|空的|标题/],
  ];

  it.each(cases)('%s', async (_what, name, bytes, message) => {
    await ingestText(store, jilin, 'a.txt');
    const before = await readFile(store.path, 'utf8');
    const attempt = ingestBytes(store, bytes, name);
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toSatisfy((e: unknown) => e instanceof UnreadableSourceError || e instanceof NotABulletinError);
    expect(await readFile(store.path, 'utf8')).toBe(before);
  });

  it('refuses files over the size limit without reading them', async () => {
    const path = join(dir, 'big.txt');
    await writeFile(path, 'x'.repeat(2048));
    await expect(ingestFile(store, path, 1024)).rejects.toThrow(/太大.*上限/);
  });
});
