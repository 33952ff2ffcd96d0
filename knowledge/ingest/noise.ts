import type { Paragraph } from './paragraphs.ts';

/**
 * Web-page and newspaper chrome that comes along when a bulletin is copied
 * from a site: breadcrumbs, "发布时间 … 来源 …" lines, print/close buttons,
 * share bars, page heads, image file names, related-article lists, footers.
 * Dropped before the title is looked for, so a breadcrumb is never a title;
 * the values those lines carry (publication date, 来源) are kept as page meta.
 *
 * Paragraph numbers are not renumbered: what remains keeps the number it has
 * in the source file, which is what facts cite.
 */
export interface PageMeta {
  /** ISO date (YYYY-MM-DD, or YYYY-MM / YYYY when that is all there is) the page says it was published. */
  publishedAt?: string;
  /** The 来源 / 发布机构 / 本文来源 value: a regulator, a newspaper, a site. */
  source?: string;
  /** 作者 / 记者 value, when the page names one. */
  author?: string;
  /** Whether the page carried newsroom lines (责任编辑, 编辑, 记者). */
  newsroom: boolean;
}

export interface Denoised {
  paragraphs: Paragraph[];
  /** Numbers of the paragraphs dropped as noise, in order. */
  dropped: number[];
  meta: PageMeta;
}

export interface NoiseOptions {
  /** Whether a word is a place name (北京, 海淀区 …), for trailing place-name lists. */
  isPlaceName?: (word: string) => boolean;
}

const BREADCRUMB_LEAD = /^(?:当前位置|您的位置|你的位置|您当前的位置|所在位置|当前页面|位置)\s*[::]/;
const CRUMB_SEPARATOR = /\s*(?:>>|>|»|→|\/|-->)\s*/;
/** A menu entry standing alone on its line. */
const NAV_WORD =
  /^(?:首页|网站首页|主页|政务公开|信息公开|新闻中心|新闻动态|通知公告|工作动态|政策文件|政策法规|政策解读|互动交流|办事服务|政务服务|在线办事|网上办事|机构概况|机构设置|机构职能|领导信息|行业动态|专题专栏|公众参与|数据发布|English)$/;
const CRUMB_WORDS = /首页|主页|政务公开|新闻中心|新闻动态|通知公告|信息公开|工作动态|政策文件|正文|要闻|公告公示|政务服务|互动交流/;

/** Keys of the key:value lines a page prints above or below an article. */
const META_KEYS = [
  '发布时间', '发布日期', '发文日期', '成文日期', '更新时间', '时间', '日期',
  '本文来源', '文章来源', '信息来源', '稿件来源', '来源', '发布机构', '发布单位', '发文机关',
  '作者', '责任编辑', '编辑', '编审', '审核', '校对', '记者',
  '浏览次数', '浏览量', '阅读次数', '阅读量', '阅读', '点击数', '点击量', '点击', '访问量', '评论',
  '字号', '字体', '索引号', '分类', '主题分类', '体裁分类', '文号', '发文字号', '有效性',
];
const META_PAIR = new RegExp(`(${META_KEYS.join('|')})\\s*[::]\\s*`, 'g');
const SOURCE_KEYS = new Set(['本文来源', '文章来源', '信息来源', '稿件来源', '来源', '发布机构', '发布单位', '发文机关']);
const DATE_KEYS = new Set(['发布时间', '发布日期', '发文日期', '成文日期', '更新时间', '时间', '日期']);
const NEWSROOM_KEYS = new Set(['责任编辑', '编辑', '编审', '校对', '记者']);

/** Buttons and bars: 【打印本页】【关闭窗口】, [字体:大 中 小], 分享到:, 扫一扫, 上一篇. */
const CONTROL_WORDS =
  /打印本页|打印此页|打印文章|打印|关闭窗口|关闭本页|关闭|返回顶部|返回首页|返回|收藏|保存|分享到|分享至|分享|扫一扫|大\s*中\s*小|字体|字号|默认|放大|缩小|上一篇|下一篇|纠错|我要纠错|[【】\[\]]/g;
