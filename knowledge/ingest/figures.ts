import type { Change, Figure } from '../schema.ts';

/**
 * Units bulletins use. A count unit may carry a multiplier and 余 in front
 * ("万件", "亿人次", "9.42万余个"), so units are a multiplier part and a base
 * part rather than a fixed list. A number needs a unit to count as a
 * figure: "12315" or "10000号" are names, not amounts.
 */
const COMPOUND_UNITS = ['件/万户', '元/月', '元/GB', '个百分点', '百分点'];
/** Rates per population ("件/百万用户", "件/亿条", "部/百人"): a count over a scaled base. */
const RATE_UNIT = String.raw`(?:件次|人次|件|个|部|户|次|条|起)\/(?:百万|十万|千万|万|亿|百|千)?(?:用户|人|户|条|件|次|部)`;
const MEASURE_UNITS = ['kWp', 'kWh', 'MWp', 'MW', 'kW', 'GHz', 'MHz', 'Gbps', 'Mbps', 'Tbps', 'GB', 'TB', 'PB', 'km', '%', '‰', '‱', 'G', 'M', 'T', '兆'];
const COUNT_UNITS = [
  '人次', '车次', '台次', '架次', '件次', '户次', '个月', '分钟', '小时', '公里', '千米', '平方米', '皮长公里',
  '个', '家', '场', '起', '件', '人', '条', '次', '户', '元', '天', '日', '项', '封', '名', '站', '座', '处', '套', '台', '辆', '倍',
  '所', '支', '批', '期', '张', '部', '本', '秒', '页', '位', '条次', '款', '分', '份', '万',
];
const MULTIPLIER = '(?:千万|百万|万|亿|千)';

const escapeUnit = (u: string): string => u.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const byLength = (a: string, b: string): number => b.length - a.length;
/** "人" before 工/员 is 人工/人员 ("10086人工服务"), not a head count; 分 is points only when no word goes on. */
const countAlt = (units: readonly string[]): string =>
  units
    .filter((u) => u !== '万')
    .sort(byLength)
    .map((u) => (u === '人' ? '人(?![工员])' : u === '分' ? SCORE_POINTS : u === '份' ? '份(?!额)' : escapeUnit(u)))
    .join('|');
/** 分 as points of a score ("满意度得分82.7分"), not the start of 分公司, 分局, 分类 or 分钟. */
const SCORE_POINTS = '分(?![钟公局行支会类别析配享解散布期批段档级区站之数流])';
const UNIT_ALT = [
  RATE_UNIT,
  ...COMPOUND_UNITS.sort(byLength).map(escapeUnit),
  `${MULTIPLIER}余?(?:${countAlt(COUNT_UNITS)})`,
  `${MULTIPLIER}(?![\\d])`,
  ...MEASURE_UNITS.sort(byLength).map(escapeUnit),
  countAlt(COUNT_UNITS),
].join('|');

const UP_WORDS = '上升|上涨|增长|提升|提高|增加|增多|攀升';
const DOWN_WORDS = '下降|下滑|下跌|降低|减少|回落|压降|缩减';
/** One-character verbs ("同比降12%") only count after a basis word; alone "新增3000个" is a level. */
const SHORT_VERBS = '增|升|涨|降|减|跌';
const DOWN = new RegExp(`^(?:${DOWN_WORDS}|降|减|跌)$`);
/** What a change is measured against: 同比, 环比, or "较上季度", "比上年同期", "与2022年末相比". */
const BASIS = String.raw`(同比|环比|定比|(?<!比)较|(?<![占对相无])比|(?<![参给])与)([^,;。:!?]{0,12}?)(?:相比|比较)?`;

/**
 * One figure: an optional change phrase (同比下降, 较上一季度下降了, or a
 * bare 下降 right before the number), a leading qualifier (超过, 近, 约),
 * the number, a trailing 余/多/+ before or after the unit, the unit, and
 * 以上/以下.
 */
const FIGURE = new RegExp(
  String.raw`(?:(?:${BASIS}(${UP_WORDS}|${DOWN_WORDS}|${SHORT_VERBS})|(${UP_WORDS}|${DOWN_WORDS}))了?\s*)?` +
    String.raw`(超过|不超过|不低于|低于|高于|超|逾|近|(?<![签合预节制公条契特邀相])约)?` +
    String.raw`(?<![\d.A-Za-z/×*第〔\[-])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.])\s*(余|多|\+)?\s*(${UNIT_ALT})(余)?(及以上|以上|及以下|以下)?`,
  'g',
);

