import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { BotApiProxy } from '../helpers/bot-api-proxy.ts';
import { runCli } from '../helpers/run-cli.ts';

const TOKEN = '987654321:webhook_cli_test_token_abcdef';
let proxy: BotApiProxy;

beforeAll(async () => {
  proxy = await BotApiProxy.start({ upstream: 'http://127.0.0.1:9' });
  proxy.respond('setWebhook', () => ({ status: 200, body: { ok: true, result: true } }));
  proxy.respond('deleteWebhook', () => ({ status: 200, body: { ok: true, result: true } }));
  proxy.respond('getWebhookInfo', () => ({
    status: 200,
    body: {
      ok: true,
      result: { url: 'https://bot.example.org/telegram', has_custom_certificate: false, pending_update_count: 3, max_connections: 40, last_error_date: 1_764_460_800, last_error_message: 'Connection timed out' },
    },
  }));
});
afterAll(() => proxy.close());

const env = (extra: Record<string, string>): Record<string, string> => ({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: proxy.url, WEBHOOK_URL: '', WEBHOOK_SECRET: '', WEBHOOK_PATH: '', ...extra });

describe('npm run webhook', () => {
  it('set: registers the URL with the secret once, keeping pending updates', async () => {
    const run = await runCli('bot/cli/webhook.ts', ['set'], env({ WEBHOOK_URL: 'https://bot.example.org/telegram', WEBHOOK_SECRET: 'abc_DEF-123' }));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('已设置推送地址 https://bot.example.org/telegram');
    const calls = proxy.callsTo('setWebhook');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toMatchObject({ url: 'https://bot.example.org/telegram', secret_token: 'abc_DEF-123' });
    expect(String(calls[0]!.params['drop_pending_updates'])).toBe('false');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('set: warns when the URL path differs from WEBHOOK_PATH, and refuses without a secret or an https URL', async () => {
    const differs = await runCli('bot/cli/webhook.ts', ['set'], env({ WEBHOOK_URL: 'https://bot.example.org/hook', WEBHOOK_SECRET: 'abc' }));
    expect(differs.code).toBe(0);
    expect(differs.stderr).toContain('WEBHOOK_PATH /telegram');
    const noSecret = await runCli('bot/cli/webhook.ts', ['set'], env({ WEBHOOK_URL: 'https://bot.example.org/telegram' }));
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('需要 WEBHOOK_SECRET');
    const plain = await runCli('bot/cli/webhook.ts', ['set'], env({ WEBHOOK_URL: 'http://bot.example.org/telegram', WEBHOOK_SECRET: 'abc' }));
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('WEBHOOK_URL');
  });

  it('info and delete say what Telegram knows', async () => {
    const info = await runCli('bot/cli/webhook.ts', ['info'], env({}));
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('推送地址:https://bot.example.org/telegram');
    expect(info.stdout).toContain('积压的更新:3');
    expect(info.stdout).toContain('最近一次错误:2025-11-30 00:00:00 UTC Connection timed out');
    const del = await runCli('bot/cli/webhook.ts', ['delete'], env({}));
    expect(del.code).toBe(0);
    expect(proxy.callsTo('deleteWebhook')).toHaveLength(1);
    const usage = await runCli('bot/cli/webhook.ts', ['bogus'], env({}));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('npm run webhook -- set');
  });
});

describe('webhook and database settings', () => {
  it('name each bad variable and what is expected', () => {
    const bad = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(bad({ BOT_MODE: 'hook' })).toContain('BOT_MODE: 应为 polling 或 webhook');
    expect(bad({ DATABASE_URL: 'mysql://x@y/z' })).toContain('DATABASE_URL: 应为 PostgreSQL 连接串');
    expect(bad({ WEBHOOK_SECRET: 'has space' })).toContain('WEBHOOK_SECRET');
    expect(bad({ WEBHOOK_PATH: 'telegram' })).toContain('WEBHOOK_PATH: 应以 / 开头');
    expect(bad({ PORT: '70000' })).toContain('PORT');
    const ok = loadConfig({ DATABASE_URL: 'postgresql://bot:p%40ss@db.internal:5432/cw', BOT_MODE: 'webhook', WEBHOOK_SECRET: 'a_B-9', PORT: '' });
    expect(ok).toMatchObject({ BOT_MODE: 'webhook', WEBHOOK_PATH: '/telegram', PORT: 8080, WEBHOOK_SECRET: 'a_B-9' });
    expect(loadConfig({}).BOT_MODE).toBe('polling');
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  });

  it('the bot refuses webhook mode without a secret, before opening anything', async () => {
    const run = await runCli('bot/main.ts', [], { BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: proxy.url, BOT_MODE: 'webhook', WEBHOOK_SECRET: '', DATA_DIR: '/nonexistent/never-created' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('BOT_MODE=webhook 需要 WEBHOOK_SECRET');
  });
});
