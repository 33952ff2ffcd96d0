/**
 * The scorer itself, against hand-made parse results: what counts as a
 * right owner, an invented carrier, a spurious figure and a refusal. The
 * corpus test relies on these rules, so they must hold whatever the parser does.
 */
import { describe, expect, it } from 'vitest';
import { NotABulletinError, type ParsedBulletin } from '../../../knowledge/ingest/parse-bulletin.ts';
import type { Carrier, Fact, Figure, Period } from '../../../knowledge/schema.ts';
import { ExpectedText, Expectations, missesOf, scoreCorpus, scoreText, type CorpusText, type Parse } from './score.ts';

const expected = ExpectedText.parse({
  file: 'p99-example.txt',
  form: 'test form',
  accepted: true,
  kind: 'official',
  region: { province: 'HB' },
  period: { year: 2024, quarter: 2 },
  issuer: '湖北省通信管理局',
  carriers: ['cm-hb', 'ct-hb'],
  otherGroups: ['铁通'],
  figures: [
    { value: 4126, unit: '件', owner: 'region', what: '全省申诉量' },
    { value: 6.8, unit: '%', owner: 'region', what: '环比', change: 'down' },
    { value: 3.12, unit: '件/百万用户', owner: 'cm-hb', what: '湖北移动申诉率' },
    { value: 5.08, unit: '件/百万用户', owner: 'ct-hb', what: '湖北电信申诉率' },
    { value: 2.75, unit: '件/百万用户', owner: 'ct-hb', what: '不存在的数' },
  ],
  notFigures: [{ value: 15, unit: '秒', why: '15秒接通率' }],
});

function carrier(id: string): Carrier {
  const group = id.split('-')[0] as Carrier['group'];
  return { id, group, region: { province: 'HB' }, legalName: `${id} 公司`, shortName: id, aliases: [] };
}

function fact(carrierId: string | null, figures: Figure[]): Fact {
  return {
    id: `f-${carrierId ?? 'null'}-${figures.map((f) => f.value).join('-')}`,
    carrierId,
    region: { province: 'HB' },
    bulletinId: 'hb-2024q2-official',
    category: 'complaint_stats',
    text: '示例',
    figures,
    source: { bulletinId: 'hb-2024q2-official', paragraphs: [1], excerpt: '示例' },
  };
}

function parsedWith(facts: Fact[], carrierIds: string[], period: Period = { year: 2024, quarter: 2 }): ParsedBulletin {
  return {
    bulletin: {
      id: 'hb-2024q2-official',
      title: '湖北省通信管理局关于2024年第二季度全省电信服务质量的通告',
      issuer: '湖北省通信管理局',
      region: { province: 'HB' },
      period,
      kind: 'official',
      sourceFile: 'p99-example.txt',
      contentHash: 'a'.repeat(64),
    },
    carriers: carrierIds.map(carrier),
    facts,
    report: { paragraphs: 1, duplicatesDropped: 0, joins: [], unplaced: [] },
  };
}

const item: CorpusText = { expected, text: '(the parse functions below ignore the text)' };

