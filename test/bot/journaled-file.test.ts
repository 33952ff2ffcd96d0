import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { JournaledFile } from '../../bot/journaled-file.ts';

/**
 * A crash at a chosen step of a compaction: the file-system call there
 * throws instead of running, so nothing after it happens, as when the
 * process dies at that instant. The store is then abandoned and the
 * directory opened afresh, as a restarted process would.
 */
const crash = vi.hoisted(() => ({ at: undefined as string | undefined }));
function die(step: string): void {
  if (crash.at === step) throw new Error(`crashed at ${step}`);
}
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rm: (...a: Parameters<typeof real.rm>) => (die('snapshot: drop old backup'), real.rm(...a)),
    link: (...a: Parameters<typeof real.link>) => (die('snapshot: keep backup'), real.link(...a)),
    rename: (...a: Parameters<typeof real.rename>) => (die('snapshot: rename'), real.rename(...a)),
  };
});
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, renameSync: (...a: Parameters<typeof real.renameSync>) => (die('journal: rename'), real.renameSync(...a)) };
});

/** A tally: adding is not idempotent, so an event applied twice shows. */
const Tally = z.object({ schemaVersion: z.literal(1), journalSeq: z.number().int().nonnegative(), total: z.number(), notes: z.array(z.string()) });
type Tally = z.infer<typeof Tally>;
const TallyEvent = z.discriminatedUnion('e', [
  z.object({ e: z.literal('add'), seq: z.number(), n: z.number() }),
  z.object({ e: z.literal('note'), seq: z.number(), text: z.string() }),
]);
type TallyEvent = z.infer<typeof TallyEvent>;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-journaled-'));
  crash.at = undefined;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tally(compactEvery = 1000): JournaledFile<Tally, TallyEvent> {
  return new JournaledFile<Tally, TallyEvent>(dir, 'tally', {
    snapshot: { schema: Tally, version: 1 },
    event: TallyEvent,
    empty: () => ({ schemaVersion: 1, journalSeq: 0, total: 0, notes: [] }),
    apply(data, ev) {
      if (ev.e === 'add') data.total += ev.n;
      else data.notes.push(ev.text);
    },
    compactEvery,
  });
}

async function opened(): Promise<JournaledFile<Tally, TallyEvent>> {
  const file = tally();
  await file.open();
  return file;
}

/** Adds 1, compacts, adds 2, compacts, adds 4: the snapshot has seq 2, its backup seq 1, the journal seq 2 and 3. */
async function afterTwoCompactions(): Promise<JournaledFile<Tally, TallyEvent>> {
  const file = await opened();
  file.record({ e: 'add', n: 1 });
  await file.compact();
  file.record({ e: 'add', n: 2 });
  await file.compact();
  file.record({ e: 'add', n: 4 });
  return file;
}

const journal = (): string => readFileSync(join(dir, 'tally.journal'), 'utf8');
const journalSeqs = (): number[] =>
  journal()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { seq: number }).seq);

