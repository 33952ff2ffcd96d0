import { describe, expect, it } from 'vitest';
import type { User } from '../../handlers/request.ts';
import { shortTime, type SourceRow, type WatchService } from '../../handlers/sources.ts';
import { freshStatus } from '../../knowledge/watch/decide.ts';
import type { WatchSource } from '../../knowledge/watch/sources.ts';
import { PRIVATE_CHAT, requester } from '../helpers/handler-requests.ts';
import { servicesFor, shippedKnowledge } from '../helpers/knowledge.ts';

const ADMIN: User = { id: 1, isAdmin: true };
const STAFF: User = { id: 2, isAdmin: false };
const NEXT_TICK = new Date('2024-05-01T06:30:00Z');

/** An in-memory watcher with three sources in three states. */
function fakeWatch(): WatchService & { checks: Array<number | undefined>; rows: SourceRow[] } {
  const rows: SourceRow[] = [
    {
      n: 1,
      source: { name: '工业和信息化部 · 通告', url: 'https://www.miit.gov.cn/zwgk/zcwj/wjfb/tg/index.html', verified: true },
      added: false,
      status: { ...freshStatus(), baselined: true, itemsSeen: 10, lastCheckAt: '2024-05-01T06:00:02Z', lastSuccessAt: '2024-05-01T06:00:02Z' },
      linksSeen: 20,
    },
    {
      n: 2,
      source: { name: '湖南省通信管理局 · 通知公告', url: 'https://hunca.miit.gov.cn/zwgk/tzgg/index.html', verified: false },
      added: false,
      status: {
        ...freshStatus(),
        baselined: true,
        failures: 3,
        itemsSeen: 4,
        lastCheckAt: '2024-05-01T06:00:04Z',
        lastSuccessAt: '2024-04-30T22:00:00Z',
        nextCheckAt: '2024-05-01T07:00:04Z',
        lastError: 'HTTP 500',
      },
      linksSeen: 9,
    },
    { n: 3, source: { name: '某日报 <通信>', url: 'https://paper.example.com/news/', verified: false }, added: true, status: freshStatus(), linksSeen: 0 },
  ];
  const checks: Array<number | undefined> = [];
  return {
    rows,
    checks,
    list: async () => rows,
    nextTick: () => NEXT_TICK,
    add: async (s: WatchSource) => {
      if (rows.some((r) => r.source.url === s.url)) return 'exists';
      rows.push({ n: rows.length + 1, source: s, added: true, status: freshStatus(), linksSeen: 0 });
      return 'added';
    },
    remove: async (n) => {
      const row = rows.find((r) => r.n === n);
      if (row) rows.splice(rows.indexOf(row), 1);
      return row;
    },
    check: async (n) => {
      if (n !== undefined && !rows.some((r) => r.n === n)) return 'not_found';
      checks.push(n);
      return checks.length > 2 ? 'busy' : 'started';
    },
  };
}

const USAGE = '用法:\n<code>/sources</code> 查看全部来源\n<code>/sources add 网址 [名称]</code> 添加来源\n<code>/sources remove 编号</code> 删除来源\n<code>/sources check [编号]</code> 立即检查';