/** "与上季度持平", "环比持平": a change of nothing. */
const FLAT = new RegExp(String.raw`(?:${BASIS}|(同比|环比))?(?:基本)?持平`, 'g');

/**
 * "万分之0.31", "千分之1.2": a fraction written in words before the number. Stored
 * as value 0.31 with the sign for its base (‱, ‰, %), so it never reads as a count.
 */
const FRACTION = new RegExp(
  String.raw`(?:(?:${BASIS}(${UP_WORDS}|${DOWN_WORDS}|${SHORT_VERBS})|(${UP_WORDS}|${DOWN_WORDS}))了?\s*)?(万分之|千分之|百分之)(\d+(?:\.\d+)?)(?![\d.])`,
  'g',
);
const FRACTION_SIGN: Record<string, string> = { 万分之: '‱', 千分之: '‰', 百分之: '%' };

/** A place in a league table: "全国第16位", "排名第3", "位居全省第5名". */
const RANK = /(?:在|于)?(全国|全省|全区|全市|全网|全行业|行业内?|同业)?(?:的)?(排名|排|位居|居|位列|列)?第(\d{1,3})(?:位|名|(?=[,;。、)]|$))(?![\d次])/g;

/** Network generations (4G, 5G) look like a number with unit G. */
const GENERATION = /^[2-6]$/;
/** Numbers that name a service rather than count anything, when a unit-like character follows them. */
const SERVICE_NUMBER = /^(?:100\d\d|12\d{3}|9611\d)$/;
const PERIOD_WORDS = String.raw`(?:\d{4}年)?(?:第?[一二三四1-4]季度|本季度|上季度|季度|当季|本月|当月|月度|年度|全年|上半年|下半年|前三季度|同期)`;
const LABEL_TRIM_START = new RegExp(
  String.raw`^(?:其中|累计|共计|合计|共|已经|已|我公司|本公司|我司|全省|全市|全区|全国|我省|我市|我区|目前|截至[^,]*?(?:底|末|日)|同时|并|的|、|各类|各项|各|均|${PERIOD_WORDS}|\d{4}年度?(?![\d月]))+`,
);
const LABEL_TRIM_END =
  /(?:已经|已|累计|共计|共|达到|达|为|是|至|到|超过|超|约|近|逾|了|实现|提升|增长|下降|分别|均|各|都|在|排名|位居|居|较|同比|环比|的|突破|保持在|保持|稳定在|依次)+$/;

/**
 * Measure names the way issue 12 compares them across periods: nouns, not
 * what the regulator did. 受理用户申诉 → 用户申诉 (what was received is the
 * count), 拦截垃圾短彩信 → 垃圾短彩信拦截, 用户关于骚扰电话的投诉 → 骚扰电话投诉,
 * 收费争议方面的申诉占申诉总量 → 收费争议类申诉占比.
 */
const MEASURE_FORMS: ReadonlyArray<[RegExp, string]> = [
  [/^(?:受理|收到|接到|接收|完成)(?=[\p{Script=Han}A-Za-z]{2})(?!总量|总数|量)/u, ''],
  [/^(拦截|处置|清理|关停|封堵)([\p{Script=Han}A-Za-z\d]{2,})$/u, '$2$1'],
  [/^(?:用户)?(?:关于|有关|涉及)([^的]{2,12})的(投诉|申诉|举报|咨询)/u, '$1$2'],
  [/(?:方面|类)的?申诉占(?:申诉)?总量$/u, '类申诉占比'],
  [/方面的申诉/u, '类申诉'],
  [/^对[^,]{1,16}?(?:下达|发出|进行|开展)(?=[\p{Script=Han}]{2})/u, ''],
  [/^(?:下达|发出)(?=[\p{Script=Han}]{2})/u, ''],
  [/^电信(?=用户)/u, ''],
  // "网络质量问题占21.3%": a share, named the way 占比 names it.
  [/(?<![占比])占$/u, '占比'],
  // "各企业申诉率": all companies' measure is the measure.
  [/^(?:各|三家|四家)?(?:基础电信)?企业(?=(?:用户)?(?:申诉|投诉))/u, ''],
];

