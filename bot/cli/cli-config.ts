import { loadConfig, type Config, ConfigError } from '../config.ts';

/** Stops a command-line tool with a message and exit code 2, the convention for usage errors. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** The same validated environment the bot uses, with command-line overrides. */
export function cliConfig(overrides: Record<string, string> = {}): Config {
  try {
    return loadConfig({ ...process.env, ...overrides });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
}
