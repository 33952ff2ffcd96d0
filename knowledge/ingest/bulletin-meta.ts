import type { BulletinKind, Period, Region } from '../schema.ts';
import type { RegionIndex } from '../regions.ts';
import type { PageMeta } from './noise.ts';
import type { Paragraph } from './paragraphs.ts';

export { parsePeriod, periodCode, periodLabel } from './period.ts';

/**
 * Without a period in the title, the latest "截至YYYY年M月" date tells what a
 * report covers; failing that, the year the text mentions most.
 */
export function periodFromBody(text: string): Period | undefined {
  const asOf = [...text.matchAll(/截至\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月)?/g)].map((m) => ({
    year: Number(m[1]),
    month: m[2] ? Number(m[2]) : 12,
  }));
  if (asOf.length) {
    const latest = asOf.sort((a, b) => b.year - a.year || b.month - a.month)[0]!;
    return latest.month <= 6 ? { year: latest.year, half: 1 } : { year: latest.year };
  }
  const years = new Map<number, number>();
  for (const m of text.matchAll(/(?<!\d)((?:19|20)\d{2})\s*年/g)) years.set(Number(m[1]), (years.get(Number(m[1])) ?? 0) + 1);
  const top = [...years].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
  return top ? { year: top[0] } : undefined;
}

