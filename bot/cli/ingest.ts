import 'dotenv/config';
import { basename } from 'node:path';
import { ingestSummary } from '../../handlers/ingest-summary.ts';
import { ingestFile } from '../../knowledge/ingest/ingest.ts';
import { NotABulletinError } from '../../knowledge/ingest/parse-bulletin.ts';
import { UnreadableSourceError } from '../../knowledge/ingest/read-source.ts';
import { regionIndex } from '../../knowledge/regions.ts';
import { htmlToPlain } from '../terminal.ts';
import { cliConfig, fail } from './cli-config.ts';
import { cliKnowledgeStore } from './knowledge-store.ts';

const USAGE = `用法 / usage: npm run ingest -- FILE... [--max-size 5MB]
  把通告(.txt、.md、.html、.htm,UTF-8 或 GBK;.pdf 文字版;.docx)加入知识库:
  设置了 DATABASE_URL 时加入该数据库(与机器人读取的一致),否则加入 DATA_DIR。`;

/**
 * `npm run ingest -- FILE...`: each file is its own transaction, so a bad
 * file is reported and skipped while the others still go in. Exit code 1
 * if any file failed. Summaries go to stdout, progress to stderr.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!args.length || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(args.length ? 0 : 2);
  }
  const files: string[] = [];
  let maxSize: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--max-size') maxSize = args[++i];
    else if (a.startsWith('--max-size=')) maxSize = a.slice('--max-size='.length);
    else if (a.startsWith('--')) fail(`不认识的选项 ${a}\n${USAGE}`);
    else files.push(a);
  }
  const config = cliConfig(maxSize ? { INGEST_MAX_BYTES: maxSize } : {});
  const store = await cliKnowledgeStore(config);
  const regions = regionIndex();
  let failed = 0;
  for (const [i, file] of files.entries()) {
    if (files.length > 1) process.stderr.write(`[${i + 1}/${files.length}] ${basename(file)}\n`);
    try {
      const r = await ingestFile(store, file, config.INGEST_MAX_BYTES);
      process.stdout.write(`${htmlToPlain(ingestSummary(r, regions))}\n\n`);
    } catch (e) {
      failed++;
      const known = e instanceof UnreadableSourceError || e instanceof NotABulletinError;
      const reason = known ? (e as Error).message : `内部错误:${(e as Error).message}`;
      process.stdout.write(`✗ ${file}:${reason}\n  知识库未改动。\n\n`);
    }
  }
  if (files.length > 1) process.stderr.write(`完成:${files.length - failed} 个成功,${failed} 个失败。\n`);
  process.exit(failed ? 1 : 0);
}

void main();
