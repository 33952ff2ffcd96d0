import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Button, Reply } from '../handlers/reply.ts';
import { parseText, type Request, type Services } from '../handlers/request.ts';
import { handle } from '../handlers/router.ts';
import { renderChart } from './chart.ts';

export const TERMINAL_BANNER = [
  '────────────────────────────────────────────',
  ' carrier-watch · 终端对话模式 (terminal chat)',
  '────────────────────────────────────────────',
  ' 没有设置 BOT_TOKEN,所以在终端里对话。命令与 Telegram 上相同:',
  '   /carrier 吉林电信    /search 爱心翼站    /bulletins    /help',
  ' 按钮显示为 [1] [2] …,输入数字即可点按。输入 /quit 或按 Ctrl-D 退出。',
  '',
  ' 连接 Telegram:在 Telegram 找 @BotFather,发送 /newbot 取得令牌,',
  ' 然后 BOT_TOKEN=令牌 npm start(或写进 .env)。',
  ' No BOT_TOKEN set: chatting here. Get a token from @BotFather and set BOT_TOKEN to run on Telegram.',
  '────────────────────────────────────────────',
].join('\n');

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };

/** Telegram HTML to plain terminal text. */
export function htmlToPlain(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&(lt|gt|amp|quot);/g, (e) => ENTITIES[e] ?? e);
}

/** Renders a reply; returns the buttons in the order they were numbered. */
export function renderReply(r: Reply): { text: string; buttons: Button[] } {
  const buttons: Button[] = [];
  const parts: string[] = [];
  if (r.notice) parts.push(`(${r.notice})`);
  for (const m of r.messages) {
    parts.push(htmlToPlain(m.html));
    for (const row of m.buttons ?? []) {
      parts.push(
        row
          .map((b) => {
            buttons.push(b);
            return `[${buttons.length}] ${b.text}`;
          })
          .join('   '),
      );
    }
  }
  return { text: parts.join('\n'), buttons };
}

/**
 * A chat in the terminal that goes through the same handlers as Telegram.
 * The person at the terminal runs the bot, so they count as an admin.
 */
export async function runTerminalChat(
  services: Services,
  input: Readable = process.stdin,
  output: Writable = process.stdout,
  /** Where charts are written as PNG files (DATA_DIR/charts); the terminal prints their paths. */
  chartDir = join(process.env.DATA_DIR ?? './data', 'charts'),
): Promise<void> {
  const rl = createInterface({ input, output, terminal: false });
  const chat = { id: 0, type: 'terminal' as const };
  const user = { id: 0, isAdmin: true };
  let buttons: Button[] = [];
  const print = (s: string): void => void output.write(`${s}\n`);
  print(TERMINAL_BANNER);
  output.write('> ');
  for await (const line of rl) {
    const text = line.trim();
    if (text === '/quit' || text === '/exit') break;
    if (text) {
      let req: Request | undefined;
      const pick = /^\d{1,3}$/.test(text) ? buttons[Number(text) - 1] : undefined;
      if (pick && 'data' in pick) req = { kind: 'callback', data: pick.data, chat, user };
      else if (pick && 'url' in pick) print(pick.url);
      else {
        const parsed = parseText(text);
        if (parsed.kind === 'command') req = { kind: 'command', command: parsed.command, args: parsed.args, chat, user };
        else if (parsed.kind === 'text') req = { kind: 'text', text: parsed.text, chat, user };
      }
      if (req) {
        try {
          const r = await handle(req, services);
          const rendered = renderReply(r);
          buttons = rendered.buttons;
          print(rendered.text);
          for (const m of r.messages) if (m.chart) print(`🖼 图表:${await writeChart(m.chart, chartDir)}`);
        } catch {
          print('抱歉,处理时出了点问题。请再试一次,或输入 /help。');
        }
      }
    }
    output.write('> ');
  }
  rl.close();
}

let chartCount = 0;

/** A chart as a PNG file a terminal user can open; named by time so earlier ones stay. */
async function writeChart(chart: NonNullable<Reply['messages'][number]['chart']>, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `chart-${Date.now()}-${++chartCount}.png`);
  await writeFile(file, (await renderChart(chart)).png);
  return file;
}
