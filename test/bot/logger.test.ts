import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';

const TOKEN = '987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('secrets in logs', () => {
  it('never writes the token, whether plain, URL-encoded or inside a library error', () => {
    const lines: string[] = [];
    const log = createLogger('debug', [TOKEN], (l) => lines.push(l));
    const fetchError = new Error(`request to https://api.telegram.org/bot${TOKEN}/getUpdates failed, reason: connect ETIMEDOUT`);
    fetchError.stack = `${fetchError.message}\n    at ClientRequest (node:_http_client:1:1)`;
    log.error('update failed', { error: fetchError, url: `https://api.telegram.org/file/bot${encodeURIComponent(TOKEN)}/documents/a.txt` });
    log.warn('token-shaped', { other: '123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdef' });
    const out = lines.join('');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(TOKEN.split(':')[1]);
    expect(out).not.toContain(encodeURIComponent(TOKEN));
    expect(out).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdef');
    expect(out.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it('names a bad variable without echoing its value', () => {
    let message = '';
    try {
      loadConfig({ BOT_TOKEN: 'not-a-token-AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', LOG_LEVEL: 'loud' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain('BOT_TOKEN');
    expect(message).toContain('LOG_LEVEL');
    expect(message).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
  });
});
