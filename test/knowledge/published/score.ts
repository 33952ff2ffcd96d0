/**
 * Scores the parser against the published-forms corpus
 * (test/fixtures/published/): texts in the shapes real bulletins are
 * published in, with what a careful reader would take from each. It measures
 * what issue 10's held-out set is judged on: every text accepted, the period
 * right, each key figure under the right owner, no carrier invented.
 *
 * The texts come in already read (see corpus.ts) and the parse function can
 * be swapped, so the CLI and the test share one scoring; the only data it
 * reads itself is the project's carrier-group table.
 */
import { z } from 'zod';
import { NotABulletinError, parseBulletin, type ParsedBulletin } from '../../../knowledge/ingest/parse-bulletin.ts';
import { groups } from '../../../knowledge/groups.ts';
import { BulletinKind, GroupId, Period, Region, SourceHints } from '../../../knowledge/schema.ts';

/** A carrier id in the project's form (cm, cm-js, cm-hb-shiyan), over whatever groups the project knows. */
const CARRIER_ID = `(?:${GroupId.options.join('|')})(?:-[a-z]{2}(?:-[a-z]+)?)?`;
const CarrierId = z.string().regex(new RegExp(`^${CARRIER_ID}$`));
/** A carrier id, or "region" for the bulletin's own area (carrierId null). */
const Owner = z.string().regex(new RegExp(`^(?:region|${CARRIER_ID})$`));

export const ExpectedFigure = z.object({
  value: z.number(),
  /**
   * As the parser spells units: "%", "件/百万用户", "万户", "个百分点"; a table cell takes its column's unit.
   * Several when the text leaves a fair choice ("百万用户申诉率为5.9人次": 人次/百万用户 or 人次); the first is the best reading.
   */
  unit: z.union([z.string().min(1), z.array(z.string().min(1)).min(2)]),
  owner: Owner,
  /** What the figure measures, for people reading misses ("申诉率", "10月申诉量"). */
  what: z.string().min(1),
  /** For a stated change (环比下降6.8%): its direction. Reported, not part of the thresholds. */
  change: z.enum(['up', 'down']).optional(),
});
export type ExpectedFigure = z.infer<typeof ExpectedFigure>;

export const ExpectedText = z.object({
  file: z.string().regex(/^[a-z0-9-]+\.(?:txt|html|pdf|docx)$/),
  /** The published form this text stands for, in a few words. */
  form: z.string().min(1),
  hints: SourceHints.optional(),
  /** Texts added later (2, 3 …) are scored first on their own: a check that fixes made on earlier batches generalise. */
  batch: z.number().int().positive().default(1),
  /** The held-out bar: every published text is accepted. */
  accepted: z.literal(true),
  /** Several when readers could fairly disagree (a 12321 report is neither a regulator's bulletin nor a carrier's). */
  kind: z.union([BulletinKind, z.array(BulletinKind).min(1)]),
  region: Region,
  period: Period,
  issuer: z.string().min(1).optional(),
  /** Every carrier the parse may list; anything else it lists is invented. */
  carriers: z.array(CarrierId),
  /**
   * Group words outside the scored carriers (铁塔, 铁通, 网通, 移动转售). A carrier of such a group
   * that the parse lists (ctt-gx once the project knows 铁通) is reported, never counted as invented.
   */
  otherGroups: z.array(z.string().min(1)).default([]),
  figures: z.array(ExpectedFigure).min(5).max(15),
  /** Numbers with a unit that are not statistics: dates (7月1日), thresholds (100Mbps及以上, 15秒接通率). No fact may carry them. */
  notFigures: z
    .array(z.object({ value: z.number(), unit: z.string().min(1), why: z.string().min(1) }))
    .default([]),
});
export type ExpectedText = z.infer<typeof ExpectedText>;