const CONTROL_ONLY = /^(?:分享到|分享至|扫一扫|上一篇|下一篇|相关附件|附件下载|网站地图|联系我们|English|繁体|简体|无障碍|长者模式)/;
/** A site's search box and account links. */
const SEARCH_BOX = /^(?:请输入(?:关键字|关键词|搜索内容|内容)?|搜\s*索|站内搜索|高级搜索|登录|注册|登录注册|登录\s*\|\s*注册)$/;

const FOOTER = /版权所有|ICP备|ICP证|公网安备|网站标识码|主办单位\s*[::]|承办单位\s*[::]|技术支持\s*[::]|建议使用.{0,20}浏览器/;

/** 首页 第09版:专刊, A06 深圳商报 2024年11月12日 星期二, 第3版 */
const PAGE_HEAD =
  /^(?:首页\s*)?第\s*[0-9A-Z]{1,3}\s*版\s*(?:[::]\s*\S{1,10})?$|^(?:[A-Z]?\d{1,2}(?:版)?\s*)?\S{2,8}报\s*\d{4}年\d{1,2}月\d{1,2}日(?:\s*星期.)?(?:\s*(?:第\s*)?[A-Z]?\d{1,2}\s*版?)?(?:\s*[:：]?\s*\S{1,6})?$/;

/** A newspaper's name: 人民邮电报, 中国电信报, 江苏经济报; not 通报, 公报, 简报. */
const NEWSPAPER = /^[\p{Script=Han}]{1,8}(?<!通|公|简|情|预|汇|年|季|月)报$/u;

/**
 * A newspaper's page head in any order: "2018年8月7日 星期二 人民邮电报 第3版",
 * "人民邮电报 / 2018-08-07 / 第03版:综合新闻". A paper's name, a date and a page
 * number on one short line with no sentence in it.
 */
function isPageHead(t: string): boolean {
  if (t.length > 60 || !t.includes('报') || /[。,;]/.test(t)) return false;
  const words = t.split(/[\s/|·]+/).filter(Boolean);
  if (!words.some((w) => NEWSPAPER.test(w)) || isoDate(t) === undefined) return false;
  if (/第\s*[0-9A-Z]{1,3}\s*版|(?:^|\s)[A-Z]?\d{1,2}\s*版/.test(t)) return true;
  // No page number: the paper's name, the date and the weekday, and nothing else.
  return words.every((w) => NEWSPAPER.test(w) || isoDate(w) !== undefined || /^(?:星期|周)[一二三四五六日天]$/.test(w));
}

/** 02.02.2015 12:05, 2015-02-02 12:05:33, 2024/5/6, 2024年5月6日 10:30 */
const NUMERIC_DATE = String.raw`(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})`;
const TIME = String.raw`(?:\d{1,2}:\d{2}(?::\d{2})?)`;
const BARE_TIMESTAMP = new RegExp(`^(?:${NUMERIC_DATE}(?:\\s*${TIME})?|${TIME})$`);

const DATED_LINE = new RegExp(`${NUMERIC_DATE}\\s*$`);
/** An account's stamp above a copied article: "原创 工信微报 2025年04月18日 17:30 北京". */
const STAMP_LINE = new RegExp(
  `^(?:原创\\s*)?(?:[\\p{Script=Han}A-Za-z]{2,12}\\s+){0,2}(?:${NUMERIC_DATE}|\\d{4}年\\d{1,2}月\\d{1,2}日)\\s+${TIME}(?:\\s+[\\p{Script=Han}]{2,6})?$`,
  'u',
);

/**
 * The site a portal's stamp names after the time ("2020年05月12日 10:21 新浪科技"); a short
 * word there is the place it was posted from ("… 17:30 北京"). The account before the date
 * in a WeChat stamp may be the regulator's own, whose release is no story: it is not taken.
 */
function stampSource(t: string): string | undefined {
  const after = new RegExp(`${TIME}\\s+([\\p{Script=Han}]{2,6})$`, 'u').exec(t)?.[1];
  return after && (after.length >= 4 || /网|报|台|社/.test(after)) ? after : undefined;
}

const POSTED_LINE = new RegExp(`^${NUMERIC_DATE}\\s+([\\p{Script=Han}]{2,20})$`, 'u');

const IMAGE_NAME = /^(?:[\w.()\-\u4e00-\u9fff]+\.(?:png|jpe?g|gif|bmp|webp|svg|tiff?)\s*)+$/i;

