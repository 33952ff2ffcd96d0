import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dataFile } from '../paths.ts';

/**
 * Complaint procedures and channels: curated data (data/procedures.json),
 * validated here at load. Every step names what it rests on (a rule and its
 * articles, a channel, or common practice) so a reply can cite it; what is
 * not verified lives in a channel's `notes` as 'unconfirmed', and every
 * staff procedure relying on that channel shows it as such.
 */

/** The problem types, in menu order. Ids travel in callback data as their index. */
export const PROBLEM_TYPE_IDS = ['billing', 'network', 'plan', 'porting', 'spam', 'fraud', 'privacy', 'service', 'other'] as const;
export const ProblemTypeId = z.enum(PROBLEM_TYPE_IDS);
export type ProblemTypeId = z.infer<typeof ProblemTypeId>;

/** Who a procedure is written for: staff, or the consumer it is forwarded to (您…). */
export const Audience = z.enum(['staff', 'consumer']);
export type Audience = z.infer<typeof Audience>;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Sources = z.array(z.string().min(1)).min(1);

export const Rule = z.object({
  id: z.string().regex(/^[a-z0-9]+$/),
  /** Without the 《》. */
  name: z.string().min(2),
  number: z.string().min(2),
  effective: IsoDate,
  revised: IsoDate.optional(),
  status: z.enum(['verified', 'unconfirmed']),
  sources: Sources,
});
export type Rule = z.infer<typeof Rule>;

export const Note = z.object({ status: z.literal('unconfirmed'), text: z.string().min(1), rule: z.string().optional() });
export type Note = z.infer<typeof Note>;

export const ChannelId = z.enum(['carrier', 'appeal', '12315', 'stations', '12321', '96110', '110', '12381']);
export type ChannelId = z.infer<typeof ChannelId>;

export const Channel = z.object({
  id: ChannelId,
  /** 'warning' is not a place to complain (12381), and is said so. */
  kind: z.enum(['complaint', 'report', 'police', 'warning']),
  name: z.string().min(2),
  number: z.string().regex(/^\d{3,5}$/).optional(),
  url: z.string().optional(),
  wechat: z.string().optional(),
  staff: z.string().min(1),
  consumer: z.string().min(1),
  rule: z.string().optional(),
  sources: Sources,
  status: z.literal('verified'),
  /** Unconfirmed points about the channel, shown wherever a procedure relies on it. */
  notes: z.array(Note),
});
export type Channel = z.infer<typeof Channel>;