/** Labels that only say what kind of number follows, not of what. */
const GENERIC_LABEL = /^(?:占比|比例|比重|数量|总数)$|^占[^比]{1,8}$/;

/** A rate or share named right after a figure and stated right after that: the figure only qualifies it. */
const RATE_AFTER = /^[\p{Script=Han}A-Za-z]{0,8}?(?:率|占比|比例|比重)(?:为|达到|达|是)?(?:超过|约|近)?\d/u;

/** A span of the sentence that names someone (a carrier): labels never reach across it. */
export interface Span {
  start: number;
  end: number;
}

export interface FigureOptions {
  /** Carrier names in the sentence: a label starts after them ("浙江移动申告率" → 申告率). */
  names?: readonly Span[];
  /** Figures of the sentences before in the same paragraph: "黑龙江电信为4.18…" measures what they named. */
  prior?: readonly Figure[];
}

/** A figure and where it sits in the sentence, so callers can hand it to the clause it belongs to. */
export interface LocatedFigure extends Span {
  figure: Figure;
}

export function cleanLabel(raw: string): string | undefined {
  // "中国移动和中国联通的季度用户申诉率": the owners before 的 are not part of the measure.
  let label = raw.replace(/\s+/g, '').replace(/^[^的]*?(?:移动|联通|电信|广电|铁塔|公司|企业|单位)的/, '');
  // "…受理中心共受理用户申诉": the office that counted is not the measure; "为老年用户提供一键接入人工服务": nor who it served.
  label = label.replace(/^.*?(?:中心|局|公司|企业|部门|机构)(?:共计|累计|合计|共)?(?=受理|收到|接到|接收|处理|拦截|处置|下达|约谈|发出|开展|转办|转来|转交)/u, '');
  label = label.replace(/^(?:为|向|对|帮助)[^,]{1,12}?提供(?=[\p{Script=Han}A-Za-z]{2})/u, '');
  for (let i = 0; i < 3; i++) {
    label = label.replace(LABEL_TRIM_START, '').replace(LABEL_TRIM_END, '');
    for (const [form, to] of MEASURE_FORMS) label = label.replace(form, to);
  }
  // A carrier's name alone ("重庆联通较去年同期下降…") names the owner, not the measure.
  if (CARRIER_NAME_ONLY.test(label)) return undefined;
  return /[\p{Script=Han}A-Za-z]{2,}/u.test(label) ? label : undefined;
}

const CARRIER_NAME_ONLY = /^\p{Script=Han}{0,6}(?:移动|联通|电信|广电|铁塔|铁通|网通|有线)(?:公司|分公司|集团)?$/u;

/** "从申诉率看,…", and "立案申诉中,涉及省电信公司96件": the clause opening the sentence names what is counted. */
function topicOf(text: string): string | undefined {
  const topic = /(?:从|就)([^,,]{2,10}?)(?:来|上)?看[,,]/.exec(text) ?? /^(?:在)?([^,,\d]{2,10}?)中[,,]/.exec(text);
  return topic ? cleanLabel(topic[1]!) : undefined;
}

/** The counted noun after a figure ("15名驻村干部" → 驻村干部), used when nothing before it names the figure. */
function labelAfter(text: string, from: number): string | undefined {
  const m = /^[\p{Script=Han}A-Za-z]{2,8}/u.exec(text.slice(from).split(/[,;。:、()“”]/)[0] ?? '');
  return m?.[0].replace(/(?:设置|开展|提供|实现|完成|覆盖|服务|达到|的).*$/, '') || undefined;
}

const LABEL_WINDOW = 24;

export function extractFigures(sentence: string, options: FigureOptions = {}): Figure[] {
  return locateFigures(sentence, options).map((f) => f.figure);
}

/**
 * Every statistic in a sentence, in order. Numbers that are names (hotlines,
 * document numbers, dates) and thresholds that only qualify the next figure
 * ("100Mbps及以上用户占比93.53%") are left out; a change keeps the measure it
 * changes as its label.
 */