export const Expectations = z
  .array(ExpectedText)
  .min(1)
  .superRefine((texts, ctx) => {
    const seen = new Set<string>();
    for (const t of texts) {
      if (seen.has(t.file)) ctx.addIssue({ code: 'custom', message: `${t.file} is expected twice` });
      seen.add(t.file);
      for (const f of t.figures) {
        if (f.owner !== 'region' && !t.carriers.includes(f.owner)) {
          ctx.addIssue({ code: 'custom', message: `${t.file}: owner ${f.owner} of ${f.what} is not among its carriers` });
        }
      }
    }
  });
export type Expectations = z.infer<typeof Expectations>;

export interface CorpusText {
  expected: ExpectedText;
  /** The text as ingestion reads it (readSource: decoded, HTML reduced to paragraphs). */
  text: string;
  /** Why ingestion could not read the file at all; the text then counts as refused. */
  readError?: string;
}

export type Parse = (text: string, sourceFile: string, hints: SourceHints) => ParsedBulletin;

export interface FigureResult {
  expected: ExpectedFigure;
  right: boolean;
  /** Where the parser put this value and unit instead, when not under the expected owner. */
  foundUnder: string[];
  /** Units the parser gave this value, when it never gave the expected unit. */
  otherUnits: string[];
  /** For a right figure: other owners that also got it, though the text gives it to none of them. Reported, not scored. */
  alsoUnder: string[];
  changeRight?: boolean;
}

export interface TextScore {
  file: string;
  form: string;
  accepted: boolean;
  /** The parser's refusal, or the exception it threw. */
  error?: string;
  kindRight: boolean;
  regionRight: boolean;
  periodRight: boolean;
  /** Undefined where the expectation names no issuer. */
  issuerRight?: boolean;
  got?: { kind: string; region: string; period: string; issuer: string; title: string };
  figures: FigureResult[];
  invented: string[];
  missingCarriers: string[];
  otherGroups: string[];
  /** Non-statistics (expectation's notFigures) that some fact carries as a figure. */
  spurious: string[];
  /** Carriers the parse lists from the expectation's otherGroups (铁通 → ctt-gx once the project knows 铁通): neither right nor invented. */
  otherGroupCarriers: string[];
}

export interface Tally {
  right: number;
  total: number;
}

export interface CorpusScore {
  texts: TextScore[];
  totals: {
    accepted: Tally;
    kind: Tally;
    region: Tally;
    period: Tally;
    issuer: Tally;
    owners: Tally;
    changes: Tally;
    invented: number;
    /** Non-statistics read as figures, over all texts. */
    spurious: number;
    /** Right figures also handed to owners the text does not give them to. */
    doubled: number;
  };
}

/** Issue 10's "Done when" for the held-out set. */
export const THRESHOLDS = { period: 0.95, owners: 0.9, invented: 0 } as const;

export function regionLabel(r: { province: string; city?: string | undefined }): string {
  return r.city ? `${r.province}/${r.city}` : r.province;
}

export function periodLabel(p: Period): string {
  const months = p.months ? `m${p.months.from}-${p.months.to}` : '';
  if (p.quarter) return `${p.year}q${p.quarter}${months}`;
  if (p.half) return `${p.year}h${p.half}${months}`;
  return `${p.year}${months}`;
}

export function ownerOf(carrierId: string | null): string {
  return carrierId ?? 'region';
}

/** The group words (中国铁通, 铁通, 铁通公司) the project knows for a carrier id's group, if any. */
function groupWords(carrierId: string): string[] {
  const g = groups().find((x) => x.id === carrierId.split('-')[0]);
  return g ? [g.name, g.short, ...g.aliases] : [];
}

/** The units an expected figure accepts, best reading first. */
export function unitsOf(f: ExpectedFigure): string[] {
  return Array.isArray(f.unit) ? f.unit : [f.unit];
}

function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

/** Exactly the same span: a quarter must not also claim a half, nor a year a span of months. */
function samePeriod(got: Period, want: Period): boolean {
  return periodLabel(got) === periodLabel(want) && got.quarter === want.quarter && got.half === want.half;
}

