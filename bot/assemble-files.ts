import { LowdbKnowledgeStore } from '../knowledge/store/store.ts';
import { serve, startKnowledge, type App, type FrontEnd } from './assembly.ts';
import { Broadcaster, DEFAULT_LIMITS } from './broadcaster.ts';
import type { Config } from './config.ts';
import { DigestRunner } from './digest-runner.ts';
import { describeSchedule, scheduleDigests } from './digest-schedule.ts';
import { createDigestService } from './digest-service.ts';
import { shout } from './knowledge-service.ts';
import type { Logger } from './logger.ts';
import { StateStore } from './state-store.ts';
import { MemoryUpdateLedger } from './webhook.ts';

/**
 * One instance on files in DATA_DIR (lowdb): knowledge reloads when its file
 * changes, bot state is a journaled file, digests go out through the
 * broadcaster. The terminal chat always runs this way.
 */
export async function assembleFiles(config: Config, log: Logger, front: FrontEnd): Promise<App> {
  const store = new LowdbKnowledgeStore(config.DATA_DIR);
  const knowledge = await startKnowledge(store, log);
  // The terminal keeps its own state, so trying things out never touches a running bot's subscribers.
  const state = new StateStore(config.DATA_DIR, front.mode === 'terminal' ? 'terminal-state' : 'state');
  await state.open((damaged, movedTo) => {
    log.error('STATE FILE DAMAGED — restored the previous copy', { file: damaged.path, reason: damaged.reason, damagedCopy: movedTo });
    shout([`状态文件损坏 / damaged state file: ${damaged.path}`, `问题:${damaged.reason}`, `已用上一个完好副本恢复,并重放日志,订阅未丢失。损坏的文件另存为 ${movedTo}。`]);
  });
  const broadcaster = new Broadcaster(state, front.sender, log, { ...DEFAULT_LIMITS, perSecond: config.BROADCAST_PER_SECOND });
  const runner = new DigestRunner(state, () => knowledge.get(), broadcaster, log);
  const schedule = front.mode === 'telegram' ? scheduleDigests(config.DIGEST_CRON, config.DIGEST_TZ, () => runner.runAll('scheduled'), log) : undefined;
  const digests = createDigestService({
    state,
    runner,
    broadcaster,
    knowledge: () => knowledge.get(),
    log,
    schedule: describeSchedule(config.DIGEST_CRON, config.DIGEST_TZ),
    nextRun: () => schedule?.getNextRun() ?? undefined,
    isGroupAdmin: front.isGroupAdmin,
    canBroadcast: front.mode === 'telegram',
  });
  const { services, stopWatching } = await serve(config, log, front, { store, knowledge, digests, runInstant: () => runner.runInstant() });
  return {
    services,
    runner,
    async stop() {
      await stopWatching();
      await schedule?.stop();
      knowledge.stop();
      await state.close();
    },
    webhook: {
      ledger: new MemoryUpdateLedger(),
      ready: async () => ({ ok: true, detail: { store: 'files', bulletins: knowledge.get().bulletins.length } }),
      afterUpdate: async () => undefined,
    },
  };
}