export function locateFigures(written: string, options: FigureOptions = {}): LocatedFigure[] {
  const sentence = withBracketUnits(written);
  const names = options.names ?? [];
  const found: LocatedFigure[] = [];
  /** Where the words naming a figure at `at` may start: after the clause break, a name, or the last figure. */
  const labelStart = (at: number): number => {
    let from = Math.max(0, at - LABEL_WINDOW);
    const clause = sentence.slice(from, at).search(/[,;。:、()“”][^,;。:、()“”]*$/);
    if (clause >= 0) from += clause + 1;
    for (const n of names) if (n.end <= at && n.end > from) from = n.end;
    for (const f of found) if (f.end <= at && f.end > from && !f.figure.raw.startsWith('第')) from = f.end;
    return from;
  };
  const labelAt = (at: number): string | undefined => cleanLabel(sentence.slice(labelStart(at), at));
  /**
   * A figure whose clause names only its owner ("甘肃电信为2.41件/百万用户") measures what the
   * sentence named before: the last figure in the same unit, or the topic of "从申诉率看,".
   */
  const prior = options.prior ?? [];
  const sameMeasure = (text: string, at: number, unit: string): string | undefined => {
    const before = found.filter((f) => f.end <= at && sameUnit(f.figure.unit, unit) && !f.figure.change && f.figure.label).at(-1);
    if (before) return before.figure.label;
    // "贷款理财类骚扰电话占比最高,为31.2%": the clause before names it.
    const clauses = text.slice(0, at).split(/[,;:]/);
    // The owner named in that clause is not part of the measure ("内蒙古移动申诉量最少,为402件").
    const prevEnd = at - clauses.at(-1)!.length - 1;
    const prevStart = clauses.length > 1 ? prevEnd - clauses.at(-2)!.length : prevEnd;
    const cut = Math.max(prevStart, ...names.filter((n) => n.end > prevStart && n.end <= prevEnd).map((n) => n.end));
    // "各企业申诉率由低到高依次为:河南移动(1.85…)": a clause announcing a list names the measure of its items.
    const previous =
      clauses.length > 1
        ? text
            .slice(cut, prevEnd)
            // "…申诉量居各省公司首位,为812人次": the ranking words are not the measure.
            .replace(/(?:(?:居|位居|位列|排)(?:各[^,]{0,6}?)?)?(?:首位|居首|第一位?|最高|最多|最大|最低|最少|末位)$/, '')
            .replace(/(?:由低到高|由高到低|从低到高|从高到低)?(?:依次|排序|排名)?(?:为|是|如下)?$/, '')
        : '';
    // "内蒙古电信降幅最大,达到11.7%": a change named by its 降幅 (the figure then reads as a change).
    if (/(?:率|量|占比|比例|比重|数|[增降涨升减跌]幅|幅度)$/.test(previous) && !/^(?:从|就)/.test(previous)) {
      const named = cleanLabel(previous.slice(-LABEL_WINDOW));
      // "被举报号码中,中国移动占比最高,为44.1%": a bare 占比 is a share of the sentence's topic.
      const of = named && GENERIC_LABEL.test(named) ? topicOf(text.slice(0, at)) : undefined;
      if (named) return of ? `${of}${named}` : named;
    }
    const topic = topicOf(text.slice(0, at));
    if (topic) return topic;
    return prior.filter((f) => sameUnit(f.unit, unit) && !f.change && f.label).at(-1)?.label;
  };
  const hits: Array<{ start: number; end: number; make: () => LocatedFigure | undefined }> = [];

  for (const m of sentence.matchAll(FIGURE)) {
    const [raw, basis, gap, basisVerb, bareVerb, lead, number, plusBefore, unit, plusAfter, bound] = m;
    if (!number || !unit) continue;
    const numberAt = m.index + raw.indexOf(number, (lead?.length ?? 0) + (raw.length - raw.trimStart().length));
    if (isName(sentence, number, unit, numberAt, m.index + raw.length)) continue;
    if (bound && isThreshold(sentence, m.index + raw.length)) continue;
    // "15秒接通率为91.4%", "100Mbps用户占比93%": a figure that names the rate after it.
    if (!bound && RATE_AFTER.test(sentence.slice(m.index + raw.length))) continue;
    if ((lead === '不低于' || lead === '低于' || lead === '高于') && isThreshold(sentence, m.index + raw.length)) continue;
    hits.push({
      start: m.index,
      end: m.index + raw.length,
      make: () => {
        const value = Number(number.replace(/,/g, ''));
        if (!Number.isFinite(value)) return undefined;
        const unitClean = unit.replace('余', '');
        const verb = basisVerb ?? bareVerb;
        const change = verb ? changeOf(basis, gap, verb) : undefined;
        const qualifier =
          plusBefore === '+'
            ? '+'
            : plusBefore || plusAfter || unit.includes('余')
              ? '余'
              : bound && /以上/.test(bound)
                ? '以上'
                : qualifierOf(lead);
        const figure: Figure = { value, unit: unitClean, raw: raw.trim() };
        // "…最高,达每百万用户12.3人次": the base written before the number is the unit's, not the measure.
        const written = labelAt(m.index);
        const perBase = written && RATE_COUNT_UNIT.test(unitClean) ? PER_BASE_BEFORE.exec(written) : null;
        const own = perBase ? cleanLabel(written!.slice(0, perBase.index)) : written;
        if (perBase) figure.unit = `${unitClean}/${perBase[1]}${perBase[2]}`;
        const generic = own !== undefined && GENERIC_LABEL.test(own);
        const from = labelStart(m.index);
        // "涉及中国移动的号码占比44.1%,中国电信占比25.6%": a bare 占比 after a name is the share named before.
        const fuller = generic && names.some((n) => n.end === from) ? sameMeasure(sentence, m.index, unitClean) : undefined;
        // "涉及移动通信转售企业的占比6.8%": the category the clause is about (no carrier) is whose share it is.
        const about = generic && !fuller ? /^(?:涉及|对)([^,;的]{2,12})的/.exec(sentence.slice(from, m.index)) : null;
        // "其次是房产中介类,占比18.5%": the clause before says of what.
        const clauseBefore = generic && !fuller && !about ? (sentence.slice(0, from).split(/[,;]/).at(-2) ?? '') : '';
        const subject = about
          ? cleanLabel(about[1]!)
          : clauseBefore && !/\d/.test(clauseBefore)
            ? cleanLabel(clauseBefore.replace(/^(?:其次是|其次为|其次|然后是|其中|以及|而)/, '').replace(/中$/, ''))
            : undefined;
        // "被申诉118件,占比28.0%": a share right after a count is that count's share.
        const countBefore = generic && !fuller && !subject ? found.filter((f) => f.end <= m.index && !f.figure.change).at(-1) : undefined;
        // "占申诉总量的8.2%" is a 占比 like any other.
        const share = own?.startsWith('占') ? '占比' : own;
        const shareOf = subject
          ? `${subject}${share}`
          : countBefore && countBefore.figure.unit !== unitClean && countBefore.figure.label
            ? `${countBefore.figure.label}${share}`
            : undefined;
        const label =
          shareOf ??
          // "被举报号码中,中国移动占38.4%": the topic names what the share is of.
          (fuller ? (fuller.endsWith(own!) || /(?:占比|比例|比重)$/.test(fuller) ? fuller : `${fuller}${share}`) : own) ??
          (change
            ? found.length || !prior.length
              ? undefined
              : prior.filter((f) => !f.change && f.label).at(-1)?.label
            : (sameMeasure(sentence, m.index, unitClean) ?? labelAfter(sentence, m.index + raw.length)));
        const stated = change ? undefined : changeInWords(label, sentence.slice(m.index + raw.length));
        const measure = stated ? stated.label : label;
        if (measure) figure.label = measure;
        if (qualifier) figure.qualifier = qualifier;
        if (change ?? stated?.change) figure.change = (change ?? stated?.change)!;
        return { figure, start: m.index, end: m.index + raw.length };
      },
    });
  }
  for (const m of sentence.matchAll(FLAT)) {
    const [raw, basis, gap, bareBasis] = m;
    if (!basis && !bareBasis) continue;
    hits.push({
      start: m.index,
      end: m.index + raw.length,
      make: () => {
        const change = changeOf(basis ?? bareBasis, gap, '持平');
        const figure: Figure = { value: 0, unit: '', raw, change };
        const label = labelAt(m.index);
        if (label) figure.label = label;
        return { figure, start: m.index, end: m.index + raw.length };
      },
    });
  }
  for (const m of sentence.matchAll(FRACTION)) {
    const [raw, basis, gap, basisVerb, bareVerb, word, number] = m;
    hits.push({
      start: m.index,
      end: m.index + raw.length,
      make: () => {
        const verb = basisVerb ?? bareVerb;
        const figure: Figure = { value: Number(number), unit: FRACTION_SIGN[word!]!, raw };
        if (verb) figure.change = changeOf(basis, gap, verb);
        const label = labelAt(m.index) ?? (verb ? found.filter((f) => f.end <= m.index && f.figure.label).at(-1)?.figure.label : undefined);
        if (label) figure.label = label;
        return { figure, start: m.index, end: m.index + raw.length };
      },
    });
  }
  for (const m of sentence.matchAll(RANK)) {
    const [raw, scope, verb, number] = m;
    if (!scope && !verb) continue;
    hits.push({
      start: m.index,
      end: m.index + raw.length,
      make: () => {
        // "申诉率为3.52…,在全国排名第16位": a rank without its own measure ranks the one before it.
        const measure = labelAt(m.index) ?? found.filter((f) => f.end <= m.index).at(-1)?.figure.label;
        const figure: Figure = { value: Number(number), unit: '位', raw, label: `${measure ?? ''}${scope?.replace(/内$/, '') ?? ''}排名` };
        return { figure, start: m.index, end: m.index + raw.length };
      },
    });
  }

  hits.sort((a, b) => a.start - b.start);
  for (const hit of hits) {
    if (found.some((f) => hit.start < f.end && f.start < hit.end)) continue;
    const located = hit.make();
    if (!located) continue;
    inheritFromList(sentence, located, found.at(-1));
    found.push(located);
  }
  const all = withListedNumbers(sentence, found);
  // A change still without a measure changes the last one named before it ("…分别为1.84、3.26件/百万用户,其中重庆联通较去年同期下降0.41件/百万用户").
  all.forEach((f, i) => {
    if (!f.figure.change || f.figure.label) return;
    const named = all.slice(0, i).filter((g) => g.figure.label).at(-1)?.figure.label;
    if (named) f.figure.label = named;
  });
  for (const f of all) {
    const unit = rateUnitOf(f.figure);
    if (unit) f.figure.unit = unit;
  }
  return all;
}