describe('journaled file', () => {
  it('numbers each event, puts its seq last, and has it on disk when record returns', async () => {
    const a = await opened();
    expect(a.record({ e: 'add', n: 5 })).toEqual({ e: 'add', n: 5, seq: 1 });
    a.record({ e: 'note', text: '吉林' });
    expect(journal()).toBe('{"e":"add","n":5,"seq":1}\n{"e":"note","text":"吉林","seq":2}\n');
    // No compaction, no close: as if killed here.
    const b = await opened();
    expect(b.data).toEqual({ schemaVersion: 1, journalSeq: 2, total: 5, notes: ['吉林'] });
  });

  // kill -9 mid-append: half an event, or (a whole event but no newline yet) an append that never finished.
  it.each([['half a line', '{"e":"add","n":100,"se'], ['a whole event without its newline', '{"e":"add","n":100,"seq":2}']])(
    'cuts a torn last line (%s) at startup, so later events are not glued to it',
    async (_name, torn) => {
      const a = await opened();
      a.record({ e: 'add', n: 1 });
      appendFileSync(join(dir, 'tally.journal'), torn);
      const b = await opened();
      expect(b.data.total).toBe(1);
      expect(journal()).toBe('{"e":"add","n":1,"seq":1}\n');
      b.record({ e: 'add', n: 2 });
      expect(journalSeqs()).toEqual([1, 2]);
      expect((await opened()).data).toMatchObject({ total: 3, journalSeq: 2 });
    },
  );

  it('refuses a damaged line in the middle, naming the file and the line', async () => {
    const a = await opened();
    a.record({ e: 'add', n: 1 });
    appendFileSync(join(dir, 'tally.journal'), 'garbage\n{"e":"add","n":2,"seq":2}\n');
    await expect(opened()).rejects.toThrow(/tally\.journal: 第 2 行不是有效的 JSON/);
    writeFileSync(join(dir, 'tally.journal'), '{"e":"add","n":"one","seq":1}\n');
    await expect(opened()).rejects.toThrow(/tally\.journal: 第 1 行不符合数据格式/);
  });

  it('replays by seq: events already in the snapshot are skipped, newer ones applied once', async () => {
    const a = await opened();
    for (const n of [1, 2, 3]) a.record({ e: 'add', n });
    const before = journal();
    await a.compact();
    a.record({ e: 'add', n: 10 });
    // The journal as if the compaction had never cut it, plus the event after it.
    writeFileSync(join(dir, 'tally.journal'), `${before}{"e":"add","n":10,"seq":4}\n`);
    expect((await opened()).data).toMatchObject({ total: 16, journalSeq: 4 });
  });

  it('refuses a journal that starts after a gap: the snapshot covering it is missing', async () => {
    writeFileSync(join(dir, 'tally.journal'), '{"e":"add","n":1,"seq":7}\n');
    await expect(opened()).rejects.toThrow(/tally\.json: 缺少第 1–6 条记录/);
  });

  it('keeps in the journal every event newer than the backup, so a damaged snapshot loses nothing', async () => {
    const a = await afterTwoCompactions();
    expect(journalSeqs()).toEqual([2, 3]);
    writeFileSync(join(dir, 'tally.json'), '{"schemaVersion":1,"journalSeq":');
    const restored: string[] = [];
    const b = tally();
    await b.open((damaged, movedTo) => restored.push(`${damaged.reason} → ${movedTo}`));
    expect(restored).toEqual([expect.stringMatching(/^不是有效的 JSON.* → .*tally\.json\.damaged-/)]);
    expect(b.data).toMatchObject({ total: 7, journalSeq: 3 });
  });

  it('keeps events recorded while the snapshot is being written', async () => {
    const a = await opened();
    a.record({ e: 'add', n: 1 });
    const compacting = a.compact();
    // The fold has serialised the data (seq 1) and is writing it; these follow it.
    await new Promise((r) => setImmediate(r));
    a.record({ e: 'add', n: 2 });
    a.record({ e: 'add', n: 3 });
    await compacting;
    expect(JSON.parse(readFileSync(join(dir, 'tally.json'), 'utf8'))).toMatchObject({ journalSeq: 1, total: 1 });
    expect(journalSeqs()).toEqual([1, 2, 3]);
    a.record({ e: 'add', n: 4 });
    expect((await opened()).data).toMatchObject({ total: 10, journalSeq: 4 });
  });

  it('compacts by itself every so many events', async () => {
    const a = tally(3);
    await a.open();
    for (const n of [1, 2, 3]) a.record({ e: 'add', n });
    await a.compact(); // waits for the fold the third event started
    expect(JSON.parse(readFileSync(join(dir, 'tally.json'), 'utf8'))).toMatchObject({ journalSeq: 3, total: 6 });
  });

  it('closes as one snapshot, a backup as good, and an empty journal', async () => {
    const a = await opened();
    a.record({ e: 'add', n: 1 });
    await a.compact();
    a.record({ e: 'add', n: 2 });
    await a.close();
    expect(journal()).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'tally.json.bak'), 'utf8'))).toMatchObject({ journalSeq: 2, total: 3 });
    expect((await opened()).data).toMatchObject({ total: 3, journalSeq: 2 });
  });

  describe.each(['snapshot: drop old backup', 'snapshot: keep backup', 'snapshot: rename', 'journal: rename'])('a crash during compaction (%s)', (step) => {
    it('loses nothing and counts nothing twice, even when the snapshot is then found damaged', async () => {
      const a = await afterTwoCompactions();
      a.record({ e: 'note', text: 'x' });
      crash.at = step;
      await expect(a.compact()).rejects.toThrow(`crashed at ${step}`);
      crash.at = undefined;
      // Restarted.
      const b = await opened();
      expect(b.data).toEqual({ schemaVersion: 1, journalSeq: 4, total: 7, notes: ['x'] });
      b.record({ e: 'add', n: 8 });
      // The snapshot is then found damaged (another file at its path): the backup and the journal still give everything.
      const hasBackup = existsSync(join(dir, 'tally.json.bak'));
      expect(hasBackup).toBe(step !== 'snapshot: keep backup');
      if (!hasBackup) return;
      rmSync(join(dir, 'tally.json'));
      writeFileSync(join(dir, 'tally.json'), 'not json');
      const c = await opened();
      expect(c.data).toEqual({ schemaVersion: 1, journalSeq: 5, total: 15, notes: ['x'] });
    });
  });
});
