import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_DOWNLOAD, faults } from '../helpers/bot-api-proxy.ts';
import { onlyReply, postedMessage, useBot, type BotHarness, type ChatRef } from '../helpers/e2e-harness.ts';
import { ROOT, runCli } from '../helpers/run-cli.ts';

/**
 * Getting new bulletins into a running bot, end to end: `npm run ingest`
 * beside it (picked up by the bot's file watch), and admin uploads over
 * Telegram (downloaded through getFile and the file endpoint, which the
 * proxy hosts). One bot for the whole file; the tests run in order and
 * build on each other's knowledge (b ingests 浙江, c re-sends it as GBK).
 */

const ADMIN_ID = 7001;
const MEMBER_ID = 7003;
const ADMIN_CHAT: ChatRef = { id: ADMIN_ID, type: 'private' };
const MEMBER_CHAT: ChatRef = { id: MEMBER_ID, type: 'private' };
const WORK_GROUP: ChatRef = { id: -7002, type: 'group', title: '省通信管理局工作群' };
/** Its own chat, so the 429 fault cannot touch any other test's replies. */
const RATE_LIMITED_CHAT: ChatRef = { id: 7004, type: 'private' };

/** How long `npm run ingest` may take to show up in the running bot: one 1 s file poll plus a reload, with room to spare. */
const CLI_RELOAD_LIMIT_MS = 10_000;

const SEED_TEXT = readSeedBulletin();
/** The shipped 吉林 bulletin moved to another province: a new bulletin with new carriers, parsed like the real one. */
const provinceBulletin = (province: string): string => SEED_TEXT.replaceAll('吉林', province);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * provinceBulletin('浙江') in GBK, committed because Node has no GBK encoder. Regenerate with:
 * python3 -c "import glob; t=open(glob.glob('knowledge/sources/000_*.txt')[0],encoding='utf-8',newline='').read(); open('test/fixtures/e2e-gbk-bulletin.txt','wb').write(t.replace('吉林','浙江').encode('gbk'))"
 */
const GBK_ZHEJIANG = new URL('../fixtures/e2e-gbk-bulletin.txt', import.meta.url);