/** "18.2(人次/百万用户)": a rate's unit in brackets right after the number. */
const BRACKET_UNIT = new RegExp(String.raw`((?<![\d.])\d+(?:\.\d+)?)\s*[((]\s*(${RATE_UNIT})\s*[))]`, 'g');

/**
 * The sentence with a bracketed unit read as written after its number
 * ("18.2人次/百万用户"), padded to the same length so that every position
 * found in it is a position in the sentence as written.
 */
function withBracketUnits(sentence: string): string {
  return sentence.replace(BRACKET_UNIT, (all: string, number: string, unit: string) => `${number}${unit}`.padEnd(all.length, ' '));
}

/** A base written right before the number: "申诉率为每百万用户4.3件", "达每百万用户12.3人次". */
const PER_BASE_BEFORE = /(?:为|是|达到|达|约)?每(百万|十万|千万|万|亿|百|千)(用户|户|人|条)$/;
/** Count units a rate's value is written with when the press drops its base ("申诉率为8.4人次"). */
const RATE_COUNT_UNIT = /^(?:人次|件次|件|次|个|起)$/;
/** The population a rate is counted over, as its label names it: 百万用户申诉率, 每万户申诉. */
const RATE_BASE = /(每)?(百万|十万|千万|万|亿|百|千)(用户|户|人|条)/;

