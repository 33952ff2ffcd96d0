import type { SourceStatus } from '../knowledge/watch/decide.ts';
import { safeUrl, WatchSource } from '../knowledge/watch/sources.ts';
import { clip } from './format.ts';
import { escapeHtml, reply, type Reply } from './reply.ts';
import type { CommandRequest, Services } from './request.ts';

/** One watched source as /sources shows it; n is its number for remove and check. */
export interface SourceRow {
  n: number;
  source: WatchSource;
  /** Added with /sources add, not shipped in the sources file. */
  added: boolean;
  status: SourceStatus;
  linksSeen: number;
}

/** The watcher as handlers see it (bot/watch-runner.ts behind it). */
export interface WatchService {
  list(): Promise<SourceRow[]>;
  /** When the next scheduled check runs. */
  nextTick(): Date | undefined;
  add(source: WatchSource): Promise<'added' | 'exists'>;
  remove(n: number): Promise<SourceRow | undefined>;
  /** Checks one source (or every one) now, in the background. */
  check(n?: number): Promise<'started' | 'busy' | 'not_found'>;
}

const USAGE = [
  '用法:',
  '<code>/sources</code> 查看全部来源',
  '<code>/sources add 网址 [名称]</code> 添加来源',
  '<code>/sources remove 编号</code> 删除来源',
  '<code>/sources check [编号]</code> 立即检查',
].join('\n');

/** "11-30 14:05" in China time: the sites and the staff both live by it. */
export function shortTime(iso: string | Date | undefined): string {
  if (!iso) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })
    .formatToParts(d)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return `${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}

function sourceLines(row: SourceRow, nextTick: Date | undefined): string[] {
  const s = row.status;
  const icon = s.disabled ? '⛔' : s.failures ? '⚠️' : s.lastSuccessAt ? '✅' : '⏳';
  const name = `${escapeHtml(clip(row.source.name, 24))}${row.source.verified ? '' : '(未核实)'}`;
  const lines = [`${row.n}. ${icon} <b>${name}</b>`];
  if (!s.lastCheckAt) {
    lines.push(`   尚未检查 · 下次 ${s.disabled ? '—' : shortTime(nextTick)}`);
  } else {
    const next = s.disabled ? '不再检查' : `下次 ${shortTime(s.nextCheckAt ?? nextTick)}`;
    lines.push(`   检查 ${shortTime(s.lastCheckAt)} · 成功 ${shortTime(s.lastSuccessAt)} · 收录 ${s.itemsSeen} 份 · ${next}`);
  }
  if (s.disabled) lines.push(`   ⛔ ${escapeHtml(clip(s.disabled, 60))}`);
  else if (s.failures) lines.push(`   ❗ 连续失败 ${s.failures} 次:${escapeHtml(clip(s.lastError ?? '', 80))}`);
  if (s.movedTo) lines.push(`   ↪️ 已永久迁至 ${escapeHtml(clip(s.movedTo, 80))}`);
  return lines;
}

/** /sources [add URL [名称] | remove N | check [N]] — admins only (COMMANDS marks it). */
export async function sourcesCommand(req: CommandRequest, services: Services): Promise<Reply> {
  const watch = services.watch;
  if (!watch) return reply('来源监测没有开启(WATCH=off,或在终端模式下)。设置 WATCH=on 并重启后可用。');
  const [verb = '', ...rest] = req.args.split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
    case '':
    case 'list':
      return listSources(watch);
    case 'add':
      return addSource(watch, rest);
    case 'remove':
    case 'rm':
    case 'delete':
      return removeSource(watch, rest);
    case 'check':
      return checkSources(watch, rest);
    default:
      return reply(`没有“${escapeHtml(clip(verb, 20))}”这个操作。\n${USAGE}`);
  }
}

async function listSources(watch: WatchService): Promise<Reply> {
  const rows = await watch.list();
  if (!rows.length) return reply(`还没有监测来源。\n${USAGE}`);
  const failing = rows.filter((r) => r.status.failures && !r.status.disabled).length;
  const head = `📡 <b>监测来源</b>(${rows.length} 个${failing ? ` · ${failing} 个出错` : ''} · 下次检查 ${shortTime(watch.nextTick())})`;
  return reply([head, '', ...rows.flatMap((r) => sourceLines(r, watch.nextTick())), '', USAGE].join('\n'));
}

function parseNumber(word: string | undefined): number | undefined {
  return word && /^\d{1,4}$/.test(word) ? Number(word) : undefined;
}

async function addSource(watch: WatchService, args: string[]): Promise<Reply> {
  const [url, ...nameWords] = args;
  if (!url) return reply(`请写出列表页的网址,例如 <code>/sources add https://gd.miit.gov.cn/ 广东省通信管理局</code>。`);
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    // reported below
  }
  const parsed = WatchSource.safeParse({ url, name: nameWords.join(' ') || host || url, verified: false });
  if (!parsed.success) return reply(`“${escapeHtml(clip(url, 80))}”不是有效的 http(s) 网址,来源未添加。`);
  const result = await watch.add(parsed.data);
  if (result === 'exists') return reply(`这个网址已在监测中,无需重复添加。发送 /sources 查看。`);
  return reply(
    [
      `✅ 已添加来源:<b>${escapeHtml(parsed.data.name)}</b>`,
      escapeHtml(safeUrl(parsed.data.url)),
      `首次检查只把最新的几份通告收录为资料(不推送),之后出现的新通告才会推送。发送 <code>/sources check</code> 立即检查。`,
    ].join('\n'),
  );
}

async function removeSource(watch: WatchService, args: string[]): Promise<Reply> {
  const n = parseNumber(args[0]);
  if (n === undefined) return reply('请写出要删除的来源编号,例如 <code>/sources remove 3</code>。编号见 /sources。');
  const removed = await watch.remove(n);
  if (!removed) return reply(`没有编号为 ${n} 的来源。发送 /sources 查看编号。`);
  return reply(`🗑 已删除来源:<b>${escapeHtml(removed.source.name)}</b>。已收录的通告保留。`);
}

async function checkSources(watch: WatchService, args: string[]): Promise<Reply> {
  const n = args.length ? parseNumber(args[0]) : undefined;
  if (args.length && n === undefined) return reply('请写出来源编号,例如 <code>/sources check 3</code>;不写编号则检查全部。');
  switch (await watch.check(n)) {
    case 'not_found':
      return reply(`没有编号为 ${n} 的来源。发送 /sources 查看编号。`);
    case 'busy':
      return reply('正在检查中,请稍后发送 /sources 查看结果。');
    case 'started':
      return reply(`🔎 已开始检查${n === undefined ? '全部来源' : `第 ${n} 个来源`},完成后发送 /sources 查看结果。`);
  }
}