/** What a template may ask to be filled in; anything else is a typo in the data. */
const PLACEHOLDERS = ['carrier', 'hotline', 'appealCentre', 'evidence'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER = /\{(\w+)\}/g;
const Template = z
  .string()
  .min(1)
  .refine((t) => [...t.matchAll(PLACEHOLDER)].every((m) => (PLACEHOLDERS as readonly string[]).includes(m[1]!)), 'unknown placeholder');

const ARTICLE = /^第[一二三四五六七八九十]+条$/;

export const Basis = z
  .object({
    rule: z.string().optional(),
    /** Only articles verified against the rule's text; a step may cite the rule without one. */
    articles: z.array(z.string().regex(ARTICLE)).optional(),
    channels: z.array(ChannelId).optional(),
    /** Common practice, not a rule: the staff text says so. */
    practice: z.literal(true).optional(),
    /** A source beyond the rule or channel, for a fact verified separately. */
    source: z.string().optional(),
  })
  .refine((b) => b.rule || b.channels?.length || b.practice, 'a step rests on a rule, a channel or practice');
export type Basis = z.infer<typeof Basis>;

export const Step = z.object({ staff: Template, consumer: Template, basis: Basis });
export type Step = z.infer<typeof Step>;

const BlockRef = z.object({ use: z.literal('telecomAppeal') });

export const Problem = z.object({
  id: ProblemTypeId,
  label: z.string().min(2),
  emoji: z.string().min(1),
  /** What to attach, for the telecom appeal's evidence step. */
  evidence: z.string(),
  /** The free-text model: a phrase and its weight. Lower case, as text is matched lower-cased. */
  keywords: z.record(z.string().min(1), z.number().positive()),
  steps: z.array(z.union([Step, BlockRef])).min(1),
});
export type Problem = z.infer<typeof Problem>;

export const AppealCentreEntry = z.object({
  code: z.string().regex(/^[A-Z]{2}$/),
  name: z.string().min(4),
  /** How a reply cites the source, briefly; `sources` keeps the full provenance. */
  cite: z.string().min(2),
  mail: z.string().optional(),
  email: z.string().optional(),
  sources: Sources,
});
export type AppealCentreEntry = z.infer<typeof AppealCentreEntry>;

/** The whole file; exported so tests can check that bad data is refused. */
export const ProcedureData = z
  .object({
    asOf: IsoDate,
    rules: z.array(Rule).min(1),
    channels: z.array(Channel),
    appealCentres: z.object({
      national: z.object({ name: z.string().min(4), sources: Sources }),
      conventionalSuffix: z.string().min(2),
      provinces: z.array(AppealCentreEntry),
      notes: z.array(z.string()),
    }),
    blocks: z.object({ telecomAppeal: z.array(Step).min(1) }),
    problems: z.array(Problem),
  })
  .superRefine((d, ctx) => {
    const issue = (message: string): void => ctx.addIssue({ code: 'custom', message });
    if (d.problems.map((p) => p.id).join() !== PROBLEM_TYPE_IDS.join()) issue(`problems must be exactly ${PROBLEM_TYPE_IDS.join(', ')}, in that order`);
    const rules = new Set(d.rules.map((r) => r.id));
    const channels = d.channels.map((c) => c.id);
    if (new Set(channels).size !== channels.length) issue('duplicate channel id');
    for (const id of ChannelId.options) if (!channels.includes(id)) issue(`channel ${id} missing`);
    const steps = [...d.blocks.telecomAppeal, ...d.problems.flatMap((p) => p.steps.filter(isStep))];
    for (const s of steps) if (s.basis.rule && !rules.has(s.basis.rule)) issue(`unknown rule ${s.basis.rule}`);
    for (const c of d.channels) if (c.rule && !rules.has(c.rule)) issue(`unknown rule ${c.rule}`);
    for (const n of d.channels.flatMap((c) => c.notes)) if (n.rule && !rules.has(n.rule)) issue(`unknown rule ${n.rule}`);
    for (const p of d.problems) {
      if (p.steps.some((s) => !isStep(s)) && !p.evidence) issue(`${p.id} uses the telecom appeal block but names no evidence`);
      for (const k of Object.keys(p.keywords)) if (k !== k.toLowerCase()) issue(`${p.id} keyword ${k} must be lower case`);
    }
  });
export type ProcedureData = z.infer<typeof ProcedureData>;

function isStep(s: Problem['steps'][number]): s is Step {
  return !('use' in s);
}

/** Values for a template's placeholders, already phrased for the audience. */
export type Fill = Record<Exclude<Placeholder, 'evidence'>, string>;

export interface RenderedProcedure {
  problem: Problem;
  audience: Audience;
  steps: string[];
  /** Rules the steps rest on, as citations (name, number, date, articles). */
  citations: string[];
  /** Channels the steps rest on that no rule covers, by name. */
  channels: string[];
  /** Unconfirmed points: staff only; the consumer version leaves them out. */
  unconfirmed: string[];
  asOf: string;
}

export class ProcedureBook {
  readonly asOf: string;
  readonly problems: readonly Problem[];
  readonly channels: readonly Channel[];
  readonly appealCentres: ProcedureData['appealCentres'];
  private readonly rules: Map<string, Rule>;
  private readonly telecomAppeal: readonly Step[];

  constructor(data: ProcedureData) {
    this.asOf = data.asOf;
    this.problems = data.problems;
    this.channels = data.channels;
    this.appealCentres = data.appealCentres;
    this.rules = new Map(data.rules.map((r) => [r.id, r]));
    this.telecomAppeal = data.blocks.telecomAppeal;
  }

  problem(id: ProblemTypeId): Problem {
    return this.problems.find((p) => p.id === id)!;
  }

  channel(id: ChannelId): Channel {
    return this.channels.find((c) => c.id === id)!;
  }

  rule(id: string): Rule | undefined {
    return this.rules.get(id);
  }

  /** Whether a problem goes through the carrier and the telecom appeal centre (so a carrier and province matter). */
  usesTelecomAppeal(id: ProblemTypeId): boolean {
    return this.problem(id).steps.some((s) => !isStep(s));
  }

  /** A problem's steps with the shared blocks expanded. */
  steps(id: ProblemTypeId): Step[] {
    return this.problem(id).steps.flatMap((s) => (isStep(s) ? [s] : this.telecomAppeal));
  }

  render(id: ProblemTypeId, audience: Audience, fill: Fill): RenderedProcedure {
    const problem = this.problem(id);
    const steps = this.steps(id);
    const values: Record<Placeholder, string> = { ...fill, evidence: problem.evidence };
    const text = steps.map((s) => s[audience].replace(PLACEHOLDER, (_, key: Placeholder) => values[key]));
    return {
      problem,
      audience,
      steps: text,
      citations: this.citations(steps, audience),
      channels: this.uncitedChannels(steps),
      unconfirmed: audience === 'staff' ? this.notes(steps).map((n) => n.text) : [],
      asOf: this.asOf,
    };
  }

  /** "《电信用户申诉处理办法》(工业和信息化部令第35号,2016-07-30起施行)第九、十、十一条"; consumers get the name only. */
  citation(rule: Rule, articles: readonly string[] = [], audience: Audience = 'staff'): string {
    if (audience === 'consumer') return `《${rule.name}》`;
    const dates = `${rule.effective}起施行${rule.revised ? `,${rule.revised}修订` : ''}`;
    const cited = articles.length ? `第${[...articles].sort((a, b) => articleNumber(a) - articleNumber(b)).map((a) => a.slice(1, -1)).join('、')}条` : '';
    return `《${rule.name}》(${rule.number},${dates})${cited}`;
  }

  private citations(steps: readonly Step[], audience: Audience): string[] {
    const byRule = new Map<string, Set<string>>();
    for (const s of steps) {
      if (!s.basis.rule) continue;
      const set = byRule.get(s.basis.rule) ?? new Set<string>();
      for (const a of s.basis.articles ?? []) set.add(a);
      byRule.set(s.basis.rule, set);
    }
    return [...byRule].map(([id, articles]) => this.citation(this.rules.get(id)!, [...articles], audience));
  }

  /** The unconfirmed points of every channel the steps rely on, once each. */
  private notes(steps: readonly Step[]): Note[] {
    const ids = new Set(steps.flatMap((s) => s.basis.channels ?? []));
    return [...ids].flatMap((id) => this.channel(id).notes);
  }

  private uncitedChannels(steps: readonly Step[]): string[] {
    const names = new Set<string>();
    for (const s of steps) {
      for (const id of s.basis.channels ?? []) {
        const c = this.channel(id);
        if (!c.rule && !s.basis.rule) names.add(c.name);
      }
    }
    return [...names];
  }
}

const NUMERALS = '一二三四五六七八九';

/** 第十四条 → 14; articles up to 99 are all the curated rules need. */
export function articleNumber(article: string): number {
  const body = article.slice(1, -1);
  const digit = (ch: string | undefined): number => (ch ? NUMERALS.indexOf(ch) + 1 : 0);
  const ten = body.indexOf('十');
  if (ten < 0) return digit(body);
  return (ten === 0 ? 1 : digit(body[0])) * 10 + digit(body[ten + 1]);
}

let shared: ProcedureBook | undefined;

/** The procedures that ship with the bot; validated once, on first use. */
export function procedureBook(): ProcedureBook {
  shared ??= new ProcedureBook(ProcedureData.parse(JSON.parse(readFileSync(dataFile('procedures.json'), 'utf8'))));
  return shared;
}