/**
 * "百万用户申诉率为8.4人次,同比下降3.1人次": a rate whose value is written
 * with a bare count unit is still the rate, and so is its change. The label
 * gives the base (百万用户申诉率 → 人次/百万用户, 每万户申诉 → 件/万户); a
 * 申诉率 naming no base is MIIT's 用户申诉率, defined per million users.
 * Otherwise the figure would sit beside counts (21537人次) and be compared
 * with them.
 */
function rateUnitOf(f: Figure): string | undefined {
  const rate = f.label ? rateUnitFor(f.label, f.unit) : undefined;
  if (!rate) return undefined;
  f.label = rate.measure;
  return rate.unit;
}

/**
 * The rate unit for a measure whose value is written with a bare count unit (see rateUnitOf),
 * and the measure's name without a base written before the number ("申诉率为每百万用户4.3件"
 * measures 申诉率). Tables use it for headers such as "百万用户申诉率(人次)".
 */
export function rateUnitFor(label: string, unit: string): { unit: string; measure: string } | undefined {
  if (!RATE_COUNT_UNIT.test(unit)) return undefined;
  const named = label.replace(/(?:最高|最低|最多|最少|居首|排名)$/, '');
  const base = RATE_BASE.exec(named);
  if (base && (base[1] || /率$/.test(named))) {
    const measure = label.replace(/(?:为|是)?每(?:百万|十万|千万|万|亿|百|千)(?:用户|户|人|条)$/, '');
    return { unit: `${unit}/${base[2]}${base[3]}`, measure: measure !== label && /[\p{Script=Han}]{2}/u.test(measure) ? measure : label };
  }
  if (/申诉率$/.test(named)) return { unit: `${unit}/百万用户`, measure: label };
  return undefined;
}