/** How often a number is written in a text (4.0 counts as 4; 12,316 as 12316). */
export function occurrences(text: string, value: number): number {
  const flat = text.normalize('NFKC').replace(/,(?=\d{3})/g, '');
  const number = String(value).replace('.', '\\.');
  return flat.match(new RegExp(`(?<![\\d.])${number}(?:\\.0+)?(?!\\.?\\d)`, 'g'))?.length ?? 0;
}

function scoreFigure(parsed: ParsedBulletin, want: ExpectedFigure, all: readonly ExpectedFigure[], text: string): FigureResult {
  const owner = want.owner === 'region' ? null : want.owner;
  const units = unitsOf(want);
  const matches = (x: { value: number; unit: string }): boolean => sameValue(x.value, want.value) && units.includes(x.unit);
  const holders = parsed.facts.filter((f) => f.figures.some(matches));
  const mine = holders.filter((f) => f.carrierId === owner);
  const right = mine.length > 0;
  const foundUnder = right ? [] : [...new Set(holders.map((f) => ownerOf(f.carrierId)))];
  const otherUnits =
    holders.length > 0
      ? []
      : [...new Set(parsed.facts.flatMap((f) => f.figures.filter((x) => sameValue(x.value, want.value)).map((x) => x.unit)))];
  // A number written once in the text has the owners the expectation gives it and no other: a 分别 pair
  // handed to both carriers shows up here. Numbers written more than once may rightly belong to several.
  const entitled = new Set(
    all.filter((e) => sameValue(e.value, want.value) && unitsOf(e).some((u) => units.includes(u))).map((e) => e.owner),
  );
  const alsoUnder =
    right && occurrences(text, want.value) === 1 ? [...new Set(holders.map((f) => ownerOf(f.carrierId)))].filter((o) => !entitled.has(o)) : [];
  const result: FigureResult = { expected: want, right, foundUnder, otherUnits, alsoUnder };
  if (want.change) {
    result.changeRight = mine.some((f) => f.figures.some((x) => matches(x) && x.change?.direction === want.change));
  }
  return result;
}

export function scoreText(item: CorpusText, parse: Parse = parseBulletin): TextScore {
  const { expected } = item;
  const base = {
    file: expected.file,
    form: expected.form,
    otherGroups: expected.otherGroups,
  };
  let parsed: ParsedBulletin;
  try {
    if (item.readError !== undefined) throw new NotABulletinError(`unreadable: ${item.readError}`);
    parsed = parse(item.text, expected.file, expected.hints ?? {});
  } catch (e) {
    // A crash (not a refusal) is reported on one line: the table must stay readable.
    const error =
      e instanceof NotABulletinError
        ? e.message
        : `${e instanceof Error ? e.name : 'Error'}: ${String(e instanceof Error ? e.message : e).replace(/\s+/g, ' ').slice(0, 120)}`;
    return {
      ...base,
      accepted: false,
      error,
      kindRight: false,
      regionRight: false,
      periodRight: false,
      ...(expected.issuer ? { issuerRight: false } : {}),
      figures: expected.figures.map((f) => ({
        expected: f,
        right: false,
        foundUnder: [],
        otherUnits: [],
        alsoUnder: [],
        ...(f.change ? { changeRight: false } : {}),
      })),
      invented: [],
      missingCarriers: [...expected.carriers],
      spurious: [],
      otherGroupCarriers: [],
    };
  }
  const { bulletin, carriers } = parsed;
  const kinds = Array.isArray(expected.kind) ? expected.kind : [expected.kind];
  const ids = carriers.map((c) => c.id);
  const unexpected = ids.filter((id) => !expected.carriers.includes(id));
  const isOther = (id: string): boolean => groupWords(id).some((w) => expected.otherGroups.includes(w));
  return {
    ...base,
    accepted: true,
    kindRight: kinds.includes(bulletin.kind),
    regionRight: bulletin.region.province === expected.region.province && bulletin.region.city === expected.region.city,
    periodRight: samePeriod(bulletin.period, expected.period),
    ...(expected.issuer ? { issuerRight: bulletin.issuer === expected.issuer } : {}),
    got: {
      kind: bulletin.kind,
      region: regionLabel(bulletin.region),
      period: periodLabel(bulletin.period),
      issuer: bulletin.issuer,
      title: bulletin.title,
    },
    figures: expected.figures.map((f) => scoreFigure(parsed, f, expected.figures, item.text)),
    invented: unexpected.filter((id) => !isOther(id)).sort(),
    otherGroupCarriers: unexpected.filter(isOther).sort(),
    missingCarriers: expected.carriers.filter((id) => !ids.includes(id)),
    spurious: expected.notFigures
      .filter((n) => parsed.facts.some((f) => f.figures.some((x) => sameValue(x.value, n.value) && x.unit === n.unit)))
      .map((n) => `${n.value}${n.unit} (${n.why})`),
  };
}