/** A bare address left where a picture was: http://img.example.com/2016/1027/q3.png */
const BARE_URL = /^(?:https?:\/\/|www\.)\S+$/i;

/** A photo caption (▲图为…, 图片来自…): says what a picture shows, never a statistic of the text. */
const CAPTION = /^(?:[▲△↑]\s*)?(?:图为|图片来[自源]|图片由|资料图|图\s*[::]|截图|照片)|^[▲△↑].{0,30}(?:记者|通讯员)\s*\S{2,4}\s*摄$/;

/** What a reprint adds: (原标题《…》), 注:本文为转载,不代表本站观点. */
const REPRINT_NOTE = /^[((]?原标题[::《]|本文(?:系|为)转载|不代表本(?:站|网)观点|版权归原作者|如(?:有|涉及)侵权/;

/** Words a site's menu bar is made of: 首页, 新闻, 登录 注册, 机构概况, 联系我们. */
const MENU_WORD = /首页|主页|频道|登录|注册|关于我们|联系我们|网站地图|广告服务|版权声明|English|手机版|客户端/;
/** A portal's sections: two of them between separators make a menu, never a table header. */
const PORTAL_SECTION = /^(?:新闻|财经|科技|体育|娱乐|汽车|房产|军事|教育|健康|旅游|时尚|视频|图片|游戏|文化|社会|国际|国内|评论|数码|手机|通信|互联网)$/;

const RELATED_HEAD = /^(?:相关阅读|相关新闻|相关链接|相关文章|相关稿件|相关报道|推荐阅读|延伸阅读|热点新闻|热门文章|猜你喜欢|更多新闻|更多阅读|往期回顾|精彩推荐)\s*[::]?\s*$/;

/** A comments section: 网友评论(3), 发表评论, 全部评论. Readers' words are never the bulletin's. */
const COMMENTS_HEAD = /^(?:网友评论|用户评论|读者评论|全部评论|最新评论|热门评论|发表评论|我要评论|评论)\s*(?:[((]\s*\d+\s*[))])?\s*[::]?$/;
/** One comment: 网友“老张”:…, 匿名用户:…, or any line closed by its posting time. */
const COMMENT_LINE = new RegExp(
  `^(?:网友|热心网友|匿名用户|游客|读者|用户)\\S{0,16}[::]|(?:${'\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}'})\\s*(?:\\d{1,2}:\\d{2}(?::\\d{2})?)?$`,
);
/** An advertisement's slot (广告 330*360) or a call to scan a code (扫码关注我们). */
const AD_LINE = /^(?:广告|推广|赞助)(?:\s*\d+\s*[*×xX]\s*\d+)?$|^(?:扫码|扫描二维码|长按识别二维码)\S{0,10}$/;

/** Words that make a short line an article title in a list of links. */
const LINK_TITLE = /通告|通知|公告|通报|关于|举行|召开|开展|印发|发布|会议|调研|座谈|部署|启动|专项|活动|工作|报告|解读|一图读懂/;

export function denoise(paragraphs: readonly Paragraph[], options: NoiseOptions = {}): Denoised {
  const meta: PageMeta = { newsroom: false };
  const dropped = new Set<number>();
  /** Paragraphs that keep their text without a stamp run onto their line. */
  const trimmed = new Map<number, string>();
  let inRelated = false;
  let inComments = false;
  for (const p of paragraphs) {
    const t = p.text;
    if (inComments) {
      if (COMMENT_LINE.test(t) || COMMENTS_HEAD.test(t) || isChrome(t, meta)) {
        dropped.add(p.n);
        continue;
      }
      inComments = false;
    }
    if (COMMENTS_HEAD.test(t)) {
      inComments = true;
      dropped.add(p.n);
      continue;
    }
    if (inRelated) {
      // Under 相关新闻 every headline is another story's, dated or not; a sentence ends the list.
      if (looksLikeLinkLine(t) || (t.length <= 80 && !/[。;!?]/.test(t))) {
        dropped.add(p.n);
        continue;
      }
      inRelated = false;
    }
    if (RELATED_HEAD.test(t)) {
      inRelated = true;
      dropped.add(p.n);
      continue;
    }
    if (isChrome(t, meta)) {
      dropped.add(p.n);
      continue;
    }
    const headline = withoutStamp(t, meta);
    if (headline) trimmed.set(p.n, headline);
  }
  dropTrailingLists(paragraphs, dropped, options);
  return {
    paragraphs: paragraphs.filter((p) => !dropped.has(p.n)).map((p) => (trimmed.has(p.n) ? { n: p.n, text: trimmed.get(p.n)! } : p)),
    dropped: [...dropped].sort((a, b) => a - b),
    meta,
  };
}

/**
 * A headline with the page's stamp run onto its line: "…中国联通最高 2016-10-27 16:40 IT资讯站
 * 作者:凌风", "…中国联通最高 来源:IT资讯站 2016-10-27". What follows the headline is a stamp when
 * it has a time or 来源/作者 pairs and nothing else; it is never part of a title. A date alone
 * after a link ("…的通告 2023-10-27") is left to the list rules. Returns the line without it.
 */
function withoutStamp(t: string, meta: PageMeta): string | undefined {
  if (t.length > 160 || /[。;\n]/.test(t) || !STAMP_HINT.test(t)) return undefined;
  for (const m of t.matchAll(STAMP_START)) {
    if (m.index < 6) continue;
    const tail = t.slice(m.index).trim();
    // A time, two pairs, or a 来源/作者 pair: "营业时间:5月6日起" in a headline is no stamp.
    const keys = [...tail.matchAll(META_PAIR)].map((k) => k[1]!);
    const stampLike = new RegExp(TIME).test(tail) || keys.length >= 2 || keys.some((k) => SOURCE_KEYS.has(k) || NEWSROOM_KEYS.has(k) || k === '作者');
    if (!stampLike) continue;
    if (!isChrome(tail, { newsroom: false })) continue;
    isChrome(tail, meta);
    return t.slice(0, m.index).trim();
  }
  return undefined;
}

/** What every stamp has: a time or a key's colon. */
const STAMP_HINT = /\d:\d|[::]/;
const STAMP_START = new RegExp(`(?:${NUMERIC_DATE}|\\d{4}年\\d{1,2}月\\d{1,2}日|(?:${META_KEYS.join('|')})\\s*[::])`, 'g');

/** One paragraph of page chrome; meta lines also leave their values in meta. */
function isChrome(t: string, meta: PageMeta): boolean {
  if (isBreadcrumb(t) || NAV_WORD.test(t) || SEARCH_BOX.test(t) || isMenuBar(t)) return true;
  if (BARE_URL.test(t) || AD_LINE.test(t) || (t.length <= 60 && CAPTION.test(t)) || (t.length <= 120 && REPRINT_NOTE.test(t))) return true;
  if (STAMP_LINE.test(t)) {
    meta.publishedAt ??= isoDate(t);
    meta.source ??= stampSource(t);
    return true;
  }
  // "2022-01-24 江西省通信管理局" under a page's title: the day and who posted it (a signature
  // puts the name first and writes the date in words).
  const posted = POSTED_LINE.exec(t);
  if (posted) {
    meta.publishedAt ??= isoDate(t);
    // A place ("2024-05-06 北京") says where, not who.
    if (/(?:局|部|厅|委|网|报|社|台|站|中心|公司|办公室)$/.test(posted[1]!)) meta.source ??= posted[1];
    return true;
  }
  if (PAGE_HEAD.test(t) || isPageHead(t)) {
    // 人民邮电报 2018年8月7日 星期二 第3版: the paper's name and the day it came out.
    meta.publishedAt ??= isoDate(t);
    const paper = t.split(/[\s/|·]+/).find((w) => NEWSPAPER.test(w));
    if (paper) {
      meta.source ??= paper;
      meta.newsroom = true;
    }
    return true;
  }
  if (BARE_TIMESTAMP.test(t) || IMAGE_NAME.test(t)) {
    if (BARE_TIMESTAMP.test(t)) meta.publishedAt ??= isoDate(t);
    return true;
  }
  if (t.length <= 120 && FOOTER.test(t)) return true;
  if (isControlBar(t)) return true;
  return readMetaLine(t, meta);
}

/**
 * Lines that are never part of a wrapped sentence, so paragraph splitting
 * keeps them apart even when a web page printed them in one block with the
 * title (breadcrumb / title / 发布时间 line) or with each other (a list of links).
 */
export function isStandaloneLine(t: string): boolean {
  if (t.length > 160) return false;
  if (RELATED_HEAD.test(t) || COMMENTS_HEAD.test(t) || COMMENT_LINE.test(t)) return true;
  if (DATED_LINE.test(t) && t.length <= 70 && LINK_TITLE.test(t)) return true;
  return isChrome(t, { newsroom: false });
}

/**
 * A site's menu bar on one line: "信息港首页 | 新闻 | 科技 | 财经 | 登录 注册",
 * "首页 机构概况 政务公开 互动交流". Short words with nothing between them but
 * separators, at least one of them a menu word; a headline has no separators
 * between three such words.
 */
export function isMenuBar(t: string): boolean {
  if (t.length > 120 || !/[\s|｜·•]/.test(t) || /[。,;:!?、\d%]/.test(t.replace(/\d{1,2}\s*G|\d{2,4}\s*年/g, ''))) return false;
  const piped = /[|｜·•]/.test(t);
  const words = t.split(piped ? /\s*[|｜·•]\s*/ : /\s+/).filter(Boolean);
  if (words.length < 3 || words.some((w) => w.length > (piped ? 10 : 6))) return false;
  // Table header rows are short words between pipes too; only a site's own entries make a menu.
  const menuWords = words.filter((w) => MENU_WORD.test(w) || NAV_WORD.test(w)).length;
  const sections = words.filter((w) => PORTAL_SECTION.test(w)).length;
  return menuWords >= (piped ? 1 : 2) || sections >= 3 || (menuWords >= 1 && sections >= 2);
}

export function isBreadcrumb(t: string): boolean {
  if (t.length > 120) return false;
  if (BREADCRUMB_LEAD.test(t)) return true;
  const parts = t.split(CRUMB_SEPARATOR).filter(Boolean);
  // 首页 > 政务公开 > 通知公告: at least three short crumbs, one of them a site-section word.
  return parts.length >= 3 && parts.every((x) => x.length <= 16) && parts.some((x) => CRUMB_WORDS.test(x)) && /[>»→]/.test(t);
}

function isControlBar(t: string): boolean {
  if (t.length > 80) return false;
  if (CONTROL_ONLY.test(t) && t.length <= 40) return true;
  if (!/[【\[]/.test(t) && !/^(?:打印|关闭|分享)/.test(t)) return false;
  return t.replace(CONTROL_WORDS, '').replace(/[\s::|/·]+/g, '') === '';
}

/**
 * "发布时间:2024-05-06 来源:北京市通信管理局 字号:[大 中 小]" is chrome when
 * nothing but such pairs is on the line.
 */
function readMetaLine(line: string, meta: PageMeta): boolean {
  // (责任编辑:肖宁), [来源:新华网]: the brackets a newsroom puts around the line.
  const t = line.replace(/^[((\[【]\s*(?=\S{1,6}[::])/, '').replace(/\s*[))\]】]$/, '');
  if (t.length > 160) return false;
  const pairs = [...t.matchAll(META_PAIR)];
  if (pairs.length === 0) return false;
  const lead = t.slice(0, pairs[0]!.index).replace(CONTROL_WORDS, '').trim();
  // A leading date or timestamp, maybe with the site's name, is fine ("2008-05-04 00:00:00 作者: 来源:",
  // "2016-10-27 16:40 IT资讯站 作者:凌风"); other leading words are prose.
  const stamp = new RegExp(`^(?:${NUMERIC_DATE}|\\d{4}年\\d{1,2}月\\d{1,2}日)(?:\\s*${TIME})?(?:\\s+([\\p{Script=Han}A-Za-z0-9]{2,12}))?$`, 'u').exec(lead);
  if (lead && !stamp) return false;
  if (stamp?.[1] && !pairs.some((m) => SOURCE_KEYS.has(m[1]!))) meta.source ??= stamp[1];
  const found: Array<[string, string]> = [];
  for (let i = 0; i < pairs.length; i++) {
    const m = pairs[i]!;
    const end = i + 1 < pairs.length ? pairs[i + 1]!.index : t.length;
    found.push([m[1]!, t.slice(m.index + m[0].length, end).replace(CONTROL_WORDS, '').trim()]);
  }
  // Prose with a colon ("时间:从即日起…") is not a meta line: values are short.
  if (found.some(([, v]) => v.length > 40 || /[。;]/.test(v))) return false;
  if (lead) meta.publishedAt ??= isoDate(lead);
  for (const [key, value] of found) {
    if (DATE_KEYS.has(key) && value) meta.publishedAt ??= isoDate(value);
    // 来源:新华网 2024-05-06 10:30: the date after a source is the page's date, not part of its name.
    const named = value.replace(new RegExp(`\\s*(?:${NUMERIC_DATE}|\\d{4}年\\d{1,2}月\\d{1,2}日|${TIME}).*$`), '');
    if (named !== value) meta.publishedAt ??= isoDate(value);
    if (SOURCE_KEYS.has(key) && named) meta.source ??= named.replace(/\s+/g, '');
    if (key === '作者' && value) meta.author ??= value;
    if (NEWSROOM_KEYS.has(key) || (key === '作者' && /记者|通讯员/.test(value))) meta.newsroom = true;
  }
  return true;
}

/** ISO form of the first date in a string: 2024-05-06, 02.02.2015, 2024年5月6日, 2024年5月. */
export function isoDate(text: string): string | undefined {
  const pad = (n: string): string => n.padStart(2, '0');
  let m = /(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})/.exec(text);
  if (m) return `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}`;
  m = /(\d{1,2})[-./](\d{1,2})[-./](\d{4})/.exec(text);
  // Day first, as European-style site stamps print it (02.02.2015).
  if (m) return `${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}`;
  m = /(\d{4})\s*年\s*(\d{1,2})\s*月/.exec(text);
  if (m) return `${m[1]}-${pad(m[2]!)}`;
  return undefined;
}

function looksLikeLinkLine(t: string): boolean {
  if (t.length > 70 || /。$/.test(t) || /。./.test(t)) return false;
  return LINK_TITLE.test(t) || DATED_LINE.test(t) || /^[·•\-*]\s*/.test(t) || isoDate(t) !== undefined;
}

/**
 * At the end of a page: a run of short lines listing other articles, or
 * place names (a site's list of provinces or districts). The signature
 * (issuer, date) and attachments are not part of such a run.
 */
function dropTrailingLists(paragraphs: readonly Paragraph[], dropped: Set<number>, options: NoiseOptions): void {
  const rest = paragraphs.filter((p) => !dropped.has(p.n));
  const run: number[] = [];
  for (let i = rest.length - 1; i >= 0; i--) {
    const t = rest[i]!.text;
    if (isPlaceList(t, options.isPlaceName)) {
      run.push(rest[i]!.n);
      continue;
    }
    if (isOtherArticle(t)) {
      run.push(rest[i]!.n);
      continue;
    }
    // A section word between such lists (专题, 更多>>) goes with them.
    if (run.length > 0 && t.length <= 4 && !/\d/.test(t)) {
      run.push(rest[i]!.n);
      continue;
    }
    break;
  }
  const places = run.filter((n) => isPlaceList(paragraphs.find((p) => p.n === n)!.text, options.isPlaceName));
  // One short line could be a real closing sentence fragment; a list is at least two, or one line of places.
  if (run.length >= 2 || places.length === run.length) for (const n of run) dropped.add(n);
}

function isOtherArticle(t: string): boolean {
  if (t.length > 60 || t.length < 8 || /[。,;:]/.test(t) || /附件|附表|^表\d/.test(t)) return false;
  if (/^[\p{Script=Han}]{2,30}(?:通信管理局|工业和信息化部|公司)$/u.test(t)) return false;
  if (/^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$/.test(t)) return false;
  return LINK_TITLE.test(t);
}

function isPlaceList(t: string, isPlaceName: ((w: string) => boolean) | undefined): boolean {
  // A list, not a sentence: no sentence punctuation, no figures.
  if (!isPlaceName || t.length > 400 || /[。,;:!?\d]/.test(t)) return false;
  const words = t.split(/[\s、|·,/]+/).filter(Boolean);
  if (words.length < 4) return false;
  // Counties and districts are not in the region table; their suffix says what they are.
  const place = (w: string): boolean => isPlaceName(w) || /^[\p{Script=Han}]{1,6}(?:省|市|区|县|州|盟|旗)$/u.test(w);
  return words.filter(place).length / words.length >= 0.8;
}
