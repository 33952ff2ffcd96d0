import { describe, expect, it } from 'vitest';
import { foldRadicals } from '../../../knowledge/ingest/readers/radicals.ts';

describe('radicals some fonts map whole characters to', () => {
  it('reads them as the characters they stand for, and leaves other text alone', () => {
    expect(foldRadicals('申诉量同比增\u2ED312.5%,\u2ED4户网站第3\u2EDA;讠钅')).toBe('申诉量同比增长12.5%,门户网站第3页;讠钅');
  });
});
