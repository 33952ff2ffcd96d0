/**
 * PDF and Word bulletins through ingestFile, the path `npm run ingest` and
 * uploads take: read, parsed, stored. The parser itself is tested elsewhere;
 * this checks what only the readers can break: the bulletin is accepted with
 * its title, region and period, and a few figures keep their carrier, one of
 * them from a sentence cut by a PDF page break.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestBytes, ingestFile } from '../../../knowledge/ingest/ingest.ts';
import type { ParsedBulletin } from '../../../knowledge/ingest/parse-bulletin.ts';
import { UnreadableSourceError } from '../../../knowledge/ingest/read-source.ts';
import type { Fact } from '../../../knowledge/schema.ts';
import { LowdbKnowledgeStore } from '../../../knowledge/store/store.ts';

const fixture = (path: string): string => fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));

let dir: string;
let store: LowdbKnowledgeStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-readers-'));
  store = new LowdbKnowledgeStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The one fact holding a figure of this value and unit, with the short name of its carrier. */
function factWithFigure(parsed: ParsedBulletin, value: number, unit: string): { fact: Fact; carrier: string | undefined } {
  const found = parsed.facts.filter((f) => f.figures.some((x) => x.value === value && x.unit === unit));
  expect(found.map((f) => f.text), `one fact with ${value}${unit}`).toHaveLength(1);
  const fact = found[0]!;
  return { fact, carrier: parsed.carriers.find((c) => c.id === fact.carrierId)?.shortName };
}

/** Who owns the facts carrying this figure: carriers by short name, "全省" for the province itself. */
function ownersOf(parsed: ParsedBulletin, value: number, unit: string): string[] {
  const owners = parsed.facts
    .filter((f) => f.figures.some((x) => x.value === value && x.unit === unit))
    .map((f) => (f.carrierId === null ? '全省' : (parsed.carriers.find((c) => c.id === f.carrierId)?.shortName ?? f.carrierId)));
  return [...new Set(owners)];
}

describe('ingesting a PDF bulletin', () => {
  it('stores it with its title, region and quarter, and its carriers’ figures', async () => {
    const r = await ingestFile(store, fixture('pdf/bulletin.pdf'));
    expect(r.encoding).toBe('PDF');
    expect(r.outcome.status).toBe('added');
    expect(r.parsed.bulletin).toMatchObject({ title: '湖南省通信管理局关于2025年第一季度全省电信服务质量情况的通告', region: { province: 'HN' }, period: { year: 2025, quarter: 1 }, sourceFile: 'bulletin.pdf' });
    expect(ownersOf(r.parsed, 1865, '万次')).toEqual(['湖南移动']);
    expect(ownersOf(r.parsed, 1126, '个')).toEqual(['湖南联通']);
    expect(ownersOf(r.parsed, 4826, '件')).toEqual(['全省']);
    expect((await store.load()).bulletins).toHaveLength(1);
  });

  it('rejoins the sentence a page break cut into one fact of its carrier', async () => {
    const r = await ingestFile(store, fixture('pdf/bulletin.pdf'));
    const { fact, carrier } = factWithFigure(r.parsed, 1236, '万次');
    expect(carrier).toBe('湖南电信');
    expect(fact.figures.map((f) => `${f.value}${f.unit}`)).toEqual(expect.arrayContaining(['1236万次', '428万条', '2.7万个', '96.8%']));
    expect(fact.text).toContain('对外呼频次异常的号码');
    expect(fact.source.paragraphs).toHaveLength(2);
  });

  it('keeps none of the running heads or page numbers as facts', async () => {
    const r = await ingestFile(store, fixture('pdf/bulletin.pdf'));
    expect(r.parsed.facts.filter((f) => /第\s*\d\s*页|电信服务质量通告$/.test(f.text))).toEqual([]);
  });
});

describe('ingesting a Word bulletin', () => {
  it('stores it with its title, region and quarter, and its carriers’ figures', async () => {
    const r = await ingestFile(store, fixture('docx/bulletin.docx'));
    expect(r.encoding).toBe('Word');
    expect(r.parsed.bulletin).toMatchObject({ title: '江西省通信管理局关于2025年第二季度全省电信服务质量情况的通告', region: { province: 'JX' }, period: { year: 2025, quarter: 2 } });
    expect(ownersOf(r.parsed, 1543, '万次')).toEqual(['江西移动']);
    expect(ownersOf(r.parsed, 68.5, '万户')).toEqual(['江西联通']);
    expect(ownersOf(r.parsed, 3157, '件')).toEqual(['全省']);
  });
});

describe('an unreadable PDF or Word file changes nothing', () => {
  it.each(['pdf/scanned.pdf', 'pdf/encrypted.pdf', 'pdf/truncated.pdf', 'docx/damaged.docx'])('%s', async (name) => {
    await ingestFile(store, fixture('docx/bulletin.docx'));
    const before = await readFile(store.path, 'utf8');
    await expect(ingestBytes(store, await readFile(fixture(name)), name)).rejects.toBeInstanceOf(UnreadableSourceError);
    expect(await readFile(store.path, 'utf8')).toBe(before);
  });
});
