import cron from 'node-cron';
import { z } from 'zod';
import { DEFAULT_DIGEST_CRON, DEFAULT_DIGEST_TZ, isValidTimezone } from './digest-schedule.ts';

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
