/**
 * Scores the parser on the published-forms corpus (test/fixtures/published/):
 *   npx tsx bench/forms-score.ts [-v] [--only TEXT] [--batch N] [--dir PATH] [--json]
 * Prints one row per text and the totals issue 10 is judged on. Not part of
 * `npm run bench`: it measures reading quality, not speed.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCorpus } from '../test/knowledge/published/corpus.ts';
import { missesOf, ratio, scoreCorpus, THRESHOLDS, type CorpusScore, type Tally, type TextScore } from '../test/knowledge/published/score.ts';

const USAGE = `npx tsx bench/forms-score.ts [options]
  --verbose, -v        list every miss under its text
  --only TEXT          score only files whose name contains TEXT
  --batch N            score only the texts of batch N (see expected.json)
  --dir PATH           score another folder laid out the same way (texts + expected.json), e.g. a held-out set
  --json               the full score as JSON`;

function mark(ok: boolean): string {
  return ok ? 'ok' : '--';
}

function pct(t: Tally): string {
  return `${t.right}/${t.total} (${(ratio(t) * 100).toFixed(0)}%)`;
}

function row(t: TextScore): string {
  const figs = t.figures.filter((f) => f.right).length;
  const cells = [
    t.file.padEnd(40),
    mark(t.accepted).padEnd(4),
    mark(t.kindRight).padEnd(5),
    mark(t.regionRight).padEnd(7),
    mark(t.periodRight).padEnd(7),
    `${figs}/${t.figures.length}`.padEnd(7),
    (t.invented.join(',') || '-').padEnd(10),
    t.got ? `${t.got.kind} ${t.got.region} ${t.got.period}` : (t.error ?? ''),
  ];
  return cells.join(' ');
}

function formatScore(score: CorpusScore, verbose: boolean): string {
  const lines = [
    `${'file'.padEnd(40)} ${'acc'.padEnd(4)} ${'kind'.padEnd(5)} ${'region'.padEnd(7)} ${'period'.padEnd(7)} ${'owners'.padEnd(7)} ${'invented'.padEnd(10)} got`,
  ];
  for (const t of score.texts) {
    lines.push(row(t));
    if (verbose) for (const m of missesOf(t)) lines.push(`    ${m}`);
  }
  const { totals } = score;
  const otherGroups = [...new Set(score.texts.flatMap((t) => t.otherGroups))];
  lines.push(
    '',
    `accepted ${pct(totals.accepted)}   (target: all)`,
    `period   ${pct(totals.period)}   (target ≥ ${THRESHOLDS.period * 100}%)`,
    `owners   ${pct(totals.owners)}   (target ≥ ${THRESHOLDS.owners * 100}%)`,
    `invented ${totals.invented}   (target ${THRESHOLDS.invented})`,
    `spurious ${totals.spurious}   (dates and thresholds read as figures)   doubled ${totals.doubled}   (right figures also given to another owner)`,
    `kind ${pct(totals.kind)}   region ${pct(totals.region)}   issuer ${pct(totals.issuer)}   change direction ${pct(totals.changes)}`,
    `other groups in the texts (not scored): ${otherGroups.join(' ') || '-'}; listed by the parser: ${score.texts.flatMap((t) => t.otherGroupCarriers).join(' ') || '-'}`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      verbose: { type: 'boolean', short: 'v', default: false },
      only: { type: 'string' },
      batch: { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  const corpus = (await loadCorpus(values.dir ? resolve(values.dir) : undefined)).filter(
    (c) => (!values.only || c.expected.file.includes(values.only)) && (batch === undefined || c.expected.batch === batch),
  );
  if (corpus.length === 0) {
    console.error('no text matches --only/--batch');
    process.exitCode = 1;
    return;
  }
  const score = scoreCorpus(corpus);
  console.log(values.json ? JSON.stringify(score, null, 2) : formatScore(score, values.verbose));
}

await main();
