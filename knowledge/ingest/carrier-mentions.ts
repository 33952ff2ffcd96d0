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

const BARE_GROUP = /中国(移动|联通|电信|广电)(?:集团)?/g;
const GROUP_OF_BARE: Record<string, GroupId> = { 移动: 'cm', 联通: 'cu', 电信: 'ct', 广电: 'cbn' };

const LEGAL_SUFFIX = /^(?:网络股份有限公司|网络有限公司|股份有限公司|有限公司|省分公司|市分公司|分公司|公司)/;
const BRANCH_SUFFIX = /^(?:分公司|公司)/;
const OFFICE_SUFFIX = /^(?:分公司|公司)?/;

/**
 * Finds carriers named in text, in every form bulletins use: legal names at
 * province and city level, 中国X+region+公司, region+group short names, and
 * aliases a document declares with (简称"X").
 *
 * It scans from anchors rather than with one huge alternation of ~1,500
 * region names: group words are rare, so it finds them first and then looks
 * for the region name right next to them.
 */
export class MentionFinder {
  private readonly prefixes: RegExp;
  private readonly national: RegExp;
  private readonly shortWords: RegExp;
  private readonly excluded: Map<string, RegExp>;
  private readonly names: Set<string>;
  private readonly maxName: number;

  constructor(private readonly regions: RegionIndex) {
    this.names = new Set(regions.names());
    this.maxName = Math.max(...[...this.names].map((n) => n.length));
    const prefixes = LEGAL_PREFIXES.flatMap(([, ps]) => ps).sort((a, b) => b.length - a.length);
    this.prefixes = new RegExp(prefixes.map(escape).join('|'), 'g');
    const nationals = NATIONAL_NAMES.flatMap(([, ns]) => ns).sort((a, b) => b.length - a.length);
    this.national = new RegExp(nationals.map(escape).join('|'), 'g');
    this.shortWords = new RegExp(SHORT_WORDS.map(([, w]) => w).join('|'), 'g');
    this.excluded = new Map(SHORT_WORDS.map(([, w, ex]) => [w, new RegExp(`^(?:${ex})`)]));
  }

  /** The longest region name starting at `at`. */
  private regionAt(text: string, at: number): string | undefined {
    for (let len = Math.min(this.maxName, text.length - at); len >= 2; len--) {
      const s = text.slice(at, at + len);
      if (this.names.has(s)) return s;
    }
    return undefined;
  }

  /** The longest region name ending right before `end`. */
  private regionBefore(text: string, end: number): string | undefined {
    for (let len = Math.min(this.maxName, end); len >= 2; len--) {
      const s = text.slice(end - len, end);
      if (this.names.has(s)) return s;
    }
    return undefined;
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

    for (const m of text.matchAll(this.prefixes)) {
      const group = groupOfPrefix(m[0]);
      let at = m.index + m[0].length;
      const first = this.regionAt(text, at);
      if (!group || !first) continue;
      at += first.length;
      // "湖北省十堰市分公司": a second region name counts only when a company suffix follows it.
      const next = this.regionAt(text, at);
      const second = next && LEGAL_SUFFIX.test(text.slice(at + next.length)) ? next : undefined;
      if (second) at += second.length;
      const suffix = LEGAL_SUFFIX.exec(text.slice(at));
      if (!suffix) continue;
      at += suffix[0].length;
      // "中国移动通信集团吉林有限公司长春分公司": the city branch follows the provincial company.
      const after = this.regionAt(text, at);
      const branch = after ? BRANCH_SUFFIX.exec(text.slice(at + after.length)) : null;
      const trailing = branch ? after : undefined;
      if (trailing && branch) at += trailing.length + branch[0].length;
      const region = this.combine(first, second, trailing);
      if (region) claim({ start: m.index, end: at, ref: { group, region }, form: 'legal', text: text.slice(m.index, at) });
    }
    for (const m of text.matchAll(this.national)) {
      const group = NATIONAL_NAMES.find(([, ns]) => ns.includes(m[0]))?.[0];
      if (group) claim({ start: m.index, end: m.index + m[0].length, ref: { group }, form: 'legal', text: m[0] });
    }
    // A bare 中国移动 / 中国电信 … is the national group (national bulletins name them so); regional names were claimed above.
    for (const m of text.matchAll(BARE_GROUP)) {
      const group = GROUP_OF_BARE[m[1]!];
      if (group) claim({ start: m.index, end: m.index + m[0].length, ref: { group }, form: 'short', text: m[0] });
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
    for (const m of text.matchAll(this.shortWords)) {
      const group = SHORT_WORDS.find(([, w]) => w === m[0])![0];
      const after = m.index + m[0].length;
      if (this.excluded.get(m[0])!.test(text.slice(after))) continue;
      const name = this.regionBefore(text, m.index);
      const region = name ? this.combine(name) : undefined;
      if (!name || !region) continue;
      const office = OFFICE_SUFFIX.exec(text.slice(after))![0];
      const start = m.index - name.length;
      claim({ start, end: after + office.length, ref: { group, region }, form: 'short', text: text.slice(start, after + office.length) });
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
