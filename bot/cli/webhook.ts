import 'dotenv/config';
import { Telegram } from 'telegraf';
import { cliConfig, fail } from './cli-config.ts';

const USAGE = `用法 / usage:
  npm run webhook -- set      让 Telegram 把更新推送到 WEBHOOK_URL(需 BOT_TOKEN、WEBHOOK_URL、WEBHOOK_SECRET)
  npm run webhook -- delete   取消推送,回到长轮询(BOT_MODE=polling)
  npm run webhook -- info     查看 Telegram 记录的推送地址、积压的更新和最近的错误

setWebhook 只需在部署时运行一次,不必每个实例启动时都调用。`;

/**
 * Deploy-time webhook management: one setWebhook for the deployment, not
 * one per instance at every start (instances racing to set it would also
 * race to reset it at shutdown).
 */
async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command !== 'set' && command !== 'delete' && command !== 'info') fail(USAGE);
  const config = cliConfig();
  if (!config.BOT_TOKEN) fail('需要 BOT_TOKEN(从 @BotFather 获取)。');
  const telegram = new Telegram(config.BOT_TOKEN, config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {});

  if (command === 'set') {
    if (!config.WEBHOOK_URL) fail('需要 WEBHOOK_URL:Telegram 推送更新的公开 https 地址,例如 https://bot.example.org/telegram');
    if (!config.WEBHOOK_SECRET) fail('需要 WEBHOOK_SECRET:1–256 个字母、数字、_ 或 -,与各实例的设置相同。');
    const path = new URL(config.WEBHOOK_URL).pathname;
    if (path !== config.WEBHOOK_PATH) {
      process.stderr.write(`注意:WEBHOOK_URL 的路径 ${path} 与 WEBHOOK_PATH ${config.WEBHOOK_PATH} 不同;除非反向代理改写了路径,实例会收不到更新。\n`);
    }
    // Pending updates are kept: they were sent to users' chats and still deserve an answer.
    await telegram.setWebhook(config.WEBHOOK_URL, { secret_token: config.WEBHOOK_SECRET, drop_pending_updates: false });
    process.stdout.write(`✅ 已设置推送地址 ${config.WEBHOOK_URL}\n各实例以 BOT_MODE=webhook 运行,并使用同一个 WEBHOOK_SECRET。\n`);
    return;
  }
  if (command === 'delete') {
    await telegram.deleteWebhook({ drop_pending_updates: false });
    process.stdout.write('✅ 已取消推送地址。以 BOT_MODE=polling 运行单个实例即可继续接收更新。\n');
    return;
  }
  const info = await telegram.getWebhookInfo();
  const lines = [
    `推送地址:${info.url || '(未设置,机器人以长轮询接收更新)'}`,
    `积压的更新:${info.pending_update_count}`,
    ...(info.ip_address ? [`解析到的 IP:${info.ip_address}`] : []),
    ...(info.max_connections ? [`最大并发连接:${info.max_connections}`] : []),
    ...(info.last_error_date
      ? [`最近一次错误:${new Date(info.last_error_date * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC ${info.last_error_message ?? ''}`]
      : ['最近没有推送错误']),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  // Telegraf's errors can carry the request URL, and with it the token.
  const text = e instanceof Error ? e.message : String(e);
  process.stderr.write(`失败 / failed: ${text.replace(/\d{6,}:[A-Za-z0-9_-]{20,}/g, '[REDACTED]')}\n`);
  process.exit(1);
});
