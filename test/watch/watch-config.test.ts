import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_WATCH_USER_AGENT, loadConfig } from '../../bot/config.ts';
import { loadSources, safeUrl, SHIPPED_WATCH_SOURCES, sourceKey, SourcesFileError } from '../../knowledge/watch/sources.ts';

describe('WATCH_* configuration', () => {
  it('defaults: shipped sources, every 30 minutes, backfill 10, private addresses refused, WATCH decided by the mode', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      WATCH_SOURCES_FILE: SHIPPED_WATCH_SOURCES,
      WATCH_CRON: '*/30 * * * *',
      WATCH_BACKFILL: 10,
      WATCH_USER_AGENT: DEFAULT_WATCH_USER_AGENT,
      WATCH_ALLOW_PRIVATE: false,
    });
    expect(c.WATCH).toBeUndefined();
    // Empty values, as copied from .env.example, mean the defaults too.
    expect(loadConfig({ WATCH: '', WATCH_CRON: '', WATCH_BACKFILL: '', WATCH_USER_AGENT: '', WATCH_ALLOW_PRIVATE: '', WATCH_SOURCES_FILE: '' })).toMatchObject({
      WATCH_CRON: '*/30 * * * *',
      WATCH_BACKFILL: 10,
      WATCH_ALLOW_PRIVATE: false,
      WATCH_SOURCES_FILE: SHIPPED_WATCH_SOURCES,
    });
  });

  it('reads on/off, a seconds field, a backfill and WATCH_ALLOW_PRIVATE=1', () => {
    expect(loadConfig({ WATCH: 'OFF', WATCH_CRON: '*/5 * * * * *', WATCH_BACKFILL: '0', WATCH_ALLOW_PRIVATE: '1' })).toMatchObject({
      WATCH: false,
      WATCH_CRON: '*/5 * * * * *',
      WATCH_BACKFILL: 0,
      WATCH_ALLOW_PRIVATE: true,
    });
    expect(loadConfig({ WATCH: 'on' }).WATCH).toBe(true);
  });

  it('names each bad variable', () => {
    expect(() => loadConfig({ WATCH: 'maybe', WATCH_CRON: 'every hour', WATCH_BACKFILL: '-1', WATCH_ALLOW_PRIVATE: 'yes' })).toThrow(
      new ConfigError(
        [
          '环境变量有误 / invalid environment:',
          '  WATCH: 应为 on 或 off',
          '  WATCH_CRON: 应为 cron 表达式(5 段,或带秒的 6 段),例如 "*/30 * * * *"',
          '  WATCH_BACKFILL: 不能为负数',
          '  WATCH_ALLOW_PRIVATE: 应为 0 或 1',
        ].join('\n'),
      ),
    );
  });
});

describe('sources files', () => {
  it('ships MIIT and the 31 provincial administrations, each once, verified only where confirmed', async () => {
    const sources = await loadSources(SHIPPED_WATCH_SOURCES);
    expect(sources).toHaveLength(32);
    const hosts = sources.map((s) => new URL(s.url).hostname);
    expect(new Set(hosts).size).toBe(32);
    expect(hosts[0]).toBe('www.miit.gov.cn');
    expect(hosts.slice(1).every((h) => /^[a-z]{2,3}ca\.miit\.gov\.cn$/.test(h))).toBe(true);
    expect(sources.filter((s) => s.verified).map((s) => s.name)).toEqual(['工业和信息化部 · 通告']);
  });

  it('says which entry of a bad file is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carrier-watch-sources-'));
    try {
      const file = join(dir, 'sources.json');
      await writeFile(file, JSON.stringify([{ name: 'A', url: 'https://a.gov.cn/list/' }, { name: 'B', url: 'file:///etc/passwd' }, { name: 'C', url: 'https://A.gov.cn/list', links: '/([/' }]));
      await expect(loadSources(file)).rejects.toThrow(
        new SourcesFileError(`来源文件 ${file} 有误:\n  [1.url] 只支持 http 和 https 地址\n  [2.links] 链接规则不是有效的正则表达式\n  [2.url] 重复的来源地址:https://A.gov.cn/list`),
      );
      await writeFile(file, '[{');
      await expect(loadSources(file)).rejects.toBeInstanceOf(SourcesFileError);
      await expect(loadSources(join(dir, 'missing.json'))).rejects.toThrow(`找不到来源文件 ${join(dir, 'missing.json')}(WATCH_SOURCES_FILE)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keys a source by its URL whatever its trailing slash or host case, and never shows credentials', () => {
    expect(sourceKey('https://HUNCA.miit.gov.cn/zwgk/tzgg/#top')).toBe(sourceKey('https://hunca.miit.gov.cn/zwgk/tzgg'));
    expect(safeUrl('https://user:secret@paper.example.com/news/')).toBe('https://paper.example.com/news/');
  });
});
