import 'dotenv/config';
import { CATEGORIES } from '../../knowledge/categories.ts';
import { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { DamagedFileError, LowdbKnowledgeStore } from '../../knowledge/store/store.ts';
import { cliConfig, fail } from './cli-config.ts';

const USAGE = `用法 / usage:
  npm run kb -- export   整个知识库(通告、运营商、记录)以 JSON 输出到 stdout
  npm run kb -- stats    统计数字`;

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command !== 'export' && command !== 'stats') fail(USAGE);
  const config = cliConfig();
  const store = new LowdbKnowledgeStore(config.DATA_DIR);
  let kb: KnowledgeBase;
  try {
    kb = new KnowledgeBase(await store.load());
  } catch (e) {
    if (e instanceof DamagedFileError) fail(`知识库文件损坏:${e.message}`);
    throw e;
  }
  if (command === 'export') {
    const data = await store.load();
    process.stdout.write(`${JSON.stringify({ ...data, carriers: kb.carriers }, null, 2)}\n`);
    return;
  }
  const byCategory = new Map<string, number>();
  for (const b of kb.bulletins) for (const f of kb.factsIn(b.id)) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
  const lines = [
    `知识库 ${store.path}`,
    `通告 ${kb.bulletins.length} 份 · 运营商 ${kb.carriers.length} 家 · 记录 ${kb.index.size} 条`,
    '',
    '按类别:',
    ...[...byCategory].sort((a, b) => b[1] - a[1]).map(([c, n]) => `  ${CATEGORIES[c as keyof typeof CATEGORIES].label} ${n}`),
    '',
    '按运营商:',
    ...kb.carriers.map((c) => `  ${c.shortName} ${kb.factsOf(c.id).length}`),
    '',
    '按通告:',
    ...kb.bulletins.map((b) => `  ${b.id} ${kb.factsIn(b.id).length}(${b.title})`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
