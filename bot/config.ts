import cron from 'node-cron';
import { z } from 'zod';
import { DEFAULT_DIGEST_CRON, DEFAULT_DIGEST_TZ, isValidTimezone } from './digest-schedule.ts';
import { WEBHOOK_SECRET_PATTERN } from './webhook.ts';
import { SHIPPED_WATCH_SOURCES } from '../knowledge/watch/sources.ts';

export const DEFAULT_WATCH_CRON = '*/30 * * * *';
/** Names the bot; operators add their contact URL through WATCH_USER_AGENT, as site owners expect. */
export const DEFAULT_WATCH_USER_AGENT = 'carrier-watch/0.1 (bulletin watcher; no contact URL configured)';

/** An empty value (`WATCH_CRON=` as copied from .env.example) means the default, not an error. */
function unsetWhenEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);
}

const LogLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;

/** Environment variables, validated once at startup. Every key is documented in .env.example. */
export const Env = z.object({
  BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, '格式应为 123456789:ABC…(从 @BotFather 获取)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TELEGRAM_API_ROOT: z
    .string()
    .trim()
    .url('应为 http(s) 地址,例如 http://127.0.0.1:8081')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  ADMIN_IDS: z
    .string()
    .trim()
    .default('')
    .refine((s) => s === '' || /^-?\d+(\s*,\s*-?\d+)*$/.test(s), '应为逗号分隔的 Telegram 用户 id,例如 12345,67890')
    .transform((s) => (s ? s.split(',').map((x) => Number(x.trim())) : [])),
  LOG_LEVEL: LogLevel.default('info'),
  DIGEST_CRON: z
    .string()
    .trim()
    .default(DEFAULT_DIGEST_CRON)
    .refine((s) => cron.validate(s), '应为 cron 表达式(5 段,或带秒的 6 段),例如 "0 9 * * 1-5"'),
  DIGEST_TZ: z.string().trim().default(DEFAULT_DIGEST_TZ).refine(isValidTimezone, '应为 IANA 时区,例如 Asia/Shanghai'),
  BROADCAST_PER_SECOND: z.coerce
    .number()
    .int('应为整数')
    .min(1, '至少 1')
    .max(30, 'Telegram 允许的上限约为每秒 30 条')
    .default(30),
  INGEST_MAX_BYTES: z
    .string()
    .trim()
    .default('5MB')
    .refine((s) => parseSize(s) !== undefined, '应为文件大小,例如 5MB、800KB 或 5242880')
    .transform((s) => parseSize(s)!),
  WATCH: unsetWhenEmpty(
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((s) => s === 'on' || s === 'off', '应为 on 或 off')
      .optional()
      .transform((s) => (s === undefined ? undefined : s === 'on')),
  ),
  WATCH_SOURCES_FILE: unsetWhenEmpty(z.string().trim().min(1).default(SHIPPED_WATCH_SOURCES)),
  WATCH_CRON: unsetWhenEmpty(
    z
      .string()
      .trim()
      .default(DEFAULT_WATCH_CRON)
      .refine((s) => cron.validate(s), '应为 cron 表达式(5 段,或带秒的 6 段),例如 "*/30 * * * *"'),
  ),
  WATCH_BACKFILL: unsetWhenEmpty(z.coerce.number().int('应为整数').min(0, '不能为负数').max(200, '最多 200').default(10)),
  WATCH_USER_AGENT: unsetWhenEmpty(
    z
      .string()
      .trim()
      .default(DEFAULT_WATCH_USER_AGENT)
      .refine((s) => !/[\r\n]/.test(s), '不能包含换行'),
  ),
  WATCH_ALLOW_PRIVATE: unsetWhenEmpty(z.enum(['0', '1'], '应为 0 或 1').default('0').transform((s) => s === '1')),
  /** Set: knowledge and state live in PostgreSQL, shared by every instance. Unset: the files in DATA_DIR. */
  DATABASE_URL: unsetWhenEmpty(
    z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\/\S+$/, '应为 PostgreSQL 连接串,例如 postgres://bot:密码@127.0.0.1:5432/carrier_watch')
      .optional(),
  ),
  BOT_MODE: unsetWhenEmpty(z.enum(['polling', 'webhook'], '应为 polling 或 webhook').default('polling')),
  /** The public HTTPS address Telegram posts to; only `npm run webhook -- set` needs it. */
  WEBHOOK_URL: unsetWhenEmpty(
    z
      .string()
      .trim()
      .url('应为 https 地址,例如 https://bot.example.org/telegram')
      .refine((s) => s.startsWith('https://'), 'Telegram 只向 https 地址推送')
      .optional(),
  ),
  WEBHOOK_PATH: unsetWhenEmpty(z.string().trim().regex(/^\/[\w\-/.]*$/, '应以 / 开头,例如 /telegram').default('/telegram')),
  WEBHOOK_SECRET: unsetWhenEmpty(z.string().trim().regex(WEBHOOK_SECRET_PATTERN, '应为 1–256 个字母、数字、_ 或 -').optional()),
  PORT: unsetWhenEmpty(z.coerce.number().int('应为整数').min(1, '应为 1–65535').max(65535, '应为 1–65535').default(8080)),
});

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2 };

/** "5MB", "800KB", "5242880" → bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}
export type Config = z.infer<typeof Env>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; the error names each bad variable and what is expected. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = Env.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`环境变量有误 / invalid environment:\n${lines.join('\n')}`);
}