describe('scoreText', () => {
  it('counts a figure right only under its expected owner, with the same value and unit', () => {
    const parse: Parse = () =>
      parsedWith(
        [
          fact(null, [{ value: 4126, unit: '件', raw: '4126件' }, { value: 6.8, unit: '%', raw: '环比下降6.8%', change: { basis: '环比', direction: 'down' } }]),
          // 湖北电信's rate given to 湖北移动: the classic 申诉-after-电信 miss.
          fact('cm-hb', [{ value: 3.12, unit: '件/百万用户', raw: '3.12件/百万用户' }, { value: 5.08, unit: '件/百万用户', raw: '5.08件/百万用户' }]),
        ],
        ['cm-hb'],
      );
    const t = scoreText(item, parse);
    expect(t.accepted).toBe(true);
    expect(t.periodRight).toBe(true);
    expect(t.issuerRight).toBe(true);
    expect(t.figures.map((f) => f.right)).toEqual([true, true, true, false, false]);
    expect(t.figures[1]!.changeRight).toBe(true);
    expect(t.figures[3]!.foundUnder).toEqual(['cm-hb']);
    expect(t.missingCarriers).toEqual(['ct-hb']);
    expect(missesOf(t)).toEqual([
      'carrier not listed: ct-hb',
      'owner: 湖北电信申诉率 5.08件/百万用户 → ct-hb, got cm-hb',
      'missing: 不存在的数 2.75件/百万用户 → ct-hb',
    ]);
  });

  it('reports a number written once that some other owner also got', () => {
    const parse: Parse = () =>
      parsedWith(
        [
          fact('cm-hb', [{ value: 3.12, unit: '件/百万用户', raw: '3.12件/百万用户' }]),
          // A 分别 pair read as both figures for both carriers.
          fact('ct-hb', [{ value: 3.12, unit: '件/百万用户', raw: '3.12件/百万用户' }, { value: 5.08, unit: '件/百万用户', raw: '5.08件/百万用户' }]),
        ],
        ['cm-hb', 'ct-hb'],
      );
    const once = { expected, text: '湖北移动、湖北电信申诉率分别为3.12和5.08件/百万用户。' };
    const t = scoreText(once, parse);
    expect(t.figures[2]).toMatchObject({ right: true, alsoUnder: ['ct-hb'] });
    expect(missesOf(t)).toContain('also: 湖北移动申诉率 3.12件/百万用户 → cm-hb, also under ct-hb');
    // Written twice, a number may rightly belong to two owners: nothing is reported.
    const twice = { expected, text: '湖北移动申诉率为3.12件/百万用户,湖北电信上季度也是3.12件/百万用户。' };
    expect(scoreText(twice, parse).figures[2]!.alsoUnder).toEqual([]);
  });

  it('accepts any of the units an expectation allows', () => {
    const either = ExpectedText.parse({
      ...expected,
      figures: [...expected.figures.slice(0, 4), { value: 5.9, unit: ['人次/百万用户', '人次'], owner: 'region', what: '百万用户申诉率为5.9人次' }],
    });
    const parse: Parse = () => parsedWith([fact(null, [{ value: 5.9, unit: '人次/百万用户', raw: '5.9人次' }])], []);
    expect(scoreText({ expected: either, text: '' }, parse).figures[4]!.right).toBe(true);
  });

  it('reports a value kept with another unit as a unit miss', () => {
    const parse: Parse = () => parsedWith([fact(null, [{ value: 4126, unit: '人次', raw: '4126人次' }])], []);
    const t = scoreText(item, parse);
    expect(t.figures[0]).toMatchObject({ right: false, otherUnits: ['人次'] });
    expect(missesOf(t)).toContain('unit: 全省申诉量 4126件 → region, got unit 人次');
  });

  it('calls a listed carrier invented unless the expectation allows it or names its group in otherGroups', () => {
    const parse: Parse = () => parsedWith([fact('cu-hb', [{ value: 1, unit: '件', raw: '1件' }])], ['cm-hb', 'cu-hb', 'ctt-hb']);
    const t = scoreText(item, parse);
    expect(t.invented).toEqual(['cu-hb']);
    expect(t.otherGroupCarriers).toEqual(['ctt-hb']);
  });

  it('flags a date or threshold taken as a figure', () => {
    const parse: Parse = () => parsedWith([fact('cm-hb', [{ value: 15, unit: '秒', raw: '15秒' }])], ['cm-hb']);
    expect(scoreText(item, parse).spurious).toEqual(['15秒 (15秒接通率)']);
  });

  it('wants the exact period: a year is not its quarter', () => {
    const parse: Parse = () => parsedWith([], [], { year: 2024 });
    expect(scoreText(item, parse).periodRight).toBe(false);
  });

  it('scores a refusal as not accepted, with every figure missed, and keeps its message', () => {
    const parse: Parse = () => {
      throw new NotABulletinError('无法判断通告所属的地区');
    };
    const t = scoreText(item, parse);
    expect(t).toMatchObject({ accepted: false, error: '无法判断通告所属的地区', periodRight: false, issuerRight: false });
    expect(t.figures.every((f) => !f.right)).toBe(true);
    expect(missesOf(t)).toEqual(['refused: 无法判断通告所属的地区']);
  });

  it('scores a file ingestion could not read as refused without calling the parser', () => {
    const parse: Parse = () => {
      throw new Error('must not be called');
    };
    const t = scoreText({ ...item, readError: '这是扫描件,没有可读取的文字' }, parse);
    expect(t.error).toBe('unreadable: 这是扫描件,没有可读取的文字');
  });
});

describe('scoreCorpus', () => {
  it('totals texts and figures across the corpus', () => {
    const good: Parse = () => parsedWith([fact(null, [{ value: 4126, unit: '件', raw: '4126件' }])], ['cm-hb', 'cu-hb']);
    const score = scoreCorpus([item, { ...item, expected: { ...expected, file: 'p98-other.txt' } }], good);
    expect(score.totals.accepted).toEqual({ right: 2, total: 2 });
    expect(score.totals.owners).toEqual({ right: 2, total: 10 });
    expect(score.totals.invented).toBe(2);
    expect(score.totals.issuer).toEqual({ right: 2, total: 2 });
  });
});

describe('Expectations', () => {
  it('refuse a figure whose owner is not among the text’s carriers', () => {
    const bad = { ...expected, figures: [...expected.figures, { value: 1, unit: '件', owner: 'cu-hb', what: 'x' }] };
    const r = Expectations.safeParse([bad]);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toContain('p99-example.txt: owner cu-hb of x is not among its carriers');
  });

  it('refuse the same file twice', () => {
    const r = Expectations.safeParse([expected, expected]);
    expect(r.error?.issues.map((i) => i.message)).toContain('p99-example.txt is expected twice');
  });
});
