import 'dotenv/config';
import { join } from 'node:path';
import { DamagedFileError } from '../knowledge/store/store.ts';
import { SourcesFileError } from '../knowledge/watch/sources.ts';
import { assembleFiles } from './assemble-files.ts';
import { assembleShared } from './assemble-shared.ts';
import type { App } from './assembly.ts';
import type { Sender } from './broadcaster.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { RefusedToStart } from './knowledge-service.ts';
import { createLogger, type Logger } from './logger.ts';
import { createTelegramBot, publishCommands, telegramSender } from './telegram.ts';
import { renderReply, runTerminalChat } from './terminal.ts';
import { startWebhook, type WebhookServer } from './webhook.ts';

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

/** Knowledge, state, digests and the watcher, on files in DATA_DIR or on the instances' shared database. */
function assemble(config: Config, log: Logger, mode: 'telegram' | 'terminal', sender: Sender, isGroupAdmin: (chatId: number, userId: number) => Promise<boolean>): Promise<App> {
  const front = { mode, sender, isGroupAdmin };
  // The terminal tries things out on DATA_DIR, never on the instances' shared database.
  if (config.DATABASE_URL && mode === 'telegram') return assembleShared(config, config.DATABASE_URL, log, front);
  return assembleFiles(config, log, front);
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
    await runTerminalChat(app.services, process.stdin, process.stdout, join(config.DATA_DIR, 'charts'));
    await app.stop();
    return;
  }

  if (config.BOT_MODE === 'webhook' && !config.WEBHOOK_SECRET) {
    // Before anything is opened: an unchecked webhook would take updates from anyone who finds the URL.
    process.stderr.write('BOT_MODE=webhook 需要 WEBHOOK_SECRET(1–256 个字母、数字、_ 或 -),每个请求都会核对它。\n');
    process.exit(2);
  }
  let bot: ReturnType<typeof createTelegramBot> | undefined;
  const app = await assemble(config, log, 'telegram', telegramSender(() => bot!), async (chatId, userId) => {
    const member = await bot!.telegram.getChatMember(chatId, userId);
    return member.status === 'creator' || member.status === 'administrator';
  });
  bot = createTelegramBot({ config: { ...config, BOT_TOKEN: token }, log, services: app.services });
  let webhook: WebhookServer | undefined;
  const shutdown = (signal: string): void => {
    log.info('shutting down', { signal });
    void (async () => {
      // Updates in hand are finished before the stores close.
      if (webhook) await webhook.close();
      else bot!.stop(signal);
      await app.stop();
    })();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await publishCommands(bot, log);
  const ready = (): void => {
    log.info('bot ready', { bulletins: app.services.knowledge().bulletins.length });
    // A broadcast a crash interrupted goes on where it stopped.
    app.runner.resume().catch((error: unknown) => log.error('could not resume the interrupted broadcast', { error }));
    // 即时 chats owed a digest when the bot stopped (news ingested, digest not yet sent) get it now.
    app.runner.runInstant()?.catch((error: unknown) => log.error('instant digest run failed', { error }));
  };
  if (config.BOT_MODE === 'webhook' && config.WEBHOOK_SECRET) {
    webhook = await startWebhook({ bot, log, path: config.WEBHOOK_PATH, secret: config.WEBHOOK_SECRET, port: config.PORT, ...app.webhook });
    ready();
  } else await bot.launch(ready);
}

main().catch((e: unknown) => {
  if (e instanceof RefusedToStart || e instanceof DamagedFileError || e instanceof SourcesFileError) {
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