/** A unit as written matches one made a rate from it (人次 → 人次/百万用户). */
function sameUnit(unit: string, written: string): boolean {
  return unit === written || unit.startsWith(`${written}/`);
}

/**
 * A figure that only follows a conjunction ("下降了13.9%和14.3%") shares the
 * previous figure's measure and change; a change with no words of its own
 * before it ("185件,同比下降24%") changes the figure before it.
 */
function inheritFromList(sentence: string, f: LocatedFigure, prev: LocatedFigure | undefined): void {
  if (!prev) return;
  const gap = sentence.slice(prev.end, f.start);
  const listed = /^\s*[、和及与]\s*$/.test(gap);
  if (listed) {
    if (!f.figure.change && prev.figure.change && prev.figure.unit === f.figure.unit) f.figure.change = { ...prev.figure.change };
    if (prev.figure.label && prev.figure.unit === f.figure.unit) f.figure.label = prev.figure.label;
    return;
  }
  if (f.figure.change && !f.figure.label && prev.figure.label) f.figure.label = prev.figure.label;
}

/** 分别 and 依次 both pair a list of owners with a list of figures in order. */
const RESPECTIVELY = /分别|依次/;
/** Two or more "name number、" items right before a figure's number: the list whose unit that figure writes. */
const NAMED_LIST = /((?:\p{Script=Han}{2,10}\d+(?:\.\d+)?\s*[、和及与]\s*){2,})(?=\p{Script=Han}{2,10}$)/u;

/**
 * "分别为0.52、0.48和0.61件/百万用户": the numbers before the last one share
 * its unit. Only after 分别 or 依次, where a list of owners promises a list of
 * figures, or where each number follows its owner's name ("网通2.31、移动1.87、…").
 */
function withListedNumbers(sentence: string, found: LocatedFigure[]): LocatedFigure[] {
  const respectively = RESPECTIVELY.test(sentence);
  const out: LocatedFigure[] = [];
  let prevEnd = 0;
  for (const f of found) {
    const before = sentence.slice(prevEnd, f.start);
    const bare = respectively ? /((?:(?<![\d.])\d+(?:\.\d+)?\s*[、和及与]\s*)+)$/.exec(before) : null;
    // "网通2.31、移动1.87、铁通4.12(件/百万用户)": names and numbers in turn, the unit written once after the last.
    const named = bare ? null : NAMED_LIST.exec(before);
    const list = bare && RESPECTIVELY.test(before.slice(0, bare.index)) ? bare : named;
    if (list && f.figure.unit && (list === bare || !f.figure.change)) {
      const base = prevEnd + list.index;
      for (const n of list[1]!.matchAll(/\d+(?:\.\d+)?/g)) {
        const figure: Figure = { value: Number(n[0]), unit: f.figure.unit, raw: n[0] };
        if (f.figure.label) figure.label = f.figure.label;
        if (f.figure.change) figure.change = { ...f.figure.change };
        out.push({ figure, start: base + n.index, end: base + n.index + n[0].length });
      }
      // The label the last figure found was "0.52、0.48和": take the measure from before the list instead.
      const measure = cleanLabel(sentence.slice(Math.max(prevEnd, base - LABEL_WINDOW), base).replace(/[::]\s*$/, '').split(/[,;。:()“”]/).pop() ?? '');
      if (measure) for (const g of [...out.slice(-(list[1]!.match(/\d+(?:\.\d+)?/g)?.length ?? 0)), f]) g.figure.label = measure;
    }
    out.push(f);
    prevEnd = f.end;
  }
  return out;
}

/**
 * A change said around the number rather than before it: "同比增幅为5.2%",
 * "降幅达12.3%", "出现了4.4%的增长". The label loses the change words.
 */
