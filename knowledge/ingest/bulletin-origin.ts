import type { RegionIndex } from '../regions.ts';
import type { BulletinKind, Period, Region, SourceHints } from '../schema.ts';
import { isNewsOutlet, periodFromBody, regionOfTitle, regulatorFullName, regulatorNamed, type DocumentHead } from './bulletin-meta.ts';
import type { PageMeta } from './noise.ts';
import type { Paragraph } from './paragraphs.ts';
import {
  datelineOf,
  explicitPeriod,
  openingExplicitPeriod,
  openingPeriod,
  parsePeriod,
  periodOfSerial,
  periodsIn,
  publicationOf,
  relativePeriod,
  resolveRelative,
  serialOf,
  statedPeriod,
} from './period.ts';

/**
 * Where a bulletin comes from and what it covers: its region, its issuer and
 * its period, read from the title, the page's 来源 line, the body, the
 * signature and, last, the address the text was fetched from.
 */

export const SPAM_CENTRE = '12321网络不良与垃圾信息举报受理中心';
const NATIONAL_CUE = /全国|工业和信息化部|工信部|信息产业部|各省、自治区、直辖市|基础电信企业集团/;

const provinceNamePattern = new WeakMap<RegionIndex, RegExp>();

/** 北京市 | 北京 | 内蒙古自治区 | 内蒙古 …, longest first. */
function provinceNames(regions: RegionIndex): RegExp {
  let re = provinceNamePattern.get(regions);
  if (!re) {
    const names = regions.provinces.flatMap((p) => [p.name, p.short]).sort((a, b) => b.length - a.length);
    re = new RegExp(`(${names.join('|')})`, 'g');
    provinceNamePattern.set(regions, re);
  }
  return re;
}

function provinceOfName(name: string, regions: RegionIndex): Region | undefined {
  const p = regions.provinces.find((x) => x.name === name || x.short === name);
  return p ? { province: p.code } : undefined;
}

/** 北京市通信管理局 → BJ; 工业和信息化部, 工信部, 信息产业部 → national. */
export function regionOfRegulator(name: string, regions: RegionIndex): Region | undefined {
  if (/^(?:中华人民共和国)?(?:工业和信息化部|工信部|信息产业部)/.test(name)) return { province: 'CN' };
  const m = /^(\S{2,8}?)通信管理局$/.exec(name.trim());
  // 江苏省通信管理局办公室, 江苏省通信管理局网站: the province still says whose it is.
  return (m ? provinceOfName(m[1]!, regions) : undefined) ?? regulatorsInText(name, regions);
}

/** The province the matches name, when they all name the same one. */
function single(found: Array<Region | undefined>): Region | undefined {
  const codes = new Set(found.filter((r): r is Region => r !== undefined).map((r) => r.province));
  return codes.size === 1 ? { province: [...codes][0]! } : undefined;
}

/** Provinces whose 通信管理局 the text names: "北京市通信管理局", "广西通信管理局". */
export function regulatorsInText(text: string, regions: RegionIndex): Region | undefined {
  const names = provinceNames(regions).source;
  const found = [...text.matchAll(new RegExp(`${names}(?:壮族|回族|维吾尔)?(?:自治区)?通信管理局`, 'g'))].map((m) => provinceOfName(m[1]!, regions));
  return single(found);
}

/** "北京地区", "天津全市", "宁夏全区": a province named as the area the text covers. */
export function areaInText(text: string, regions: RegionIndex): Region | undefined {
  const names = provinceNames(regions).source;
  const found = [...text.matchAll(new RegExp(`${names}(?:地区|全市|全省|全区|境内|辖区)`, 'g'))].map((m) => provinceOfName(m[1]!, regions));
  return single(found);
}

