import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore, type Subscription } from '../../bot/state-store.ts';
import { NO_FILTER } from '../../knowledge/digests/subscription-filter.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sub = (chatId: number, cursor = 0): Subscription => ({
  chatId,
  chatType: 'private',
  filter: NO_FILTER,
  cursor,
  active: true,
  since: '2026-01-01T00:00:00.000Z',
});

const message = { html: '📬 digest' };

async function reopen(): Promise<StateStore> {
  const s = new StateStore(dir);
  await s.open();
  return s;
}

describe('state store', () => {
  it('gives back every change after a crash, from the journal alone', async () => {
    const a = await reopen();
    a.subscribe(sub(1));
    a.subscribe(sub(2));
    a.startRun({ id: 'r1', reason: 'manual', startedAt: 'x', uptoSeq: 5, deliveries: [
      { chatId: 1, digest: 'd', uptoSeq: 5, sentParts: 0, status: 'pending', attempts: 0 },
      { chatId: 2, digest: 'd', uptoSeq: 5, sentParts: 0, status: 'pending', attempts: 0 },
    ], nothingNew: [] }, { d: [message, message] });
    a.markSent('r1', 1, 0);
    a.markSent('r1', 1, 1);
    a.markSent('r1', 2, 0);
    // No compaction, no close: as if killed here.
    const b = await reopen();
    const run = b.run('r1')!;
    expect(run.deliveries.map((d) => [d.chatId, d.sentParts, d.status])).toEqual([[1, 2, 'sent'], [2, 1, 'pending']]);
    expect(b.subscription(1)?.cursor).toBe(5);
    expect(b.subscription(2)?.cursor).toBe(0);
    expect(b.totals()).toMatchObject({ messagesSent: 3, digestsDelivered: 1 });
    expect(b.unfinishedRuns().map((r) => r.id)).toEqual(['r1']);
  });

  it('folds the journal into the snapshot without double counting, even if the journal is replayed', async () => {
    const a = await reopen();
    a.subscribe(sub(1));
    a.advanceCursor(1, 3);
    const journal = readFileSync(a.journalPath, 'utf8');
    await a.compact();
    a.advanceCursor(1, 3);
    await a.compact();
    // After the second compaction the journal keeps only what is newer than the first snapshot (now the backup).
    expect(readFileSync(a.journalPath, 'utf8').trim().split('\n')).toHaveLength(1);
    // A crash between writing the snapshot and cutting the journal leaves old events behind.
    writeFileSync(a.journalPath, journal);
    const b = await reopen();
    expect(b.subscription(1)?.cursor).toBe(3);
    expect(b.allSubscriptions()).toHaveLength(1);
  });

  it('ignores a half-written last line, and refuses a damaged line in the middle', async () => {
    const a = await reopen();
    a.subscribe(sub(1));
    appendFileSync(a.journalPath, '{"e":"subscribe","seq":2,"sub":{"chatId":');
    expect((await reopen()).allSubscriptions()).toHaveLength(1);
    appendFileSync(a.journalPath, '\n{"e":"cursor","seq":3,"chatId":1,"cursor":9}\n');
    writeFileSync(a.journalPath, readFileSync(a.journalPath, 'utf8').replace('"e":"cursor"', '"e":"cursor",,'));
    appendFileSync(a.journalPath, '{"e":"cursor","seq":4,"chatId":1,"cursor":9}\n');
    await expect(reopen()).rejects.toThrow(/state\.journal.*第 \d 行不是有效的 JSON/);
  });

  it('cuts a torn last line off at startup, so the events recorded after it are not glued to it', async () => {
    const a = await reopen();
    a.subscribe(sub(1));
    // kill -9 (or a power cut) in the middle of an append.
    appendFileSync(a.journalPath, '{"e":"cursor","seq":2,"chatId":1,"cur');
    const b = await reopen();
    b.advanceCursor(1, 7);
    b.subscribe(sub(2));
    // Without the cut, the torn line would now sit in the middle, and the journal could never be read again.
    const c = await reopen();
    expect(c.subscription(1)?.cursor).toBe(7);
    expect(c.allSubscriptions().map((s) => s.chatId)).toEqual([1, 2]);
    expect(readFileSync(a.journalPath, 'utf8')).not.toContain('"cur\n');
  });

  it('keeps events recorded while a compaction writes the snapshot, and writes later ones to the new journal', async () => {
    const a = await reopen();
    a.subscribe(sub(1));
    const compacting = a.compact();
    let done = false;
    void compacting.then(() => (done = true));
    // Keep recording while the snapshot is being written and synced.
    let cursor = 1;
    while (!done) {
      a.advanceCursor(1, ++cursor);
      await new Promise((r) => setImmediate(r));
    }
    a.subscribe(sub(2));
    const snapshotSeq = (JSON.parse(readFileSync(a.snapshotPath, 'utf8')) as { journalSeq: number }).journalSeq;
    const journalSeqs = readFileSync(a.journalPath, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
    // The journal holds every event after the previous snapshot (none here, so all of them), with none
    // missing: those folded into the new snapshot, those recorded mid-write, and the last subscribe.
    expect(journalSeqs).toEqual(journalSeqs.map((_, i) => i + 1));
    expect(journalSeqs.at(-1)!).toBeGreaterThan(snapshotSeq);
    const b = await reopen();
    expect(b.subscription(1)?.cursor).toBe(cursor);
    expect(b.allSubscriptions().map((s) => s.chatId)).toEqual([1, 2]);
  });

  it('unsubscribes chats Telegram says are gone, dropping their pending deliveries', async () => {
    const a = await reopen();
    a.subscribe(sub(7));
    a.startRun({ id: 'r', reason: 'manual', startedAt: 'x', uptoSeq: 1, deliveries: [{ chatId: 7, digest: 'd', uptoSeq: 1, sentParts: 0, status: 'pending', attempts: 0 }], nothingNew: [] }, { d: [message] });
    a.markGone('r', 7, 'Forbidden: bot was blocked by the user');
    const b = await reopen();
    expect(b.subscription(7)).toMatchObject({ active: false, endedReason: 'Forbidden: bot was blocked by the user' });
    expect(b.run('r')!.deliveries[0]!.status).toBe('dropped');
    expect(b.totals().unsubscribedByTelegram).toBe(1);
  });

  it('moves a migrated group, and advances quiet chats when a run is recorded', async () => {
    const a = await reopen();
    a.subscribe({ ...sub(-100), chatType: 'group' });
    a.subscribe(sub(5));
    a.markMigrated(-100, -100200);
    a.startRun({ id: 'q', reason: 'scheduled', startedAt: 'x', uptoSeq: 9, deliveries: [], nothingNew: [5] }, {});
    const b = await reopen();
    expect(b.subscription(-100)).toBeUndefined();
    // Telegram migrates a group to a supergroup: that is what the chat is now.
    expect(b.subscription(-100200)?.chatType).toBe('supergroup');
    expect(b.subscription(5)?.cursor).toBe(9);
  });

  it('restores a damaged snapshot from its backup and replays the journal: nothing is lost', async () => {
    const a = await reopen();
    a.subscribe(sub(1));
    await a.compact();
    a.subscribe(sub(2));
    await a.compact();
    a.subscribe(sub(3));
    await a.close();
    for (const damage of ['{"schemaVersion":2,"journalSeq":', 'not json at all', '{"schemaVersion":2,"journalSeq":"x"}']) {
      writeFileSync(join(dir, 'state.json'), damage);
      const restored: string[] = [];
      const b = new StateStore(dir);
      await b.open((e, movedTo) => restored.push(`${e.path} → ${movedTo}`));
      expect(restored).toEqual([expect.stringMatching(/state\.json → .*state\.json\.damaged-/)]);
      expect(b.allSubscriptions().map((s) => s.chatId)).toEqual([1, 2, 3]);
      await b.close();
    }
  });

  it('refuses to start rather than drop subscriptions when no good copy exists', async () => {
    const a = await reopen();
    a.subscribe(sub(1));
    await a.compact();
    await a.close();
    writeFileSync(join(dir, 'state.json'), '{"truncated":');
    rmSync(join(dir, 'state.json.bak'), { force: true });
    await expect(reopen()).rejects.toThrow(/state\.json: 不是有效的 JSON/);
    // A journal that starts after a gap means the snapshot covering the gap is missing.
    rmSync(join(dir, 'state.json'));
    writeFileSync(join(dir, 'state.journal'), '{"e":"cursor","chatId":1,"cursor":4,"seq":9}\n');
    await expect(reopen()).rejects.toThrow(/缺少第 1–8 条记录/);
  });

  it('migrates a version 1 file on load', async () => {
    writeFileSync(
      join(dir, 'state.json'),
      JSON.stringify({
        schemaVersion: 1,
        journalSeq: 1,
        subscriptions: [sub(5)],
        runs: [],
        digests: {},
        totals: { messagesSent: 10, digestsDelivered: 4, failures: 2, unsubscribedByTelegram: 1 },
      }),
    );
    const b = await reopen();
    expect(b.totals()).toEqual({ messagesSent: 10, digestsDelivered: 4, deferrals: 2, unsubscribedByTelegram: 1 });
    expect(b.subscription(5)?.active).toBe(true);
    await b.compact();
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))).toMatchObject({ schemaVersion: 2, totals: { deferrals: 2 } });
  });
});
