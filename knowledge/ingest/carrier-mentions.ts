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
  /**
   * legal: 中国移动通信集团吉林有限公司 / 中国电信十堰分公司; short: 吉林移动; declared: a (简称"X") alias;
   * local: 省电信公司, 移动公司 — the company of the area the text speaks for, which only its reader knows
   * (found only when asked for, see FindOptions).
   */
  form: 'legal' | 'short' | 'declared' | 'local';
  /** For a local mention: the level its words name (省电信公司 → 省), or none for a bare 移动公司. */
  level?: '省' | '市' | '区';
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
  ['tower', ['中国铁塔股份有限公司', '中国铁塔']],
  ['ctt', ['中国铁通集团有限公司', '中国铁通']],
  ['cnc', ['中国网络通信集团公司', '中国网通集团', '中国网通']],
];

/** Legal names of the national headquarters, which carry no region. */
const NATIONAL_NAMES: Array<[GroupId, string[]]> = [
  ['cm', ['中国移动通信集团有限公司', '中国移动有限公司']],
  ['cu', ['中国联合网络通信集团有限公司', '中国联合网络通信有限公司']],
  ['ct', ['中国电信集团有限公司', '中国电信股份有限公司']],
  ['cbn', ['中国广播电视网络集团有限公司', '中国广电网络股份有限公司']],
  ['tower', ['中国铁塔股份有限公司']],
  ['ctt', ['中国铁通集团有限公司']],
  ['cnc', ['中国网络通信集团公司']],
];

/**
 * Region + word names a branch (吉林移动, 江苏有线, 江苏铁塔), unless the word
 * starts an industry compound: 移动通信, 电信业务, 电信网, 广电总局, 有线电视.
 * These lookaheads list what may follow the word in such compounds; a
 * conjunction after it is decided by what it joins (see industryUse).
 */
const SHORT_WORDS: Array<[GroupId, string, string]> = [
  [
    'cm',
    '移动',
    '通信|电话|网络|互联网|物联网|用户|业务|终端|支付|语音|数据|宽带|云|办公|应用|号码|通讯|端|化|性|式|医疗|政务|警务|执法|设备|基站|信号|流量|视频|智能|转售|虚拟|运营',
  ],
  ['cu', '联通', '性|互|了|着|起|世界'],
  [
    'ct',
    '电信',
    '服务|用户|业务|行业|企业|条例|市场|网(?!上营业厅|厅)|诈骗|设施|设备|运营|管理|监管|基础|领域|资费|普遍|消费|技术|工程|产业|申诉(?![\\d\\s]|率|量|件|数|占比|人次|总量|同比|环比|较|比|共|为|达|中(?!心))|终端|号码|码号|监督|主管|业|局|事业|建设|安全|经营|增值|法|运营商|网络',
  ],
  ['cbn', '广电', '总局|局|厅|部门|行业|系统|节目|媒体|视听|领域|事业|业|部'],
  ['cbn', '有线', '电视|宽带|通信|电话|接入|用户|数字|广播|连接|网|无线|传输|耳机'],
  ['tower', '铁塔', '站|基站|资源|设施|杆|基础|共享|塔'],
  ['ctt', '铁通', ''],
  ['cnc', '网通', ''],
];

/** Words a conjunction after a carrier word can lead to that make it an industry list: 电信和互联网, 广电、通信. */
const INDUSTRY_PARTNER = /^(?:互联网|信息|通信|广播|邮政|网络|计算机|电子|无线电|增值|数据|软件|交通|能源|电力|金融|银行|医疗|教育|IT|ICT)/;
/** A carrier's own measure right after a bare group word. */
const CARRIER_MEASURE = /^(?:的)?(?:用户)?(?:申诉|投诉|申告)(?:率|量)/;
/** A per-carrier measure after 移动用户/电信用户: 申诉率, 投诉量, 满意率. */
const USER_MEASURE = /^用户(?:申诉|投诉|申告)(?:率|量|件数)|^用户满意(?:率|度)/;
/** Carrier words that are also industry nouns by themselves: 电信 (telecoms), 广电 (broadcasting). */
const INDUSTRY_NOUNS = new Set(['电信', '广电']);
const CONJUNCTION = /^\s*[、和及与]\s*/;

const DECLARATION = /^\s*[(]\s*(?:以下|下文)?(?:简称|下称|称)[:]?\s*[“"「']?([^”"」'(),,。]{2,16}?)[”"」']?\s*[)]/;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * 中国移动 … and the press's 中移动/中联通/中电信: only as a word of their own, or
 * after 其中 ("其中中电信为…"); 其中电信用户 is not one.
 */