describe('ingesting bulletins into the running bot', () => {
  const bot = useBot({ env: { ADMIN_IDS: String(ADMIN_ID) } });
  let scratch = '';
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'carrier-watch-ingest-e2e-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('answers from a bulletin `npm run ingest` added while it runs, within seconds and without a restart', async () => {
    expect(await carrierReply(bot, '广东移动')).not.toContain('<b>广东移动</b>');
    const file = join(scratch, '2023下半年广东省电信服务质量通告.txt');
    await writeFile(file, provinceBulletin('广东'), 'utf8');

    const cliStarted = performance.now();
    const cli = await runCli('bot/cli/ingest.ts', [file], { DATA_DIR: bot.dataDir });
    const written = performance.now();
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toContain('✅ 已新增');

    // The bot learns of the file only through its mtime poll, so ask until it knows.
    const card = await pollUntil(async () => {
      const text = await carrierReply(bot, '广东移动');
      return text.includes('<b>广东移动</b>') ? text : undefined;
    }, CLI_RELOAD_LIMIT_MS);
    const latency = performance.now() - written;
    console.log(`CLI ingest took ${Math.round(written - cliStarted)} ms; the bot answered from it ${Math.round(latency)} ms after the CLI exited`);
    expect(card).toContain('中国移动通信集团广东有限公司');
    expect(bot.logs().some((l) => l.msg === 'knowledge reloaded')).toBe(true);
  });

  it('ingests a bulletin an admin sends privately, answers from it at once, and recognises a second copy', async () => {
    const bytes = utf8(provinceBulletin('浙江'));
    const doc = bot.hostDocument('2023下半年浙江省电信服务质量通告.txt', bytes);

    const upload = await bot.upload(doc, { chat: ADMIN_CHAT });
    const summary = onlyReply(upload);
    expect(summary.chatId).toBe(ADMIN_CHAT.id);
    expect(summary.text).toContain('✅ 已新增');
    expect(summary.text).toContain('浙江移动 🆕');
    expect(summary.text).toContain('浙江电信 🆕');
    // Fetched exactly as Telegram serves files: getFile, then one download of all the bytes.
    expect(upload.calls.map((c) => c.method)).toEqual(['getFile', FILE_DOWNLOAD, 'sendMessage']);
    expect(bot.proxy.downloads(doc.file_id).map((c) => c.response)).toEqual([{ bytes: bytes.byteLength }]);

    // The upload reloads the knowledge itself: no waiting for the file poll.
    const card = await carrierReply(bot, '浙江电信');
    expect(card).toContain('<b>浙江电信</b>');
    expect(card).toContain('中国电信股份有限公司浙江分公司');

    // Sent again, it is a new Telegram message with a new file_id but the same bytes.
    const again = onlyReply(await bot.upload(bot.hostDocument('浙江通告-副本.txt', bytes), { chat: ADMIN_CHAT }));
    expect(again.text).toContain('内容与已收录的版本相同');
  });

  it('ingests a GBK file when an admin replies /ingest to it in a group, and answers in the group', async () => {
    const gbk = readFileSync(GBK_ZHEJIANG);
    // A stale fixture would make the "same content" check below fail for the wrong reason.
    expect(new TextDecoder('gbk').decode(gbk), 'e2e-gbk-bulletin.txt is stale: regenerate it (see GBK_ZHEJIANG)').toBe(provinceBulletin('浙江'));
    const doc = bot.hostDocument('浙江通告(GBK).txt', gbk);

    // A member shares the file in the group: not addressed to the bot, so it is neither fetched nor answered.
    const shared = await bot.upload(doc, { chat: WORK_GROUP, from: MEMBER_ID });
    expect(shared.calls).toEqual([]);

    // A member may not ask for it either.
    const refused = onlyReply(await bot.say('/ingest', WORK_GROUP, { from: MEMBER_ID, replyTo: postedMessage(shared) }));
    expect(refused.text).toContain('只有管理员可以导入通告');

    const ingest = await bot.say('/ingest', WORK_GROUP, { from: ADMIN_ID, replyTo: postedMessage(shared) });
    const summary = onlyReply(ingest);
    expect(summary.chatId).toBe(WORK_GROUP.id);
    expect(summary.text).toContain('浙江省电信服务质量通告');
    expect(summary.text).toContain('gb18030');
    // Decoded, the GBK bytes are exactly the UTF-8 bulletin the admin sent before.
    expect(summary.text).toContain('内容与已收录的版本相同');
    expect(bot.proxy.downloads(doc.file_id)).toHaveLength(1);
  });

  it("refuses a non-admin's upload without fetching the file, and learns nothing from it", async () => {
    const doc = bot.hostDocument('2023下半年江苏省电信服务质量通告.txt', utf8(provinceBulletin('江苏')));

    const upload = await bot.upload(doc, { chat: MEMBER_CHAT });

    expect(onlyReply(upload).text).toContain('抱歉,只有管理员可以导入通告');
    expect(upload.calls.map((c) => c.method)).toEqual(['sendMessage']);
    expect(bot.proxy.callsTo('getFile').filter((c) => c.params['file_id'] === doc.file_id)).toEqual([]);
    expect(bot.proxy.downloads(doc.file_id)).toEqual([]);
    const notFound = await carrierReply(bot, '江苏移动', MEMBER_CHAT);
    expect(notFound).toContain('没有找到');
    expect(notFound).not.toContain('<b>江苏移动</b>');
  });

  it('refuses a binary file named .txt, leaves the knowledge untouched and keeps answering', async () => {
    const before = await knowledgeMtime(bot);
    const scan = new Uint8Array([...utf8('%PDF-1.4\n'), 0, 0, 0, 0xff, 0xd8, 0, 1, 2, 3, ...new Uint8Array(512)]);

    const reply = onlyReply(await bot.upload(bot.hostDocument('scan.txt', scan), { chat: ADMIN_CHAT }));

    expect(reply.text).toContain('✗ 无法导入“scan.txt”');
    expect(reply.text).toContain('知识库未改动');
    expect(await knowledgeMtime(bot)).toBe(before);
    expect(onlyReply(await bot.say('/help', ADMIN_CHAT)).text).toContain('/carrier');
  });

  it('ingests a PDF an admin sends, and refuses a scanned one saying why', async () => {
    const pdf = readFileSync(new URL('../fixtures/pdf/bulletin.pdf', import.meta.url));
    const summary = onlyReply(await bot.upload(bot.hostDocument('湖南省2025年一季度通告.pdf', pdf), { chat: ADMIN_CHAT }));
    expect(summary.text).toContain('✅ 已新增');
    expect(summary.text).toContain('(PDF)');
    expect(summary.text).toContain('湖南移动 🆕');
    expect(await carrierReply(bot, '湖南移动')).toContain('<b>湖南移动</b>');

    const before = await knowledgeMtime(bot);
    const scan = readFileSync(new URL('../fixtures/pdf/scanned.pdf', import.meta.url));
    const refused = onlyReply(await bot.upload(bot.hostDocument('扫描件.pdf', scan), { chat: ADMIN_CHAT }));
    expect(refused.text).toBe('✗ 无法导入“扫描件.pdf”:这是扫描件(只有图片),没有可读取的文字;请提供文字版 PDF、Word 或网页。\n知识库未改动。');
    expect(await knowledgeMtime(bot)).toBe(before);
  });

  it('tells the admin when Telegram will not hand over the file, and logs no token', async () => {
    const doc = bot.hostDocument('lost.txt', utf8(provinceBulletin('福建')));
    bot.proxy.injectFault({ method: FILE_DOWNLOAD, times: 1, when: (c) => c.params['file_id'] === doc.file_id, reply: faults.serverError(502) });

    const reply = onlyReply(await bot.upload(doc, { chat: ADMIN_CHAT }));

    expect(bot.proxy.downloads(doc.file_id).map((c) => c.status)).toEqual([502]);
    expect(reply.text).toContain('没能下载“lost.txt”');
    expect(reply.text).toContain('知识库未改动');
    // The file link carries the token; a failed download must not put it in the log.
    const secret = bot.token.split(':')[1]!;
    expect(bot.stderrLines.join('\n')).not.toContain(secret);
  });

  it('retries a reply Telegram refused with 429 once retry_after has passed', async () => {
    bot.proxy.injectFault({ method: 'sendMessage', chatIds: [RATE_LIMITED_CHAT.id], times: 1, reply: faults.tooManyRequests(1) });

    const help = await bot.say('/help', RATE_LIMITED_CHAT);

    const [refused, retried, ...more] = help.sent;
    expect(more).toEqual([]);
    expect(refused?.delivered).toBe(false);
    expect(retried?.delivered).toBe(true);
    expect(retried?.text).toContain('/carrier');
    expect(retried?.text).toBe(refused?.text);
    const [first, second] = help.calls.filter((c) => c.method === 'sendMessage');
    expect(first?.status).toBe(429);
    // retry_after is 1 s; allow a few ms for timer granularity.
    expect(second!.at - first!.respondedAt!).toBeGreaterThanOrEqual(990);
  });
});

/** The shipped provincial bulletin (knowledge/sources/000_*.txt), exactly as it is on disk. */
function readSeedBulletin(): string {
  const dir = join(ROOT, 'knowledge/sources');
  const name = readdirSync(dir).find((f) => /^000_.*\.txt$/.test(f));
  if (!name) throw new Error(`no 000_*.txt in ${dir}`);
  return readFileSync(join(dir, name), 'utf8');
}

/** The text of the bot's one reply to /carrier NAME. */
async function carrierReply(bot: BotHarness, name: string, chat: ChatRef = ADMIN_CHAT): Promise<string> {
  return onlyReply(await bot.say(`/carrier ${name}`, chat)).text;
}

/** Calls probe until it gives a value; each probe is a full round trip to the bot, so a short pause suffices. */
async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() >= deadline) throw new Error(`nothing within ${timeoutMs} ms`);
    await delay(100);
  }
}

function knowledgeMtime(bot: BotHarness): Promise<number> {
  return stat(join(bot.dataDir, 'knowledge.json')).then((s) => s.mtimeMs);
}
