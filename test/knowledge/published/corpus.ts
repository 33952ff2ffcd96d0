/**
 * Reads the published-forms corpus the way ingestion reads files
 * (readSource: encoding detection, HTML to paragraphs), with its
 * expectations validated. Kept apart from score.ts so scoring stays pure.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readSource, UnreadableSourceError } from '../../../knowledge/ingest/read-source.ts';
import { Expectations, type CorpusText } from './score.ts';

export const CORPUS_DIR = fileURLToPath(new URL('../../fixtures/published/', import.meta.url));

/** Files in the folder that are not texts to score. */
const NOT_TEXTS = new Set(['expected.json', 'README.md']);

export async function loadExpectations(dir: string = CORPUS_DIR): Promise<Expectations> {
  return Expectations.parse(JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')));
}

/**
 * Every text with its expectation. A text without an expectation, or an
 * expectation without its text, is an error: a corpus that silently shrinks
 * would score better than it should.
 */
export async function loadCorpus(dir: string = CORPUS_DIR): Promise<CorpusText[]> {
  const expectations = await loadExpectations(dir);
  const files = (await readdir(dir)).filter((f) => !NOT_TEXTS.has(f)).sort();
  const expectedFiles = new Set(expectations.map((e) => e.file));
  const unexpected = files.filter((f) => !expectedFiles.has(f));
  const absent = [...expectedFiles].filter((f) => !files.includes(f));
  if (unexpected.length || absent.length) {
    throw new Error(
      [unexpected.length ? `no expectation for ${unexpected.join(', ')}` : '', absent.length ? `no file for ${absent.join(', ')}` : '']
        .filter(Boolean)
        .join('; '),
    );
  }
  return Promise.all(
    expectations.map(async (expected): Promise<CorpusText> => {
      try {
        return { expected, text: (await readSource(join(dir, expected.file))).text };
      } catch (e) {
        // A file ingestion cannot read is a refused text, scored as such, not a broken corpus.
        if (e instanceof UnreadableSourceError) return { expected, text: '', readError: e.message };
        throw e;
      }
    }),
  );
}