const BARE_GROUP = /(?:中国|(?:(?<!\p{Script=Han})|(?<=其中))中(?=移动|联通|电信))(移动|联通|电信|广电|铁塔|铁通|网通)(?:通信集团公司|通信集团|集团公司|集团|通信公司|公司)?/gu;
/** "联通云南分公司", "移动吉林公司": the group word first, then the region, then a company suffix. */
const GROUP_FIRST = /(移动|联通|电信|广电|铁塔|铁通|网通)(?=\p{Script=Han}{2})/gu;
/**
 * "省电信公司", "市移动分公司", and a bare "移动公司": a regulator's way of naming the
 * companies of its own area. Only as a name of its own (after punctuation or a word
 * that introduces a subject): 各电信公司, 基础电信公司 are all companies, not one.
 */
const LOCAL_NAME = /(?<=^|[\s\p{P}]|涉及|其中|针对|关于|对|和|与|及|由|是)(?:本(?=[省市区]))?([省市区])?(移动|联通|电信|铁通|广电|网通)(分公司|公司)?/gu;
/**
 * What may follow 省电信 / 市移动 written without 公司 for it to name a company: a list
 * ("省电信、省移动"), or the company as subject ("省移动被申诉", "省联通的申诉量"). 全省电信申诉量
 * is the province's; 全 never starts a local name.
 */
const LOCAL_WITHOUT_SUFFIX = /^(?:[、和及与](?:[省市区])?(?:移动|联通|电信|铁通|广电|网通)|被|的|为|分别|申诉率|申诉量|共)/;
/** What follows a bare 移动公司 that is one company's figures: "移动公司被申诉812人次", "移动公司、电信公司分别…". */
const BARE_LOCAL_FOLLOWS = /^\s*(?:\d|[、和及与](?:移动|联通|电信|铁通|广电|网通)|被|的(?:用户)?(?:申诉|投诉)|为\d|(?:用户)?(?:申诉|投诉)|占|共|分别)/;

/** A bare number between two listed carrier words ("网通2.31、移动1.87"); the conjunction after it is read by listedAfter. */
const LISTED_FIGURE = /^\d+(?:\.\d+)?%?(?=\s*[、和及与])/;

export interface FindOptions {
  /** Also find local names (省电信公司, 移动公司), for a caller that knows whose area the text speaks for. */
  local?: boolean;
}
const GROUP_OF_BARE: Record<string, GroupId> = { 移动: 'cm', 联通: 'cu', 电信: 'ct', 广电: 'cbn', 铁塔: 'tower', 铁通: 'ctt', 网通: 'cnc' };

