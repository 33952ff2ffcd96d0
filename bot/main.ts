import 'dotenv/config';
import { RecentQueries } from '../handlers/query-memory.ts';
import type { Services } from '../handlers/request.ts';
import { ingestBytes } from '../knowledge/ingest/ingest.ts';
import { LowdbKnowledgeStore } from '../knowledge/store.ts';
import { ConfigError, loadConfig } from './config.ts';
import { KnowledgeService } from './knowledge-service.ts';
import { createLogger } from './logger.ts';
import { createTelegramBot, publishCommands } from './telegram.ts';
import { runTerminalChat } from './terminal.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n请修改环境变量或 .env 后重试(参见 .env.example)。\n`);
      process.exit(2);
    }
    throw e;
  }
  const token = config.BOT_TOKEN;
  const log = createLogger(config.LOG_LEVEL, token ? [token] : []);
  const store = new LowdbKnowledgeStore(config.DATA_DIR);
  const knowledge = new KnowledgeService(store, log);
  await knowledge.start();
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
  };

  if (!token) {
    await runTerminalChat(services);
    knowledge.stop();
    return;
  }

  const bot = createTelegramBot({ config: { ...config, BOT_TOKEN: token }, log, services });
  const shutdown = (signal: string): void => {
    log.info('shutting down', { signal });
    knowledge.stop();
    bot.stop(signal);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await publishCommands(bot, log);
  await bot.launch(() => log.info('bot ready', { bulletins: knowledge.get().bulletins.length }));
}

main().catch((e: unknown) => {
  // Last resort: the logger may not exist yet, so redact the token shape by hand.
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  process.stderr.write(`启动失败 / failed to start: ${text.replace(/\d{6,}:[A-Za-z0-9_-]{20,}/g, '[REDACTED]')}\n`);
  process.exit(1);
});
