import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestText } from '../../knowledge/ingest/ingest.ts';
import { NotABulletinError } from '../../knowledge/ingest/parse-bulletin.ts';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { ingestWatched } from '../../knowledge/watch/ingest-watched.ts';
import { bulletinText } from './site-content.ts';

const spec = { province: '湖南', year: 2024, quarter: 2 as const, seed: 42 };
const SITE = 'https://hunca.miit.gov.cn/zwgk/tzgg/art/2024/art_1.html';
const PAPER = 'https://paper.example.com/2024/07/20/3.html';

describe('ingestWatched', () => {
  let dir = '';
  let store: LowdbKnowledgeStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'carrier-watch-iw-'));
    store = new LowdbKnowledgeStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores a silent bulletin with its mark and URL in the same write', async () => {
    const r = await ingestWatched(store, bulletinText(spec), SITE, { url: SITE, silent: true });
    expect(r.outcome.status).toBe('added');
    const data = await store.load();
    expect(data.bulletins).toHaveLength(1);
    expect(data.bulletins[0]).toMatchObject({ id: 'hn-2024q2-official', url: SITE, silent: true, seq: 1 });
  });

  it('recognises a reprint with other chrome as the same bulletin: no new sequence number', async () => {
    await ingestWatched(store, bulletinText(spec), SITE, { url: SITE, silent: false });
    const lines = bulletinText(spec).split('\n');
    const reprint = [lines[0], '本报讯(记者 李明)近日,省通信管理局发布通告。', ...lines.slice(1), '(责任编辑:王平)'].join('\n');
    const r = await ingestWatched(store, reprint, PAPER, { url: PAPER, silent: false });
    expect(r).toMatchObject({ reprint: true, outcome: { status: 'unchanged' } });
    const data = await store.load();
    expect(data.seq).toBe(1);
    expect(data.bulletins.map((b) => b.url)).toEqual([SITE]);
  });

  it('takes a corrected figure as a new version, announced again', async () => {
    await ingestWatched(store, bulletinText(spec), SITE, { url: SITE, silent: true });
    const corrected = bulletinText(spec).replace(/用户满意率[\d.]+%/, '用户满意率88.8%');
    expect(corrected).not.toBe(bulletinText(spec));
    const r = await ingestWatched(store, corrected, SITE, { url: SITE, silent: false });
    expect(r).toMatchObject({ reprint: false, outcome: { status: 'replaced' } });
    const [entry] = (await store.load()).bulletins;
    expect(entry).toMatchObject({ seq: 2 });
    expect(entry?.silent).toBeUndefined();
  });

  it('fills in the URL of the same bulletin uploaded earlier without one, announcing nothing', async () => {
    await ingestText(store, bulletinText(spec), '湖南二季度.txt');
    const r = await ingestWatched(store, bulletinText(spec).replace('各基础电信企业', '各基础电信企业、有关单位'), SITE, { url: SITE, silent: false });
    expect(r.reprint).toBe(true);
    const data = await store.load();
    expect(data.seq).toBe(1);
    expect(data.bulletins[0]?.url).toBe(SITE);
  });

  it('writes nothing for a page that is no bulletin', async () => {
    await expect(ingestWatched(store, '网站维护公告\n本网站将于周六凌晨进行维护。', SITE, { url: SITE, silent: false })).rejects.toBeInstanceOf(NotABulletinError);
    expect((await store.load()).bulletins).toEqual([]);
  });
});