const LEGAL_SUFFIX = /^(?:网络股份有限公司|网络有限公司|股份有限公司|有限公司|省分公司|市分公司|分公司|公司)/;
const BRANCH_SUFFIX = /^(?:分公司|公司)/;
const OFFICE_SUFFIX = /^(?:[省市]分公司|[省市]公司|分公司|公司)?/;

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
    this.excluded = new Map(SHORT_WORDS.map(([, w, ex]) => [w, new RegExp(ex ? `^(?:${ex})` : '^(?!)')]));
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

  find(text: string, declared: ReadonlyMap<string, CarrierRef> = new Map(), options: FindOptions = {}): Mention[] {
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
    // "联通云南分公司": an old-style branch name, group word first; not after a region ("云南联通昆明分公司" is 云南联通's).
    for (const m of text.matchAll(GROUP_FIRST)) {
      if (m.index > 0 && this.regionBefore(text, m.index)) continue;
      const at = m.index + m[0].length;
      const name = this.regionAt(text, at);
      const suffix = name ? LEGAL_SUFFIX.exec(text.slice(at + name.length)) : null;
      const region = name && suffix ? this.combine(name) : undefined;
      if (!region || !suffix) continue;
      const end = at + name!.length + suffix[0].length;
      claim({ start: m.index, end, ref: { group: groupOfWord(m[1]!), region }, form: 'short', text: text.slice(m.index, end) });
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
    const shorts: Mention[] = [];
    for (const m of text.matchAll(this.shortWords)) {
      const group = groupOfWord(m[0]);
      const after = m.index + m[0].length;
      const name = this.regionBefore(text, m.index);
      // "福建移动用户申诉率": a branch's own measure when the place is its short name; "福建省电信用户申诉受理中心" is the industry.
      const ownMeasure = Boolean(name && !/[省市区州盟县]$/.test(name) && USER_MEASURE.test(text.slice(after)));
      if (!ownMeasure && this.industryUse(m[0], text.slice(after))) continue;
      // "云南省电信申诉486件" is the province's telecoms appeals; "上海电信申诉486人次" is the branch's.
      if (name && /[省市区]$/.test(name) && /^申诉/.test(text.slice(after))) continue;
      const region = name ? this.combine(name) : undefined;
      if (!name || !region) continue;
      const office = OFFICE_SUFFIX.exec(text.slice(after))![0];
      const start = m.index - name.length;
      const mention: Mention = { start, end: after + office.length, ref: { group, region }, form: 'short', text: text.slice(start, after + office.length) };
      const before = mentions.length;
      claim(mention);
      if (mentions.length > before) shorts.push(mention);
    }
    // "江苏电信、移动、联通、广电、铁塔省公司": the region is said once for the whole list.
    for (const head of shorts) {
      let end = head.end;
      for (;;) {
        const next = this.listedAfter(text, end);
        if (!next) break;
        const office = OFFICE_SUFFIX.exec(text.slice(next.end))![0];
        const m: Mention = { start: next.start, end: next.end + office.length, ref: { group: next.group, region: head.ref.region! }, form: 'short', text: text.slice(next.start, next.end + office.length) };
        const before = mentions.length;
        claim(m);
        if (mentions.length === before) break;
        end = m.end;
      }
    }
    // "电信、移动、联通的季度用户申诉率分别为…": a list of bare group words names the groups themselves.
    for (const m of text.matchAll(this.shortWords)) {
      if (m.index > 0 && /[\p{Script=Han}A-Za-z0-9]/u.test(text[m.index - 1]!) && !text.slice(0, m.index).endsWith('其中')) continue;
      const rest = text.slice(m.index + m[0].length);
      if (this.industryUse(m[0], rest)) continue;
      const list = [{ start: m.index, end: m.index + m[0].length, group: groupOfWord(m[0]) }];
      for (let next = this.listedAfter(text, list[0]!.end); next; next = this.listedAfter(text, next.end)) list.push(next);
      // "网通2.31、移动1.87、联通2.95": each word with its figure, then the next word.
      if (list.length === 1) {
        for (let at = list[0]!.end; ; ) {
          const figure = LISTED_FIGURE.exec(text.slice(at));
          const next = figure ? this.listedAfter(text, at + figure[0].length) : undefined;
          if (!next) break;
          list.push(next);
          at = next.end;
        }
      }
      // Alone, only as the subject of a carrier's own measure: "其中移动申诉率降幅最大".
      if (list.length < 2 && !CARRIER_MEASURE.test(rest)) continue;
      for (const w of list) claim({ start: w.start, end: w.end, ref: { group: w.group }, form: 'short', text: text.slice(w.start, w.end) });
    }
    if (options.local) {
      for (const m of text.matchAll(LOCAL_NAME)) {
        // "云南省电信公司" was claimed above as 云南电信; a place name before 省 is never a local name.
        if (m[1] && m.index > 0 && this.regionBefore(text, m.index + 1)) continue;
        const rest = text.slice(m.index + m[0].length);
        if (!m[3]) {
          // Without 公司 only 省电信 / 市移动 (a bare 电信 is the industry) in a company's place.
          if (!m[1] || !LOCAL_WITHOUT_SUFFIX.test(rest) || this.industryUse(m[2]!, rest)) continue;
        }
        // A bare 电信公司 may be any telecoms company ("电信公司应当…"): only as one company among its figures.
        if (!m[1] && !/(?:涉及|其中|针对|关于|对)$/.test(text.slice(0, m.index)) && !BARE_LOCAL_FOLLOWS.test(rest)) continue;
        const local: Mention = { start: m.index, end: m.index + m[0].length, ref: { group: groupOfWord(m[2]!) }, form: 'local', text: m[0] };
        if (m[1]) local.level = m[1] as '省' | '市' | '区';
        claim(local);
      }
    }
    return mentions.sort((a, b) => a.start - b.start);
  }

  /** The bare carrier word right after a conjunction at `from` ("、移动"), when it names a carrier. */
  private listedAfter(text: string, from: number): { start: number; end: number; group: GroupId } | undefined {
    const conj = CONJUNCTION.exec(text.slice(from));
    if (!conj) return undefined;
    const at = from + conj[0].length;
    const word = SHORT_WORDS.find(([, w]) => text.startsWith(w, at))?.[1];
    if (!word || this.industryUse(word, text.slice(at + word.length))) return undefined;
    return { start: at, end: at + word.length, group: groupOfWord(word) };
  }

  /**
   * Whether a carrier word starts an industry term rather than naming a
   * carrier. After a conjunction, for the words that are industry nouns
   * too, it depends on the partner: 电信和互联网 is the industry,
   * 电信、移动、联通 are carriers, 电信、广电行业 is the industry because
   * 广电行业 is.
   */
  private industryUse(word: string, rest: string): boolean {
    if (this.excluded.get(word)!.test(rest)) return true;
    // 联通, 铁塔 … never name an industry on their own: after them a conjunction always lists.
    if (!INDUSTRY_NOUNS.has(word)) return false;
    const conj = CONJUNCTION.exec(rest);
    if (!conj) return false;
    const partner = rest.slice(conj[0].length);
    if (INDUSTRY_PARTNER.test(partner)) return true;
    const next = SHORT_WORDS.find(([, w]) => partner.startsWith(w))?.[1];
    return next ? this.industryUse(next, partner.slice(next.length)) : false;
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

function groupOfWord(word: string): GroupId {
  return SHORT_WORDS.find(([, w]) => w === word)![0];
}

function groupOfPrefix(prefix: string): GroupId | undefined {
  return LEGAL_PREFIXES.find(([, ps]) => ps.includes(prefix))?.[0];
}
