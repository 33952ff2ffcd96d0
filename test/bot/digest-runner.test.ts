import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Broadcaster, DEFAULT_LIMITS, type Sender } from '../../bot/broadcaster.ts';
import { DigestRunner } from '../../bot/digest-runner.ts';
import { createLogger } from '../../bot/logger.ts';
import { StateStore } from '../../bot/state-store.ts';
import { NO_FILTER } from '../../knowledge/digests/subscription-filter.ts';
import { shippedKnowledge } from '../helpers/knowledge.ts';

const quiet = createLogger('silent');
const kb = shippedKnowledge();

let dir: string;
let state: StateStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-runner-'));
  state = new StateStore(dir);
  await state.open();
  // Everything but the newest bulletin is old news to both chats.
  for (const chatId of [1, 2]) state.subscribe({ chatId, chatType: 'private', filter: NO_FILTER, cursor: kb.seq - 1, active: true, since: 'x' });
});
afterEach(async () => {
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Records what was sent; sends to the held chats wait until release(). */
class HeldSender implements Sender {
  readonly sent: number[] = [];
  private opened = false;
  private open: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  constructor(private readonly held: ReadonlySet<number>) {}

  async send(chatId: number): Promise<void> {
    if (this.held.has(chatId) && !this.opened) await this.gate;
    this.sent.push(chatId);
  }

  release(): void {
    this.opened = true;
    this.open();
  }

  count(chatId: number): number {
    return this.sent.filter((c) => c === chatId).length;
  }
}

function runnerWith(sender: Sender): DigestRunner {
  const broadcaster = new Broadcaster(state, sender, quiet, { ...DEFAULT_LIMITS, perSecond: 200, perChatGapMs: 1 });
  return new DigestRunner(state, () => kb, broadcaster, quiet);
}

describe('digest runner', () => {
  it('refuses a new run while it resumes an interrupted one, which would compose the owed digests again', async () => {
    // A run recorded before a crash, nothing of it sent yet.
    state.startRun(
      {
        id: 'crashed',
        reason: 'scheduled',
        startedAt: 'x',
        uptoSeq: kb.seq,
        nothingNew: [],
        deliveries: [1, 2].map((chatId) => ({ chatId, digest: 'd', uptoSeq: kb.seq, sentParts: 0, status: 'pending' as const, attempts: 0 })),
      },
      { d: [{ html: '📬 digest' }] },
    );
    const sender = new HeldSender(new Set([1, 2]));
    const runner = runnerWith(sender);

    const resuming = runner.resume();
    expect(runner.busy).toBe(true);
    expect(runner.runAll('scheduled')).toBeUndefined();
    sender.release();
    await resuming;

    expect([sender.count(1), sender.count(2)]).toEqual([1, 1]);
    // Afterwards the cursors have moved: a new run finds nothing new.
    expect(await runner.runAll('manual')).toMatchObject({ deliveries: 0 });
  });

  it('leaves out of a run a chat whose /digest is still being delivered', async () => {
    const sender = new HeldSender(new Set([1]));
    const runner = runnerWith(sender);

    const single = runner.runOne(1);
    const all = runner.runAll('manual')!;
    sender.release();
    expect(await single).toBe('queued');
    // Chat 1's cursor had not moved yet: without the check it would get the same news twice.
    expect(await all).toMatchObject({ deliveries: 1 });
    expect([sender.count(1), sender.count(2)]).toEqual([1, 1]);
  });
});