function tally(flags: readonly boolean[]): Tally {
  return { right: flags.filter(Boolean).length, total: flags.length };
}

export function scoreCorpus(items: readonly CorpusText[], parse: Parse = parseBulletin): CorpusScore {
  const texts = items.map((item) => scoreText(item, parse));
  const figures = texts.flatMap((t) => t.figures);
  return {
    texts,
    totals: {
      accepted: tally(texts.map((t) => t.accepted)),
      kind: tally(texts.map((t) => t.kindRight)),
      region: tally(texts.map((t) => t.regionRight)),
      period: tally(texts.map((t) => t.periodRight)),
      issuer: tally(texts.flatMap((t) => (t.issuerRight === undefined ? [] : [t.issuerRight]))),
      owners: tally(figures.map((f) => f.right)),
      changes: tally(figures.flatMap((f) => (f.changeRight === undefined ? [] : [f.changeRight]))),
      invented: texts.reduce((n, t) => n + t.invented.length, 0),
      spurious: texts.reduce((n, t) => n + t.spurious.length, 0),
      doubled: figures.filter((f) => f.alsoUnder.length > 0).length,
    },
  };
}

export function ratio(t: Tally): number {
  return t.total === 0 ? 1 : t.right / t.total;
}

/** One line per thing a text got wrong, for people fixing the parser. */
export function missesOf(t: TextScore): string[] {
  const lines: string[] = [];
  if (!t.accepted) return [`refused: ${t.error ?? '?'}`];
  if (!t.kindRight) lines.push(`kind: got ${t.got?.kind}`);
  if (!t.regionRight) lines.push(`region: got ${t.got?.region}`);
  if (!t.periodRight) lines.push(`period: got ${t.got?.period}`);
  if (t.issuerRight === false) lines.push(`issuer: got ${t.got?.issuer}`);
  for (const id of t.invented) lines.push(`invented carrier ${id}`);
  for (const id of t.missingCarriers) lines.push(`carrier not listed: ${id}`);
  for (const n of t.spurious) lines.push(`spurious figure: ${n}`);
  for (const id of t.otherGroupCarriers) lines.push(`note: lists ${id} (a group in otherGroups, not scored)`);
  for (const f of t.figures) {
    const e = f.expected;
    const label = `${e.what} ${e.value}${unitsOf(e).join('|')} → ${e.owner}`;
    if (!f.right) {
      if (f.foundUnder.length) lines.push(`owner: ${label}, got ${f.foundUnder.join(', ')}`);
      else if (f.otherUnits.length) lines.push(`unit: ${label}, got unit ${f.otherUnits.join(', ')}`);
      else lines.push(`missing: ${label}`);
    } else {
      if (f.changeRight === false) lines.push(`change: ${label} should be ${e.change}`);
      if (f.alsoUnder.length) lines.push(`also: ${label}, also under ${f.alsoUnder.join(', ')}`);
    }
  }
  return lines;
}
