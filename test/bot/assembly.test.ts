import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startKnowledge } from '../../bot/assembly.ts';
import { createLogger } from '../../bot/logger.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { LowdbKnowledgeStore } from '../../knowledge/store/store.ts';

const built = vi.hoisted(() => [] as KnowledgeBase[]);
vi.mock('../../knowledge/periods/series.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../knowledge/periods/series.ts')>();
  return {
    ...real,
    periodIndex: (kb: KnowledgeBase) => {
      built.push(kb);
      return real.periodIndex(kb);
    },
  };
});

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-assembly-'));
  built.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('startKnowledge', () => {
  it('builds the periods index of every base it loads right after, not during the load', async () => {
    const knowledge = await startKnowledge(new LowdbKnowledgeStore(dir), createLogger('silent'));
    try {
      const first = knowledge.get();
      expect(built).toEqual([]);
      await nextTurn();
      expect(built).toEqual([first]);
      await knowledge.reload();
      const second = knowledge.get();
      expect(second).not.toBe(first);
      await nextTurn();
      expect(built).toEqual([first, second]);
    } finally {
      knowledge.stop();
    }
  });
});
