import { appendFileSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbWatchState } from '../../bot/watch-state.ts';
import { freshStatus } from '../../knowledge/watch/decide.ts';

const KEY = 'https://hunca.miit.gov.cn/zwgk/tzgg/index.html';

describe('LowdbWatchState', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'carrier-watch-state-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const open = async (): Promise<LowdbWatchState> => {
    const s = new LowdbWatchState(dir);
    await s.open();
    return s;
  };

  it('gives back, after a crash (no close), every change that resolved; a torn last line is dropped', async () => {
    const a = await open();
    await a.markSeen(KEY, ['https://x/1.html', 'https://x/2.html']);
    await a.saveStatus(KEY, { ...freshStatus(), baselined: true, itemsSeen: 2, etag: '"e1"' });
    await a.addSource('https://y/list.html', { name: '某日报', url: 'https://y/list.html', verified: false });
    // kill -9 mid-append: half a line at the end of the journal.
    appendFileSync(join(dir, 'watch.journal'), '{"e":"seen","key":"https://hunca');
    const b = await open();
    const rec = await b.read(KEY);
    expect([...rec.seen]).toEqual(['https://x/1.html', 'https://x/2.html']);
    expect(rec.status).toEqual({ ...freshStatus(), baselined: true, itemsSeen: 2, etag: '"e1"' });
    expect(await b.addedSources()).toEqual([{ name: '某日报', url: 'https://y/list.html', verified: false }]);
    await b.markSeen(KEY, ['https://x/3.html']);
    const c = await open();
    expect((await c.read(KEY)).seen.size).toBe(3);
  });

  it('folds the journal into the snapshot on close and keeps every seen link, uncapped', async () => {
    const a = await open();
    const links = Array.from({ length: 3000 }, (_, i) => `https://x/${i}.html`);
    for (let i = 0; i < links.length; i += 100) await a.markSeen(KEY, links.slice(i, i + 100));
    await a.close();
    expect(readFileSync(join(dir, 'watch.journal'), 'utf8')).toBe('');
    const b = await open();
    expect((await b.read(KEY)).seen.size).toBe(3000);
  });

  it('forgets a removed source’s memory, so adding it again starts with a baseline', async () => {
    const a = await open();
    await a.markSeen(KEY, ['https://x/1.html']);
    await a.saveStatus(KEY, { ...freshStatus(), baselined: true });
    await a.removeSource(KEY);
    expect(await a.removedKeys()).toEqual([KEY]);
    expect(await a.read(KEY)).toEqual({ status: freshStatus(), seen: new Set() });
    await a.addSource(KEY, { name: '湖南', url: KEY, verified: true });
    expect(await a.removedKeys()).toEqual([]);
  });
});
