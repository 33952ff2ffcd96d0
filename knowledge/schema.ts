import { z } from 'zod';
import { CATEGORY_IDS } from './categories.ts';

/**
 * Carrier groups; the ids are stable and used in carrier ids and callback data.
 * Beyond the four consumer carriers: 中国铁塔 (tower, no consumer service),
 * and the historic 中国铁通 (ctt, part of 中国移动 since 2008) and 中国网通
 * (cnc, merged into 中国联通 in 2008–2009) that older bulletins name.
 */
export const GroupId = z.enum(['cm', 'cu', 'ct', 'cbn', 'tower', 'ctt', 'cnc']);
export type GroupId = z.infer<typeof GroupId>;

export const CategoryId = z.enum(CATEGORY_IDS);
export type CategoryId = z.infer<typeof CategoryId>;

/** ISO 3166-2:CN suffix of a province ("JL"), or "CN" for national scope. */
export const RegionCode = z.string().regex(/^[A-Z]{2}$/);

export const Region = z.object({
  province: RegionCode,
  /** City id from the region table ("shiyan"), when the subject is a city branch. */
  city: z.string().regex(/^[a-z]+$/).optional(),
});
export type Region = z.infer<typeof Region>;

export const Period = z.object({
  year: z.number().int().min(1990).max(2100),
  half: z.union([z.literal(1), z.literal(2)]).optional(),
  quarter: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional(),
  /**
   * A span of months that is neither a quarter, a half nor the year, e.g.
   * the cumulative 1-9月 (from 1 to 9). Absent in data stored before it existed.
   */
  months: z
    .object({ from: z.number().int().min(1).max(12), to: z.number().int().min(1).max(12) })
    .refine((m) => m.from <= m.to, 'months.from must not be after months.to')
    .optional(),
});
export type Period = z.infer<typeof Period>;

export const BulletinKind = z.enum(['official', 'carrier_report', 'news']);
export type BulletinKind = z.infer<typeof BulletinKind>;

export const Bulletin = z.object({
  id: z.string().regex(/^[a-z0-9-]{3,40}$/),
  title: z.string().min(1),
  issuer: z.string().min(1),
  region: Region,
  period: Period,
  kind: BulletinKind,
  sourceFile: z.string().min(1),
  /** Where the text was published, when it came from the web (the watcher, or an admin naming it). */
  url: z.string().url().optional(),
  /** When it was published (ISO date), from the source hints or the page's 发布时间 line; lets a re-parse date 今年一季度 again. */
  publishedAt: z.string().optional(),
  contentHash: z.string().regex(/^[a-f0-9]{64}$/),
  /** Monotonic ingestion sequence; digests remember the last one a chat has seen. */
  seq: z.number().int().nonnegative(),
  ingestedAt: z.string(),
});
export type Bulletin = z.infer<typeof Bulletin>;

export const Carrier = z.object({
  id: z.string().regex(new RegExp(`^(${GroupId.options.join('|')})(-[a-z]{2}(-[a-z]+)?)?$`)),
  group: GroupId,
  /** Absent for a group's national headquarters. */
  region: Region.optional(),
  legalName: z.string().min(2),
  shortName: z.string().min(2),
  aliases: z.array(z.string().min(1)),
  /** Absent for a group with no consumer hotline (中国铁塔). */
  hotline: z.string().regex(/^\d{5}$/).optional(),
});
export type Carrier = z.infer<typeof Carrier>;

/** A figure that states a change: its value and unit are the amount ("上升0.3个百分点"), this says of what kind. */
export const Change = z.object({
  basis: z.enum(['同比', '环比', '定比', '较']),
  /** flat: 持平, no change. */
  direction: z.enum(['up', 'down', 'flat']),
  /** The base as written, when 同比 does not say it all: "上季度", "上月", "2022年末". */
  since: z.string().optional(),
});
export type Change = z.infer<typeof Change>;

export const Figure = z.object({
  value: z.number(),
  unit: z.string(),
  /** The figure exactly as written, e.g. "1.84亿条" or "同比下降24%". */
  raw: z.string().min(1),
  /** What the number measures, taken from the words before it ("和解率"). */
  label: z.string().optional(),
  qualifier: z.enum(['余', '超', '以上', '+', '近', '约', '不超过']).optional(),
  change: Change.optional(),
  /** A table cell's column as its header names it ("1月", "本季度", "环比"). */
  column: z.string().optional(),
});
export type Figure = z.infer<typeof Figure>;

export const Source = z.object({
  bulletinId: z.string(),
  /** 1-based paragraph numbers in the source file; several when a page break was rejoined. */
  paragraphs: z.array(z.number().int().positive()).min(1),
  excerpt: z.string().max(80),
});
export type Source = z.infer<typeof Source>;

export const Fact = z.object({
  id: z.string(),
  /** null for province-level (or national) facts, e.g. appeal statistics. */
  carrierId: z.string().nullable(),
  region: Region,
  bulletinId: z.string(),
  category: CategoryId,
  text: z.string().min(1),
  figures: z.array(Figure),
  source: Source,
});
export type Fact = z.infer<typeof Fact>;

/** What is known about a text besides its words: where it was published and when. */
export const SourceHints = z.object({
  url: z.string().url().optional(),
  /** ISO date the page says it was published, when the text itself has no dateline. */
  publishedAt: z.string().optional(),
});
export type SourceHints = z.infer<typeof SourceHints>;

/** What ingestion leaves behind for an admin to look at. */
export const IngestReport = z.object({
  bulletinId: z.string(),
  duplicatesDropped: z.number().int().nonnegative(),
  joins: z.number().int().nonnegative(),
  unplaced: z.array(z.object({ paragraph: z.number().int().positive(), excerpt: z.string() })),
});
export type IngestReport = z.infer<typeof IngestReport>;
