import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Region } from './schema.ts';
import { dataFile } from './paths.ts';

const City = z.object({
  id: z.string().regex(/^[a-z]+$/),
  name: z.string().min(2),
  short: z.string().min(1),
  en: z.string().min(2),
  aliases: z.array(z.string()),
  level: z.literal('county').optional(),
});
export type City = z.infer<typeof City>;

const Province = z.object({
  code: z.string().regex(/^[A-Z]{2}$/),
  name: z.string().min(2),
  short: z.string().min(2),
  en: z.string().min(2),
  enAliases: z.array(z.string()),
  kind: z.enum(['province', 'municipality', 'autonomous_region']),
  /** Host prefixes of the province's 通信管理局 site under miit.gov.cn ("bjca" in bjca.miit.gov.cn). */
  regulatorHosts: z.array(z.string().regex(/^[a-z]+$/)).default([]),
  cities: z.array(City),
});
export type Province = z.infer<typeof Province>;

const RegionTable = z.object({
  asOf: z.string(),
  source: z.string(),
  provinces: z.array(Province).length(31),
});

/** A province, or a city inside one, found by name. */
export interface RegionMatch {
  region: Region;
  /** The name as matched, for messages. */
  name: string;
}

export class RegionIndex {
  readonly provinces: readonly Province[];
  private readonly byCode = new Map<string, Province>();
  /** Every written form of every province and city (吉林, 吉林省, 长春, 长春市, 延边州 …). */
  readonly byName = new Map<string, Region[]>();

  constructor(provinces: Province[]) {
    this.provinces = provinces;
    for (const p of provinces) {
      this.byCode.set(p.code, p);
      for (const n of new Set([p.name, p.short])) this.add(n, { province: p.code });
      for (const c of p.cities) {
        for (const n of new Set([c.name, c.short, ...c.aliases, ...cityForms(c)])) {
          this.add(n, { province: p.code, city: c.id });
        }
      }
    }
  }

  private add(name: string, region: Region): void {
    const list = this.byName.get(name) ?? [];
    if (!list.some((r) => r.province === region.province && r.city === region.city)) list.push(region);
    this.byName.set(name, list);
  }

  province(code: string): Province | undefined {
    return this.byCode.get(code);
  }

  city(code: string, cityId: string): City | undefined {
    return this.byCode.get(code)?.cities.find((c) => c.id === cityId);
  }

  /** Short Chinese label: "吉林", "湖北十堰", "全国". */
  label(region: Region | undefined): string {
    if (!region || region.province === 'CN') return '全国';
    const p = this.byCode.get(region.province);
    if (!p) return region.province;
    const c = region.city ? this.city(region.province, region.city) : undefined;
    return c ? `${p.short}${c.short}` : p.short;
  }

  /**
   * How the area's own documents say "the whole area": 全省, 全市 for a
   * municipality or a city, 全区 for an autonomous region, 全州/全盟/全地区
   * for those prefectures, 全国 for national scope.
   */
  scopeWord(region: Region | undefined): string {
    if (!region || region.province === 'CN') return '全国';
    const c = region.city ? this.city(region.province, region.city) : undefined;
    if (c) {
      if (c.name.endsWith('自治州')) return '全州';
      if (c.name.endsWith('盟')) return '全盟';
      if (c.name.endsWith('地区')) return '全地区';
      return '全市';
    }
    const kind = this.byCode.get(region.province)?.kind;
    return kind === 'municipality' ? '全市' : kind === 'autonomous_region' ? '全区' : '全省';
  }

  /** The whole area as an owner of figures: "吉林全省", "北京全市", "内蒙古全区", "湖北十堰全市", "全国". */
  wholeLabel(region: Region | undefined): string {
    const scope = this.scopeWord(region);
    return scope === '全国' ? scope : `${this.label(region)}${scope}`;
  }

  /**
   * The province whose 通信管理局 publishes at this host (bjca.miit.gov.cn → BJ),
   * national scope for MIIT's own hosts (www.miit.gov.cn), otherwise undefined.
   */
  regionOfHost(host: string): Region | undefined {
    const h = host.toLowerCase().replace(/\.$/, '');
    if (!/(?:^|\.)miit\.gov\.cn$/.test(h)) return undefined;
    const prefix = h.split('.')[0]!;
    const p = this.provinces.find((x) => x.regulatorHosts.includes(prefix));
    if (p) return { province: p.code };
    return h === 'miit.gov.cn' || prefix === 'www' ? { province: 'CN' } : undefined;
  }

  /** All region names, longest first, for building text matchers. */
  names(): string[] {
    return [...this.byName.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  }

  /**
   * Resolves a name; a province wins over a city with the same name (吉林省 vs 吉林市)
   * because carrier names use the province sense.
   */
  lookup(name: string): Region[] {
    const found = this.byName.get(name) ?? [];
    const provinces = found.filter((r) => !r.city);
    return provinces.length ? provinces : found;
  }
}

/** Forms a city takes in running text besides its listed names: 长春 → 长春市, 延边 → 延边州. */
function cityForms(c: City): string[] {
  const forms: string[] = [];
  if (c.name.endsWith('市')) forms.push(`${c.short}市`);
  if (c.name.endsWith('自治州')) forms.push(`${c.short}州`);
  if (c.name.endsWith('地区')) forms.push(`${c.short}地区`);
  if (c.name.endsWith('盟')) forms.push(`${c.short}盟`);
  return forms.filter((f) => f !== c.short);
}

let shared: RegionIndex | undefined;

export function regionIndex(): RegionIndex {
  if (!shared) {
    const raw: unknown = JSON.parse(readFileSync(dataFile('regions.json'), 'utf8'));
    shared = new RegionIndex(RegionTable.parse(raw).provinces);
  }
  return shared;
}
