import 'dotenv/config';
import { RecentQueries } from '../handlers/query-memory.ts';
import type { Services } from '../handlers/request.ts';
import { ingestBytes } from '../knowledge/ingest/ingest.ts';
import { DamagedFileError, LowdbKnowledgeStore } from '../knowledge/store/store.ts';
import { Broadcaster, DEFAULT_LIMITS, type Sender } from './broadcaster.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DigestRunner } from './digest-runner.ts';
import { describeSchedule, scheduleDigests } from './digest-schedule.ts';
import { createDigestService } from './digest-service.ts';
import { KnowledgeService, RefusedToStart, shout } from './knowledge-service.ts';
import { createLogger, type Logger } from './logger.ts';
import { StateStore } from './state-store.ts';
import { createTelegramBot, publishCommands, telegramSender } from './telegram.ts';
import { renderReply, runTerminalChat } from './terminal.ts';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n请修改环境变量或 .env 后重试(参见 .env.example)。\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** Everything both front ends share: knowledge, state, digests. */
async function assemble(config: Config, log: Logger, mode: 'telegram' | 'terminal', sender: Sender, isGroupAdmin: (chatId: number, userId: number) => Promise<boolean>) {
  const store = new LowdbKnowledgeStore(config.DATA_DIR);
  const knowledge = new KnowledgeService(store, log);
  await knowledge.start();
  // The terminal keeps its own state, so trying things out never touches a running bot's subscribers.
  const state = new StateStore(config.DATA_DIR, mode === 'terminal' ? 'terminal-state' : 'state');
  await state.open((damaged, movedTo) => {
    log.error('STATE FILE DAMAGED — restored the previous copy', { file: damaged.path, reason: damaged.reason, damagedCopy: movedTo });
    shout([`状态文件损坏 / damaged state file: ${damaged.path}`, `问题:${damaged.reason}`, `已用上一个完好副本恢复,并重放日志,订阅未丢失。损坏的文件另存为 ${movedTo}。`]);
  });
  const broadcaster = new Broadcaster(state, sender, log, { ...DEFAULT_LIMITS, perSecond: config.BROADCAST_PER_SECOND });
  const runner = new DigestRunner(state, () => knowledge.get(), broadcaster, log);
  const schedule = mode === 'telegram' ? scheduleDigests(config.DIGEST_CRON, config.DIGEST_TZ, () => runner.runAll('scheduled'), log) : undefined;
  const digests = createDigestService({
    state,
    runner,
    broadcaster,
    knowledge: () => knowledge.get(),
    log,
    schedule: describeSchedule(config.DIGEST_CRON, config.DIGEST_TZ),
    nextRun: () => schedule?.getNextRun() ?? undefined,
    isGroupAdmin,
    canBroadcast: mode === 'telegram',
  });
  const services: Services = {
    knowledge: () => knowledge.get(),
    queries: new RecentQueries(),
    maxUploadBytes: config.INGEST_MAX_BYTES,
    async ingest(bytes, fileName) {
      const result = await ingestBytes(store, bytes, fileName, config.INGEST_MAX_BYTES);
      // Answer from the new bulletin right away rather than at the next file poll.
      await knowledge.reload();
      return result;
    },
    digests,
  };
  const stop = async (): Promise<void> => {
    await schedule?.stop();
    knowledge.stop();
    await state.close();
  };
  return { services, runner, stop };
}

async function main(): Promise<void> {
  const config = readConfig();
  const token = config.BOT_TOKEN;
  // In the terminal, routine info lines would interleave with the chat; show them only when asked for.
  const level = token || process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn';
  const log = createLogger(level, token ? [token] : []);

  if (!token) {
    const terminalSender: Sender = { send: async (_chatId, message) => void process.stdout.write(`${renderReply({ messages: [message] }).text}\n`) };
    const app = await assemble(config, log, 'terminal', terminalSender, async () => true);
    await runTerminalChat(app.services);
    await app.stop();
    return;
  }

  let bot: ReturnType<typeof createTelegramBot> | undefined;
  const app = await assemble(config, log, 'telegram', telegramSender(() => bot!), async (chatId, userId) => {
    const member = await bot!.telegram.getChatMember(chatId, userId);
    return member.status === 'creator' || member.status === 'administrator';
  });
  bot = createTelegramBot({ config: { ...config, BOT_TOKEN: token }, log, services: app.services });
  const shutdown = (signal: string): void => {
    log.info('shutting down', { signal });
    bot!.stop(signal);
    void app.stop();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await publishCommands(bot, log);
  await bot.launch(() => {
    log.info('bot ready', { bulletins: app.services.knowledge().bulletins.length });
    // A broadcast a crash interrupted goes on where it stopped.
    app.runner.resume().catch((error: unknown) => log.error('could not resume the interrupted broadcast', { error }));
  });
}

main().catch((e: unknown) => {
  if (e instanceof RefusedToStart || e instanceof DamagedFileError) {
    const advice =
      e instanceof DamagedFileError ? '\n没有可用的完好副本。机器人没有启动,以免丢失订阅或在空数据上运行。请检查或修复该文件后再启动。' : '';
    process.stderr.write(`机器人没有启动 / not started:\n${e.message}${advice}\n`);
    process.exit(1);
  }
  // Last resort: the logger may not exist yet, so redact the token shape by hand.
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  process.stderr.write(`启动失败 / failed to start: ${text.replace(/\d{6,}:[A-Za-z0-9_-]{20,}/g, '[REDACTED]')}\n`);
  process.exit(1);
});