describe('/sources', () => {
  const kb = shippedKnowledge();
  const setup = () => {
    const watch = fakeWatch();
    const services = servicesFor(kb, { watch });
    return { watch, admin: requester(services, PRIVATE_CHAT, ADMIN), staff: requester(services, PRIVATE_CHAT, STAFF) };
  };
  const html = async (p: Promise<{ messages: Array<{ html: string }> }>): Promise<string> => (await p).messages.map((m) => m.html).join('\n');

  it('refuses everyone but admins', async () => {
    const { staff, watch } = setup();
    for (const cmd of ['/sources', '/sources add https://x.example.com/', '/sources remove 1', '/sources check']) {
      expect(await html(staff.command(cmd))).toBe('抱歉,只有管理员可以管理监测来源。');
    }
    expect(watch.rows).toHaveLength(3);
    expect(watch.checks).toEqual([]);
  });

  it('lists each source with last check, last success, items, next check and its error, in China time', async () => {
    const { admin } = setup();
    expect(await html(admin.command('/sources'))).toBe(
      [
        '📡 <b>监测来源</b>(3 个 · 1 个出错 · 下次检查 05-01 14:30)',
        '',
        '1. ✅ <b>工业和信息化部 · 通告</b>',
        '   检查 05-01 14:00 · 成功 05-01 14:00 · 收录 10 份 · 下次 05-01 14:30',
        '2. ⚠️ <b>湖南省通信管理局 · 通知公告(未核实)</b>',
        '   检查 05-01 14:00 · 成功 05-01 06:00 · 收录 4 份 · 下次 05-01 15:00',
        '   ❗ 连续失败 3 次:HTTP 500',
        '3. ⏳ <b>某日报 &lt;通信&gt;(未核实)</b>',
        '   尚未检查 · 下次 05-01 14:30',
        '',
        USAGE,
      ].join('\n'),
    );
  });

  it('adds a source, named by its host when no name is given, and refuses a bad or duplicate URL', async () => {
    const { admin, watch } = setup();
    expect(await html(admin.command('/sources add https://scca.miit.gov.cn/zwgk/tzgg/index.html 四川省通信管理局'))).toBe(
      '✅ 已添加来源:<b>四川省通信管理局</b>\nhttps://scca.miit.gov.cn/zwgk/tzgg/index.html\n首次检查只把最新的几份通告收录为资料(不推送),之后出现的新通告才会推送。发送 <code>/sources check</code> 立即检查。',
    );
    await admin.command('/sources add https://gdca.miit.gov.cn/zwgk/tzgg/index.html');
    expect(watch.rows.at(-1)?.source).toEqual({ name: 'gdca.miit.gov.cn', url: 'https://gdca.miit.gov.cn/zwgk/tzgg/index.html', verified: false });
    expect(await html(admin.command('/sources add https://gdca.miit.gov.cn/zwgk/tzgg/index.html'))).toBe('这个网址已在监测中,无需重复添加。发送 /sources 查看。');
    expect(await html(admin.command('/sources add ftp://x.example.com/list'))).toBe('“ftp://x.example.com/list”不是有效的 http(s) 网址,来源未添加。');
    expect(await html(admin.command('/sources add'))).toBe('请写出列表页的网址,例如 <code>/sources add https://gd.miit.gov.cn/ 广东省通信管理局</code>。');
    expect(watch.rows).toHaveLength(5);
  });

  it('removes by number, and explains a missing or wrong number', async () => {
    const { admin, watch } = setup();
    expect(await html(admin.command('/sources remove 3'))).toBe('🗑 已删除来源:<b>某日报 &lt;通信&gt;</b>。已收录的通告保留。');
    expect(await html(admin.command('/sources remove 9'))).toBe('没有编号为 9 的来源。发送 /sources 查看编号。');
    expect(await html(admin.command('/sources remove 湖南'))).toBe('请写出要删除的来源编号,例如 <code>/sources remove 3</code>。编号见 /sources。');
    expect(watch.rows).toHaveLength(2);
  });

  it('starts a check of one source or all, and says when one is already running', async () => {
    const { admin, watch } = setup();
    expect(await html(admin.command('/sources check 2'))).toBe('🔎 已开始检查第 2 个来源,完成后发送 /sources 查看结果。');
    expect(await html(admin.command('/sources check'))).toBe('🔎 已开始检查全部来源,完成后发送 /sources 查看结果。');
    expect(await html(admin.command('/sources check'))).toBe('正在检查中,请稍后发送 /sources 查看结果。');
    expect(await html(admin.command('/sources check 7'))).toBe('没有编号为 7 的来源。发送 /sources 查看编号。');
    expect(await html(admin.command('/sources check x'))).toBe('请写出来源编号,例如 <code>/sources check 3</code>;不写编号则检查全部。');
    expect(await html(admin.command('/sources frobnicate'))).toBe(`没有“frobnicate”这个操作。\n${USAGE}`);
    expect(watch.checks).toEqual([2, undefined, undefined]);
  });

  it('says how to turn watching on when it is off', async () => {
    const services = servicesFor(kb);
    expect(await html(requester(services, PRIVATE_CHAT, ADMIN).command('/sources'))).toBe('来源监测没有开启(WATCH=off,或在终端模式下)。设置 WATCH=on 并重启后可用。');
  });

  it('formats times in China time', () => {
    expect(shortTime('2024-12-31T16:05:00Z')).toBe('01-01 00:05');
    expect(shortTime(undefined)).toBe('—');
  });
});
