import type { Figure } from '../schema.ts';

/**
 * Units bulletins use. A count unit may carry a multiplier and 余 in front
 * ("万件", "亿人次", "9.42万余个"), so units are a multiplier part and a base
 * part rather than a fixed list. A number needs a unit to count as a
 * figure: "12315" or "10000号" are names, not amounts.
 */
const COMPOUND_UNITS = ['件/百万用户', '人次/百万用户', '个/百万用户', '件/万户', '元/月', '元/GB', '个百分点'];
const MEASURE_UNITS = ['kWp', 'kWh', 'MWp', 'MW', 'kW', 'GHz', 'MHz', 'Gbps', 'Mbps', 'Tbps', 'GB', 'TB', 'PB', 'km', '%', '‰', 'G', 'M', 'T', '兆'];
const COUNT_UNITS = [
  '人次', '车次', '台次', '架次', '件次', '户次', '个月', '分钟', '小时', '公里', '千米', '平方米', '皮长公里',
  '个', '家', '场', '起', '件', '人', '条', '次', '户', '元', '天', '日', '项', '封', '名', '站', '座', '处', '套', '台', '辆', '倍',
  '所', '支', '批', '期', '张', '部', '本', '秒', '页', '位', '条次', '万',
];
const MULTIPLIER = '(?:千万|百万|万|亿|千)';

const escapeUnit = (u: string): string => u.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const byLength = (a: string, b: string): number => b.length - a.length;
const UNIT_ALT = [
  ...COMPOUND_UNITS.sort(byLength).map(escapeUnit),
  `${MULTIPLIER}余?(?:${COUNT_UNITS.filter((u) => u !== '万').sort(byLength).map(escapeUnit).join('|')})`,
  `${MULTIPLIER}(?![\\d])`,
  ...MEASURE_UNITS.sort(byLength).map(escapeUnit),
  ...COUNT_UNITS.filter((u) => u !== '万').sort(byLength).map(escapeUnit),
].join('|');

const CHANGE_WORDS = '上升|增长|提升|提高|增加|下降|降低|减少|回落|压降';
const DOWN = /下降|降低|减少|回落|压降/;

/**
 * One figure: optional 同比/环比 change phrase, a leading qualifier (超过, 近, 约),
 * the number, a trailing 余/多/+ before or after the unit, the unit, and 以上.
 */
const FIGURE = new RegExp(
  String.raw`(?:(同比|环比|定比|较上年|较去年|比上年|较)[^,;。:]{0,12}?(${CHANGE_WORDS})了?\s*)?` +
    String.raw`(超过|不超过|超|逾|近|(?<![签合预节制公条契特邀相])约)?` +
    String.raw`(?<![\d.A-Za-z/×*第-])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.])\s*(余|多|\+)?\s*(${UNIT_ALT})(余)?(以上|及以上)?`,
  'g',
);

/** Network generations (4G, 5G) look like a number with unit G. */
const GENERATION = /^[2-6]$/;
const LABEL_TRIM_START = /^(?:其中|累计|共计|合计|共|已经|已|全年|全省|目前|截至[^,]*|同时|并)+/;
const LABEL_TRIM_END = /(?:已经|已|累计|共计|共|达到|达|为|至|到|超过|超|约|近|逾|了|实现|提升|增长|下降)+$/;

/** The counted noun after a figure ("15名驻村干部" → 驻村干部), used when nothing before it names the figure. */
function labelAfter(text: string, from: number): string | undefined {
  const m = /^[\p{Script=Han}A-Za-z]{2,8}/u.exec(text.slice(from).split(/[,;。:、()“”]/)[0] ?? '');
  return m?.[0].replace(/(?:设置|开展|提供|实现|完成|覆盖|服务|达到|的).*$/, '') || undefined;
}

function labelBefore(text: string, at: number): string | undefined {
  const clause = text.slice(Math.max(0, at - 24), at).split(/[,;。:、()“”]/).pop() ?? '';
  const label = clause.replace(/\s+/g, '').replace(LABEL_TRIM_START, '').replace(LABEL_TRIM_END, '');
  return /[\p{Script=Han}A-Za-z]{2,}/u.test(label) ? label : undefined;
}

export function extractFigures(sentence: string): Figure[] {
  const figures: Figure[] = [];
  for (const m of sentence.matchAll(FIGURE)) {
    const [raw, basis, direction, lead, number, plusBefore, unit, plusAfter, above] = m;
    if (!number || !unit) continue;
    const value = Number(number.replace(/,/g, ''));
    if (!Number.isFinite(value)) continue;
    if (unit === 'G' && GENERATION.test(number)) continue;
    const unitClean = unit.replace('余', '');
    const qualifier =
      plusBefore === '+' ? '+' : plusBefore || plusAfter || unit.includes('余') ? '余' : above ? '以上' : qualifierOf(lead);
    const figure: Figure = { value, unit: unitClean, raw: raw.trim() };
    // A change phrase ("同比下降24%") usually refers to the figure before it in the sentence.
    const label =
      labelBefore(sentence, m.index) ?? (basis ? figures.at(-1)?.label : labelAfter(sentence, m.index + raw.length));
    if (label) figure.label = label;
    if (qualifier) figure.qualifier = qualifier;
    if (basis && direction) figure.change = { basis: basisOf(basis), direction: DOWN.test(direction) ? 'down' : 'up' };
    figures.push(figure);
  }
  return figures;
}

function basisOf(word: string): NonNullable<Figure['change']>['basis'] {
  if (word === '环比' || word === '定比' || word === '较') return word;
  return '同比';
}

function qualifierOf(lead: string | undefined): Figure['qualifier'] {
  switch (lead) {
    case '超过':
    case '超':
    case '逾':
      return '超';
    case '近':
      return '近';
    case '约':
      return '约';
    case '不超过':
      return '不超过';
    default:
      return undefined;
  }
}