export function regionOfUrl(url: string | undefined, regions: RegionIndex): Region | undefined {
  if (!url) return undefined;
  try {
    return regions.regionOfHost(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

export interface OriginContext {
  head: DocumentHead;
  /** The text's paragraphs after noise, title included. */
  paragraphs: readonly Paragraph[];
  meta: PageMeta;
  hints: SourceHints;
  regions: RegionIndex;
  /** Provinces of the province (or city) branches the text names. */
  carrierRegions: readonly Region[];
  /** The region of the carrier a report or story is about. */
  subjectRegion?: Region;
  /** Whether the text speaks with the regulator's voice (an official bulletin, or news retelling one). */
  regulatorVoice: boolean;
}

/**
 * The region, most direct evidence first. A story about one carrier belongs
 * to that carrier's area; a text in the regulator's voice to the province in
 * its title, its 来源 line, its issuer or signature, the regulators or areas
 * its body names, the branches it names, the site it came from, and to the
 * nation when it speaks of 全国 / 工业和信息化部 and of no province.
 * Undefined when nothing tells.
 */
export function readRegion(ctx: OriginContext): Region | undefined {
  const { head, paragraphs, meta, hints, regions } = ctx;
  const titleRegion = regionOfTitle(head.title, regions);
  const province = (r: Region | undefined): Region | undefined => (r?.city ? { province: r.province } : r);
  const body = paragraphs.filter((p) => !head.titleParagraphs.includes(p.n)).map((p) => p.text).join('\n');
  const source = meta.source ? regionOfRegulator(meta.source, regions) : undefined;
  const fromTitleIssuer = head.issuer ? regionOfRegulator(head.issuer, regions) : undefined;
  const signed = regulatorNamed(paragraphs);
  const signature = signed ? regionOfRegulator(signed, regions) : undefined;

  if (!ctx.regulatorVoice) {
    return ctx.subjectRegion ?? titleRegion ?? source ?? regulatorsInText(body, regions) ?? regionOfUrl(hints.url, regions) ?? { province: 'CN' };
  }
  return (
    province(titleRegion) ??
    source ??
    fromTitleIssuer ??
    signature ??
    regulatorsInText(body, regions) ??
    areaInText(body, regions) ??
    single(ctx.carrierRegions.map((r) => ({ province: r.province }))) ??
    regionOfUrl(hints.url, regions) ??
    (NATIONAL_CUE.test(`${head.title}\n${body}`) || /12321/.test(`${head.title}\n${body}`) ? { province: 'CN' } : undefined)
  );
}

export function readIssuer(
  kind: BulletinKind,
  region: Region,
  ctx: Pick<OriginContext, 'head' | 'paragraphs' | 'meta' | 'regions'>,
  byline: string | undefined,
  carrierLegalName: string | undefined,
): string {
  const { head, paragraphs, meta, regions } = ctx;
  const opening = paragraphs.slice(0, 6).map((p) => p.text).join('\n');
  if (kind === 'carrier_report' && carrierLegalName) return carrierLegalName;
  if (kind === 'news') {
    // A story is issued by its outlet (the masthead, the site, 据X, X讯), with the reporter its byline names;
    // a reporter alone only when no outlet is named.
    const site = meta.source && !/^本(?:站|网)|^(?:网站|原创|转载)$/.test(meta.source) ? meta.source : undefined;
    const outlet = site ?? outletOfLead(opening);
    if (outlet) return byline ? `${outlet} ${byline}` : outlet;
    return byline ?? meta.author ?? head.issuer ?? '新闻报道';
  }
  if (/12321/.test(head.title) || (/垃圾信息|不良信息/.test(head.title) && /12321/.test(opening))) return SPAM_CENTRE;
  const same = (name: string | undefined): string | undefined => {
    if (!name) return undefined;
    const r = regionOfRegulator(name, regions);
    if (!r || r.province !== region.province) return undefined;
    // 吉林省通信管理局办公室 → 吉林省通信管理局: the office speaks for the administration.
    const m = /工业和信息化部|工信部|信息产业部|[\p{Script=Han}]{2,12}?通信管理局/u.exec(name.replace(/^中华人民共和国/, ''));
    return regulatorFullName(m ? m[0] : name);
  };
  const named = same(head.issuer) ?? same(meta.source) ?? same(regulatorNamed(paragraphs));
  if (named) return named;
  const all = paragraphs.map((p) => p.text).join('\n');
  if (region.province === 'CN') return /信息产业部/.test(all) && !/工业和信息化部|工信部/.test(all) ? '信息产业部' : '工业和信息化部';
  // Provincial 电信服务质量通告 are issued by the province's communications administration.
  const p = regions.province(region.province);
  return p ? `${p.name}通信管理局` : '通信管理局';
}

/**
 * "据工信微报,…", "据人民网报道", "通信产业网讯 …": the outlet a story credits. Only an
 * organisation: 据了解 / 据悉 / 据统计 name no one.
 */
function outletOfLead(text: string): string | undefined {
  const credited = /(?:^|\n)据([\p{Script=Han}A-Za-z0-9]{2,12}?)(?:消息|报道|发布|微信公众号)?[,,]/u.exec(text)?.[1];
  if (credited && isOrganisation(credited)) return credited;
  // 本报讯 names the masthead, which the page head carries, not the lead.
  // "新浪科技讯 5月12日上午消息": a wire line names its outlet, whatever the outlet is called.
  const wire = /(?:^|\n)([\p{Script=Han}A-Za-z0-9]{2,12}?)讯[\s(]/u.exec(text)?.[1];
  if (wire && wire !== '本报' && !/[资快简通电短喜视]$/.test(wire)) return wire;
  // 【通信产业网】, 【环球网科技综合报道】: the outlet in brackets before the lead.
  const bracketed = /(?:^|\n)【([\p{Script=Han}A-Za-z0-9]{2,12}?)(?:讯|消息|综合报道|报道)?】/u.exec(text)?.[1];
  return bracketed && isOrganisation(bracketed) ? bracketed : undefined;
}

/** A newsroom, a regulator, the 12321 centre or a carrier group: who can issue a story or a bulletin. */
function isOrganisation(name: string): boolean {
  return isNewsOutlet(name) || /通信管理局|工业和信息化部|工信部|信息产业部|12321|中国(?:移动|联通|电信|广电|铁塔)|微报|公众号|站$/.test(name);
}

export type PeriodReading = { period: Period } | { refusal: string };

/**
 * The period, most reliable first: an explicit period in the title; the
 * body's statement of what it reports on (现将2023年第三季度…通告如下),
 * which also decides when the title has only a serial (2023年第4号); the
 * title's plain year; a period named without its year (今年一季度) dated by
 * the text's dateline or publication date; the body's 截至 dates and years.
 */
export function readPeriod(ctx: Pick<OriginContext, 'head' | 'paragraphs' | 'meta' | 'hints'>): PeriodReading {
  const { head, paragraphs, meta, hints } = ctx;
  const inTitle = explicitPeriod(head.title);
  if (inTitle) return { period: inTitle };
  const rest = paragraphs.filter((p) => !head.titleParagraphs.includes(p.n));
  const lead = head.fromLead ? [head.title, ...rest.slice(0, 10).map((p) => p.text)] : rest.slice(0, 10).map((p) => p.text);
  const titleYear = parsePeriod(head.title);
  const stated = statedPeriod(lead);
  if (stated && (!titleYear || titleYear.year === stated.year)) return { period: stated };
  if (titleYear) {
    const part = openingPeriod(rest.slice(0, 3).map((p) => p.text), rest.map((p) => p.text));
    return { period: part ? part.part(titleYear.year) : titleYear };
  }
  const opens = openingExplicitPeriod(rest.slice(0, 6).map((p) => p.text));
  if (opens) return { period: opens };

  const near = [head.title, ...rest.slice(0, 4).map((p) => p.text)].join('\n');
  const rel = relativePeriod(near);
  if (rel) {
    const published =
      datelineOf(rest.slice(0, 4).map((p) => p.text).join('\n')) ??
      publicationOf(meta.publishedAt) ??
      publicationOf(hints.publishedAt) ??
      datelineOf(rest.slice(-3).map((p) => p.text).join('\n'));
    if (published) return { period: resolveRelative(rel, published) };
    // A year the text states elsewhere, with the same part of the year, is no guess.
    const sameElsewhere = periodsIn(rest.map((p) => p.text).join('\n')).find((f) => f.explicit && JSON.stringify(rel.part(f.period.year)) === JSON.stringify(f.period));
    if (sameElsewhere) return { period: sameElsewhere.period };
    // No date, but a serial number (2023年第3号, in the title or a line of its own) says the year.
    const serial = [head.title, ...paragraphs.slice(0, 6).filter((p) => p.text.length <= 24).map((p) => p.text)].map(serialOf).find(Boolean);
    if (serial) return { period: periodOfSerial(rel, serial) };
    return { refusal: `无法判断年份:文中只写了“${rel.words}”,没有写明是哪一年,也没有日期行或发布日期。请在文中补上年份(如“2025年第一季度”)后再导入` };
  }
  const fallback = periodFromBody(rest.map((p) => p.text).join('\n'));
  return fallback ? { period: fallback } : { refusal: '无法判断通告所属的时期:标题和正文都没有写明年份或季度' };
}
