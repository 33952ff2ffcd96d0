import type { GroupId, Region } from '../schema.ts';
import type { RegionIndex } from '../regions.ts';

/** Which carrier a mention names: a group, and the branch's region unless it is the national headquarters. */
export interface CarrierRef {
  group: GroupId;
  region?: Region;
}

export interface Mention {
  start: number;
  end: number;
  ref: CarrierRef;
  /** legal: 中国移动通信集团吉林有限公司 / 中国电信十堰分公司; short: 吉林移动; declared: a (简称"X") alias. */
  form: 'legal' | 'short' | 'declared';
  text: string;
  /** The alias this mention declares with (简称"X") right after it. */
  declares?: string;
}

export function carrierIdOf(ref: CarrierRef): string {
  if (!ref.region) return ref.group;
  const parts: string[] = [ref.group, ref.region.province.toLowerCase()];
  if (ref.region.city) parts.push(ref.region.city);
  return parts.join('-');
}

const LEGAL_PREFIXES: Array<[GroupId, string[]]> = [
  ['cm', ['中国移动通信集团', '中国移动通信有限公司', '中国移动']],
  ['cu', ['中国联合网络通信集团有限公司', '中国联合网络通信有限公司', '中国联合网络通信', '中国联通']],
  ['ct', ['中国电信股份有限公司', '中国电信集团有限公司', '中国电信集团公司', '中国电信']],
  ['cbn', ['中国广播电视网络集团有限公司', '中国广播电视网络有限公司', '中国广电网络股份有限公司', '中国广电']],
];

/** Legal names of the national headquarters, which carry no region. */
const NATIONAL_NAMES: Array<[GroupId, string[]]> = [
  ['cm', ['中国移动通信集团有限公司', '中国移动有限公司']],
  ['cu', ['中国联合网络通信集团有限公司', '中国联合网络通信有限公司']],
  ['ct', ['中国电信集团有限公司', '中国电信股份有限公司']],
  ['cbn', ['中国广播电视网络集团有限公司', '中国广电网络股份有限公司']],
];

const SHORT_WORDS: Array<[GroupId, string, string]> = [
  // The lookahead keeps industry words out: 吉林省电信服务质量通告 is about telecoms, not China Telecom.
  ['cm', '移动', '通信|电话|网络|互联网|用户|业务|终端|支付|语音|数据|宽带|云|办公|应用|号码|通讯|端|化'],
  ['cu', '联通', '性|互'],
  ['ct', '电信', '服务|用户|业务|行业|企业|条例|市场|网络|诈骗|设施|运营|管理|监管|基础|领域|资费|普遍|消费|技术|工程|产业|申诉|终端|号码|监督|主管|和|与|、|及|业|运营商'],
  ['cbn', '广电', '总局|局|部门|行业|系统|节目|媒体|和|与|、'],
];

const DECLARATION = /^\s*[(]\s*(?:以下|下文)?(?:简称|下称|称)[:]?\s*[“"「']?([^”"」'(),,。]{2,16}?)[”"」']?\s*[)]/;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds carriers named in text, in every form bulletins use: legal names at
 * province and city level, 中国X+region+公司, region+group short names, and
 * aliases a document declares with (简称"X").
 */
export class MentionFinder {
  private readonly legal: RegExp;
  private readonly national: RegExp;
  private readonly short: Array<[GroupId, RegExp]>;

  constructor(private readonly regions: RegionIndex) {
    const R = `(?:${regions.names().map(escape).join('|')})`;
    const prefixes = LEGAL_PREFIXES.flatMap(([, ps]) => ps)
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|');
    this.legal = new RegExp(
      `(${prefixes})(${R})(${R})?(网络股份有限公司|网络有限公司|股份有限公司|有限公司|省分公司|市分公司|分公司|公司)(?:(${R})(?:分公司|公司))?`,
      'g',
    );
    const nationals = NATIONAL_NAMES.flatMap(([, ns]) => ns)
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|');
    this.national = new RegExp(`(${nationals})`, 'g');
    this.short = SHORT_WORDS.map(([g, word, excluded]) => [
      g,
      new RegExp(`(${R})(?:省|市)?${word}(?!${excluded})(?:分公司|公司)?`, 'g'),
    ]);
  }

  find(text: string, declared: ReadonlyMap<string, CarrierRef> = new Map()): Mention[] {
    const mentions: Mention[] = [];
    const taken = new Uint8Array(text.length);
    const claim = (m: Mention): void => {
      for (let i = m.start; i < m.end; i++) if (taken[i]) return;
      taken.fill(1, m.start, m.end);
      const decl = DECLARATION.exec(text.slice(m.end));
      if (decl?.[1]) m.declares = decl[1].trim();
      mentions.push(m);
    };

    for (const m of text.matchAll(this.legal)) {
      const group = groupOfPrefix(m[1]!);
      const region = this.combine(m[2]!, m[3], m[5]);
      if (group && region) claim({ start: m.index, end: m.index + m[0].length, ref: { group, region }, form: 'legal', text: m[0] });
    }
    for (const m of text.matchAll(this.national)) {
      const group = NATIONAL_NAMES.find(([, ns]) => ns.includes(m[1]!))?.[0];
      if (group) claim({ start: m.index, end: m.index + m[0].length, ref: { group }, form: 'legal', text: m[0] });
    }
    // Declared aliases before short names: a document's own 简称 is the most specific name it uses.
    for (const [alias, ref] of [...declared].sort((a, b) => b[0].length - a[0].length)) {
      let from = 0;
      for (;;) {
        const at = text.indexOf(alias, from);
        if (at < 0) break;
        from = at + alias.length;
        claim({ start: at, end: at + alias.length, ref, form: 'declared', text: alias });
      }
    }
    for (const [group, re] of this.short) {
      for (const m of text.matchAll(re)) {
        const region = this.combine(m[1]!);
        if (region) claim({ start: m.index, end: m.index + m[0].length, ref: { group, region }, form: 'short', text: m[0] });
      }
    }
    return mentions.sort((a, b) => a.start - b.start);
  }

  /**
   * Turns the region words of a name into a branch region: "湖北省"+"十堰市",
   * a lone city ("十堰" → Hubei's Shiyan) or a province. Contradictions
   * (a city outside the named province) yield nothing.
   */
  private combine(first: string, second?: string, trailing?: string): Region | undefined {
    const a = this.pick(first);
    if (!a) return undefined;
    const cityName = second ?? trailing;
    if (!cityName) return a;
    const b = this.regions.byName.get(cityName)?.find((r) => r.city && r.province === a.province);
    return b ?? (second ? undefined : a);
  }

  private pick(name: string): Region | undefined {
    const found = this.regions.lookup(name);
    return found.length === 1 ? found[0] : undefined;
  }
}

function groupOfPrefix(prefix: string): GroupId | undefined {
  return LEGAL_PREFIXES.find(([, ps]) => ps.includes(prefix))?.[0];
}
