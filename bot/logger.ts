import type { LogLevel } from './config.ts';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Bot tokens look like 123456789:AA…; they end up in URLs inside library errors. */
const TOKEN_SHAPE = /\d{6,}:[A-Za-z0-9_-]{20,}/g;

/**
 * Removes secrets from anything about to be logged: the configured token
 * wherever it appears (URL-encoded too), and anything shaped like a token.
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const exact = secrets.filter((s) => s.length >= 8).flatMap((s) => [s, encodeURIComponent(s)]);
  return (text) => {
    let out = text;
    for (const s of exact) out = out.split(s).join('[REDACTED]');
    return out.replace(TOKEN_SHAPE, '[REDACTED]');
  };
}

function describe(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** One JSON line per event on stderr, secrets redacted; stdout stays free for the terminal chat and CLI output. */
export function createLogger(level: LogLevel, secrets: readonly string[] = [], write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const redact = redactor(secrets);
  const min = ORDER[level];
  const log = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < min) return;
    const entry: Record<string, unknown> = { t: new Date().toISOString(), level: lvl, msg };
    for (const [k, v] of Object.entries(fields ?? {})) entry[k] = describe(v);
    write(`${redact(JSON.stringify(entry))}\n`);
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}