/** A serial number: "2008年第3号", "(2016年第1号)". */
const SERIAL = String.raw`[((]?\s*(?:19|20)\d{2}\s*年\s*(?:度\s*)?第\s*[\d一二三四五六七八九十]+\s*[号期]\s*[))]?`;
const SERIAL_LINE = new RegExp(`^${SERIAL}$`);
const OFFICIAL_TITLE = new RegExp(
  String.raw`(?:通告|通报|公告)\s*(?:${SERIAL})?$|服务质量(?:通告|通报)|(?:通告|通报)(?:\(|$)|(?:投诉|举报)情况(?:盘点|通报|分析)|情况盘点$`,
);
const REPORT_TITLE = /(?:服务质量|服务)(?:状况)?报告/;
const NEWS_MARKERS = /记者|通讯员|本报讯|新华社|纪实|专访|报道|编辑[:/]|来源[:]/;
const REGULATOR = /(工业和信息化部|工信部|信息产业部|[\p{Script=Han}]{2,8}?通信管理局)/u;
/** Document numbers: 工信部信管函〔2024〕299号, 浙通管服[2024]86号. */
const DOC_NUMBER = /^\S{0,16}[〔\[(]\s*\d{4}\s*[〕\])]\s*\d{1,4}\s*号$/;
const DATE_LINE = /^(?:(?:19|20)\d{2}|[〇零○一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*(?:[\d一二三四五六七八九十]{1,3}\s*日)?$|^\d{4}-\d{1,2}-\d{1,2}$/;
/**
 * A newsroom's lead: 本报讯, 新浪科技讯, 新华社北京5月6日电, 本报记者, (通讯员 X 记者 Y).
 * A wire dateline is a place and a date between 社 and 电, with no punctuation:
 * "为加强社会监督,促进本市电信…" only happens to hold 社 and 电.
 */
const WIRE_LEAD = /^(?:本报讯|[\p{Script=Han}A-Za-z]{2,12}讯[\s(]|[\p{Script=Han}]{2,8}社[\p{Script=Han}]{0,8}(?:\d{1,2}月\d{1,2}日)?电(?![信话力视脑子])|本报记者)|^\S{0,12}[(](?:本报)?(?:记者|通讯员)\s*\S{2,4}/u;

/** A lead that speaks of the bulletin's release in the third person: 工业和信息化部日前通报了…, 近日发布了…. */
const RETOLD = /(?:日前|近日|近期|今天|今日)[^。,]{0,6}(?:发布|通报|公布)了/;
/** A bulletin speaking of its own office (我局近日通报了…) is no story. */
function retold(lead: string): boolean {
  return RETOLD.test(lead) && !/我局|本局|我部|本部|我厅/.test(lead);
}
const BYLINE = /^(?:本报)?(?:记者|通讯员)|^(?:文|图)[/:]|^(?:新华社|中新社|人民网|央广网)\S{0,12}电/;
/** A title that only says what the document is, with its serial: 信息产业部通告2008年第3号, 通告. */
const GENERIC_TITLE = new RegExp(`^(?:(?:中华人民共和国)?(?:工业和信息化部|工信部|信息产业部|\\S{2,12}?通信管理局))?\\s*(?:通告|公告)\\s*(?:${SERIAL})?$`);

/** 来源:人民网 / 江苏经济报 / 新华社 is a newsroom; 来源:本站 or a regulator is the site itself. */
export function isNewsOutlet(source: string): boolean {
  if (/^本(?:站|网)|^(?:网站|原创|转载)$/.test(source) || REGULATOR.test(source) || /12321/.test(source)) return false;
  return /报|网|新闻|电视|广播|社|频道|客户端|微报|公众号|传媒|时报|在线/.test(source);
}

export interface DocumentHead {
  title: string;
  /** Paragraph numbers that make up the title block (empty when the title was taken from a news lead). */
  titleParagraphs: number[];
  kind: BulletinKind;
  /** An issuer the head names: before 关于 in the title, or a 信息产业部通告 / masthead line. */
  issuer?: string;
  /** No title line: the title was made from the news lead's first clause. */
  fromLead: boolean;
}

export type HeadReading = { head: DocumentHead } | { refusal: string };

function isPreamble(t: string): boolean {
  // Menu entries a page left behind (电信管理, 互动交流) are shorter than any title.
  return t.length < 6 || SERIAL_LINE.test(t) || DOC_NUMBER.test(t) || DATE_LINE.test(t) || /^(?:\S{2,16})?文件$/.test(t) || isRegulatorLine(t) || /^(?:通告|公告|通报)$/.test(t);
}

function isRegulatorLine(t: string): boolean {
  const bare = t.replace(/^中华人民共和国/, '').replace(/文件$/, '');
  const m = REGULATOR.exec(bare);
  return Boolean(m && m[0] === bare);
}

function titleLike(t: string): boolean {
  return t.length <= 80 && !/[。;]$/.test(t) && !/[:]$/.test(t) && !/。./.test(t);
}

/** "申诉率持续走低 宽带问题占比上升" under "浙江通报上半年电信服务质量", with the story's lead after it. */
function isSecondHeadline(line: string, after: string | undefined): boolean {
  if (line.length > 30 || /[。,;:!?]/.test(line) || isPreamble(line) || BYLINE.test(line) || /通告|通报|公告|报告/.test(line)) return false;
  return after !== undefined && after.length >= 40 && /[。]/.test(after);
}

/** "浙江省通信管理局关于…", "信息产业部通告…": the issuer a title starts with. */
export function issuerInTitle(title: string): string | undefined {
  const m = /^(?:中华人民共和国)?(工业和信息化部|工信部|信息产业部|[\p{Script=Han}]{2,12}?通信管理局)(?:关于|通告|公告|通报|发布|公布)/u.exec(title);
  if (!m) return undefined;
  return m[1] === '工信部' ? '工业和信息化部' : m[1];
}

/**
 * Finds the title and the kind of document. The title is the first
 * title-like paragraph, after preamble lines (document numbers, serials,
 * dates, a regulator's masthead); a following "——subtitle" joins it. A text
 * that opens with running prose has no title line: a news lead, whose
 * first clause stands in for the title.
 */
export function readHead(paragraphs: readonly Paragraph[], meta: PageMeta = { newsroom: false }): HeadReading {
  if (paragraphs.length === 0) return { refusal: '没有找到正文:去掉网页导航等内容后没有剩下文字' };
  let issuer: string | undefined;
  let i = 0;
  for (; i < Math.min(paragraphs.length, 12); i++) {
    const t = paragraphs[i]!.text;
    if (!isPreamble(t)) break;
    if (isRegulatorLine(t)) issuer ??= regulatorFullName(t.replace(/^中华人民共和国/, '').replace(/文件$/, ''));
  }
  const first = paragraphs[i];
  if (!first) return { refusal: '只找到文号、日期等版头,没有找到标题和正文' };
  const opening = paragraphs.slice(0, 8).map((p) => p.text).join('\n');
  // A regulator's own page has an editor line too (责任编辑); under its own 来源 that makes no story.
  const ownPage = meta.source !== undefined && REGULATOR.test(meta.source);
  const newsCue =
    NEWS_MARKERS.test(opening.replace(/来源[:][^\n]*/g, ownPage ? '' : '$&')) ||
    (meta.newsroom && !ownPage) ||
    Boolean(meta.author) ||
    (meta.source !== undefined && isNewsOutlet(meta.source)) ||
    retold(paragraphs[i + 1]?.text ?? '');

  if (!titleLike(first.text)) return leadHead(first, issuer);

  let titleParts = [first];
  let j = i + 1;
  // 信息产业部通告 / 2008年第3号 / 关于2007年第四季度电信服务质量的通告: the fuller line is the title.
  if (GENERIC_TITLE.test(first.text)) {
    issuer ??= issuerOfGeneric(first.text);
    const serials: Paragraph[] = [];
    while (paragraphs[j] && isPreamble(paragraphs[j]!.text)) serials.push(paragraphs[j++]!);
    const fuller = paragraphs[j];
    if (fuller && titleLike(fuller.text) && /关于|服务质量|通告|通报/.test(fuller.text)) {
      titleParts = [fuller];
      j++;
    } else {
      // No fuller line: the serial is what tells this 通告 from the others.
      titleParts.push(...serials.filter((p) => SERIAL_LINE.test(p.text)).slice(0, 1));
    }
  } else if (!/通告|通报|公告|报告|盘点|[—-]{2}/.test(first.text)) {
    // 中国联合网络通信有限公司四川省分公司 / 2024年上半年电信服务质量状况报告: a name line, then what it is.
    const next = paragraphs[j];
    if (next && titleLike(next.text) && next.text.length <= 40 && /报告|通告|通报/.test(next.text) && !isPreamble(next.text)) {
      titleParts.push(next);
      j++;
    }
  }
  const sub = paragraphs[j];
  if (sub && /^[—-]{1,2}/.test(sub.text)) titleParts.push(sub);
  // A newspaper's two-line headline: a short second line, then the story.
  else if (sub && newsCue && titleParts.length === 1 && isSecondHeadline(sub.text, paragraphs[j + 1]?.text)) titleParts.push(sub);
  const title = cleanTitle(titleParts.map((p) => p.text).join(titleParts.length === 2 && !/^[—-]/.test(titleParts[1]!.text) ? ' ' : ''));
  const mainLine = cleanTitle(titleParts[0]!.text);
  issuer = issuerInTitle(mainLine) ?? issuer;

  let kind: BulletinKind;
  // 工信部发布2024年第三季度电信服务质量通告, under a reporter's byline, is a story about the bulletin.
  // A colon inside the title is a newsroom's (工信部:…, …通报:湖北移动申诉率最低); a bulletin's title has none.
  // A lead that opens as a newsroom's (本报讯, 新华社北京电, (记者 X)) makes a story of a headline;
  // a bulletin's own formal title (…关于…的通告, 通告(2023年第3号)) printed in full is still the bulletin.
  const formal = /^关于|关于\S*(?:通告|通报|公告)/.test(mainLine) || Boolean(issuerInTitle(mainLine)) || GENERIC_TITLE.test(mainLine) || new RegExp(SERIAL).test(mainLine);
  const wire = !formal && paragraphs.slice(j, j + 2).some((p) => WIRE_LEAD.test(p.text));
  const headline = wire || (newsCue && /(?<!关于)(?:发布|公布)|出炉|显示|解读|获悉|[:]\s*\S/.test(mainLine));
  if ((OFFICIAL_TITLE.test(mainLine) || GENERIC_TITLE.test(mainLine)) && !headline) kind = 'official';
  // The 12321 centre's own reviews: 12321举报中心2023年第四季度垃圾信息举报受理情况.
  else if (/12321/.test(mainLine) && !newsCue) kind = 'official';
  else if (REPORT_TITLE.test(title) && !newsCue) kind = 'carrier_report';
  else if (newsCue || /[—-]{2}/.test(title)) kind = 'news';
  // 北京市通信管理局通报2024年第三季度电信服务质量情况: the regulator's own release.
  else if (issuerInTitle(mainLine) && /服务质量|申诉/.test(mainLine) && !/[:]\s*\S/.test(mainLine)) kind = 'official';
  // 2024年第三季度全省电信服务质量情况, published under the regulator's own 来源 line.
  else if (ownPage && !newsCue && /服务质量|申诉|投诉/.test(mainLine)) kind = 'official';
  else kind = 'news';
  return { head: { title, titleParagraphs: titleParts.map((p) => p.n), kind, ...(issuer ? { issuer } : {}), fromLead: false } };
}

/**
 * A title as copied from a page: without the date a list printed after it
 * ("…的通告 2023-10-27") or the site name a browser tab adds ("…的通告_江苏省通信管理局").
 */
export function cleanTitle(title: string): string {
  return title
    // …中国联通最高(图), [视频]: what a portal marks its headlines with.
    .replace(/\s*[(\[【](?:图|组图|图文|多图|附图|视频)[)\]】]\s*$/, '')
    .replace(/\s*[\[(]?\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?[\])]?$/, '')
    .replace(/\s*[_|]\s*[^_|]{2,24}(?:局|部|网|站|门户|政府)$/, '')
    .trim();
}

/** No title line: the story opens with its lead. Its first real clause becomes the title. */
function leadHead(lead: Paragraph, issuer: string | undefined): HeadReading {
  const title = NEWS_LEAD.test(lead.text) ? titleFromLead(lead.text) : undefined;
  if (!title) return { refusal: `没有找到标题:开头一段“${lead.text.slice(0, 20)}…”既不是标题,也不像新闻导语` };
  return { head: { title, titleParagraphs: [], kind: 'news', ...(issuer ? { issuer } : {}), fromLead: true } };
}

/** What a news lead about telecom services talks of; other prose is no bulletin. */
const NEWS_LEAD = /电信|通信|运营商|移动|联通|广电|宽带|5G|申诉|投诉|通告|通报|工信|记者|本报讯/;
const LEAD_IN = /^(?:日前|近日|近期|目前|今天|昨天|昨日|本报讯|据悉|记者从\S{2,20}获悉|据\S{2,20}(?:消息|报道|微报|发布)?|今年以来|\d{1,2}月\d{1,2}日)$/;
const LEAD_PREFIX = /^(?:(?:本报讯|[\p{Script=Han}]{2,12}\d{1,2}月\d{1,2}日电)\s*(?:\([^)]{0,20}\))?\s*)?(?:日前|近日|近期|据悉|另据|记者从\S{2,20}?获悉)?\s*/u;

/** "日前,工信部发布2025年第一季度电信服务质量通告,…" → "工信部发布2025年第一季度电信服务质量通告". */
export function titleFromLead(text: string): string | undefined {
  const sentence = text.split(/[。!?]/)[0] ?? '';
  const clauses = sentence
    .split(/[,;:]/)
    .map((c) => c.trim())
    .filter(Boolean);
  const clause = clauses.find((c) => !LEAD_IN.test(c) && c.replace(LEAD_PREFIX, '').length >= 6);
  if (!clause) return undefined;
  const t = clause.replace(LEAD_PREFIX, '');
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}

function issuerOfGeneric(t: string): string | undefined {
  const m = /^(?:中华人民共和国)?(\S{2,16}?)\s*(?:通告|公告)/.exec(t);
  return m && REGULATOR.test(m[1]!) ? regulatorFullName(m[1]!) : undefined;
}

/** 工信部 → 工业和信息化部; other names as written. */
export function regulatorFullName(name: string): string {
  return name === '工信部' ? '工业和信息化部' : name;
}

/** The province a title or heading names, or national scope for MIIT's own bulletins. */
export function regionOfTitle(title: string, regions: RegionIndex): Region | undefined {
  if (/全国|工业和信息化部|工信部|信息产业部/.test(title)) return { province: 'CN' };
  for (const name of regions.names()) {
    if (!title.includes(name)) continue;
    const found = regions.lookup(name);
    if (found.length === 1) return found[0];
  }
  return undefined;
}

/** A regulator named in the text ("吉林省通信管理局"), preferring the closing lines where issuers sign. */
export function regulatorNamed(paragraphs: readonly Paragraph[]): string | undefined {
  for (const p of [...paragraphs].reverse()) {
    if (p.text.length <= 40) {
      const bare = p.text
        .replace(/^中华人民共和国/, '')
        .replace(/\s*(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年.*$/, '')
        .trim();
      const m = REGULATOR.exec(bare);
      if (m && m[0] === bare) return regulatorFullName(m[0]);
    }
  }
  return undefined;
}

export function newsByline(paragraphs: readonly Paragraph[]): string | undefined {
  return paragraphs.slice(0, 8).find((p) => p.text.length <= 30 && BYLINE.test(p.text) && /记者|通讯员/.test(p.text))?.text;
}