function changeInWords(label: string | undefined, after: string): { change: Change; label: string | undefined } | undefined {
  const noun = label ? /^(.*?)(同比|环比)?(增幅|涨幅|升幅|降幅|减幅|跌幅|(?:上升|上涨|增长|提升|提高|增加|下降|下滑|降低|减少|回落)幅度)$/.exec(label) : null;
  if (noun) {
    const direction = /降|减|跌|滑|落/.test(noun[3]!) ? 'down' : 'up';
    return { change: { basis: (noun[2] as '同比' | '环比' | undefined) ?? '较', direction }, label: cleanLabel(noun[1]!) };
  }
  const verb = /^的(增长|上升|提升|提高|增加|下降|减少|降低|回落)/.exec(after);
  if (!verb) return undefined;
  const rest = (label ?? '').replace(/(?:出现了?|有了?)$/, '');
  const basis = /(同比|环比)$/.exec(rest);
  return {
    change: { basis: (basis?.[1] as '同比' | '环比' | undefined) ?? '较', direction: DOWN.test(verb[1]!) ? 'down' : 'up' },
    label: cleanLabel(rest.replace(/(?:同比|环比)$/, '')),
  };
}

/** Hotlines, dates and document numbers followed by a unit-like character. */
function isName(sentence: string, number: string, unit: string, at: number, end: number): boolean {
  if (unit === 'G' && GENERATION.test(number)) return true;
  const before = sentence[at - 1] ?? '';
  // "第 1 页 共 3 页": page furniture.
  if (unit === '页' && /(?:第|共)\s*$/.test(sentence.slice(Math.max(0, at - 3), at))) return true;
  // "3月15日": a date, not fifteen days.
  if ((unit === '日' || unit === '号') && before === '月') return true;
  // "新华社北京2月12日电", "12日发布": a day of the month, without its month.
  if (unit === '日' && /^(?:电|讯|发布|公布|召开|印发|消息|报道|起|上午|下午|晚)/.test(sentence.slice(end))) return true;
  if (/^\d{4}$/.test(number) && unit === '年') return true;
  // "12315家", "10086号": a service number before a one-character noun, not a count; "118件" is a count.
  return SERVICE_NUMBER.test(number) && /^[人家站台号位]$/.test(unit);
}

/**
 * "100Mbps及以上用户占比93.53%": a bound that the rest of its clause
 * qualifies with a measure and another figure is part of that figure's name.
 */
function isThreshold(sentence: string, from: number): boolean {
  const rest = sentence.slice(from).split(/[,;。!?]/)[0] ?? '';
  return /^的?[\p{Script=Han}A-Za-z]{1,16}?(?:为|达|是|占)?[^\d]{0,6}\d/u.test(rest);
}

function changeOf(basis: string | undefined, gap: string | undefined, verb: string): Change {
  const direction = verb === '持平' ? 'flat' : DOWN.test(verb) ? 'down' : 'up';
  const stated = (gap ?? '').replace(/^(?:于|的)/, '').replace(/(?:的|相比|比较|而言|分别|依次|均|都|各)+$/, '').trim();
  // Only a period is a basis: "较大幅度下降" says how much, not against what.
  const since = /[年季月期周末底初日]/.test(stated) ? stated : '';
  const change: Change = { basis: basisOf(basis, since), direction };
  // 同比 always means the same period a year before; 环比 and 定比 need their base (上月 or 上季度, 2022年末).
  if (since && change.basis !== '同比') change.since = since;
  return change;
}

/** 同比 compares with the same period a year before, 环比 with the period before, 定比 with a fixed date. */
function basisOf(word: string | undefined, since: string): Change['basis'] {
  if (word === '同比' || word === '环比' || word === '定比') return word;
  if (/去年|上年|上一年|同期/.test(since)) return '同比';
  if (/上[一个]?(?:季度|月|周|期)|上季|前一季度/.test(since)) return '环比';
  if (/\d{4}年|年初|年末|年底/.test(since)) return '定比';
  return '较';
}

function qualifierOf(lead: string | undefined): Figure['qualifier'] {
  switch (lead) {
    case '超过':
    case '超':
    case '逾':
    case '高于':
      return '超';
    case '近':
      return '近';
    case '约':
      return '约';
    case '不超过':
      return '不超过';
    case '不低于':
      return '以上';
    default:
      return undefined;
  }
}
