/**
 * Bulletins and pages for the fixture web site, in our own words: the
 * shape of a provincial administration's quarterly 电信服务质量通告, with
 * its carriers and figures varied by province and quarter so each one is a
 * different bulletin to the parser.
 */

export interface BulletinSpec {
  /** Province name as in the title: "湖南", "四川". */
  province: string;
  year: number;
  quarter: 1 | 2 | 3 | 4;
  /** Varies every figure, so two specs never state the same numbers. */
  seed: number;
}

const QUARTER = ['一', '二', '三', '四'] as const;

function fig(seed: number, base: number, spread: number, digits = 1): string {
  const x = base + ((seed * 37) % 100) / 100 * spread;
  return x.toFixed(digits);
}

export function bulletinTitle(b: BulletinSpec): string {
  return `${b.province}省通信管理局关于${b.year}年第${QUARTER[b.quarter - 1]}季度电信服务质量的通告`;
}

/** The bulletin's text, paragraph per line. */
export function bulletinText(b: BulletinSpec): string {
  const q = `${b.year}年第${QUARTER[b.quarter - 1]}季度`;
  const p = b.province;
  const s = b.seed;
  return [
    bulletinTitle(b),
    `${p.slice(0, 1)}通管〔${b.year}〕${40 + (s % 50)}号`,
    '各基础电信企业：',
    `为督促企业改进服务，根据《中华人民共和国电信条例》和《电信服务质量通告制度》，现将${q}全省电信服务质量情况通告如下。`,
    '一、电信服务工作情况',
    `（一）适老化服务持续改进。全省营业厅设置老年人爱心通道${1200 + (s % 300)}个，${p}移动“长者专席”本季度接听老年用户来电${fig(s, 80, 40)}万次，${p}电信为老年用户上门办理业务${2100 + (s % 500)}次。`,
    `（二）防范电信网络诈骗。${p}联通本季度拦截涉诈电话${fig(s, 90, 60)}万次，${p}广电向用户推送防诈提醒短信${fig(s, 30, 20)}万条。`,
    '二、电信用户申诉情况',
    `${q}，全省电信用户申告率为${fig(s, 0.3, 0.4, 2)}件/百万用户，环比下降${fig(s, 3, 6)}%。其中，${p}移动申告率为${fig(s + 1, 0.2, 0.3, 2)}件/百万用户，${p}电信为${fig(s + 2, 0.3, 0.3, 2)}件/百万用户，${p}联通为${fig(s + 3, 0.4, 0.3, 2)}件/百万用户。`,
    `${p}省电信用户申诉受理中心本季度共受理用户申诉${900 + (s % 700)}件，办结率100%，用户满意率${fig(s, 91, 6)}%。`,
    '三、垃圾信息和骚扰电话治理情况',
    `本季度12321举报受理中心受理涉及我省的骚扰电话投诉${fig(s, 1, 3, 2)}万件，其中涉及${p}移动${fig(s + 4, 0.3, 0.5, 2)}万件，${p}电信${fig(s + 5, 0.2, 0.5, 2)}万件，${p}联通${fig(s + 6, 0.2, 0.4, 2)}万件。`,
    '四、消费提示',
    '请广大用户警惕冒充运营商客服的“套餐升级”“积分兑换”诈骗，如遇可疑来电请拨打96110咨询。',
    `${p}省通信管理局`,
    `${b.year}年${b.quarter * 3 + 1 > 12 ? 1 : b.quarter * 3 + 1}月15日`,
  ].join('\n');
}

const escape = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An article page as a provincial site lays one out: header, menu, crumbs, the text in a content box, related links, footer. */
export function articlePage(b: BulletinSpec, options: { charsetMeta?: string; attachments?: Array<{ href: string; text: string }>; body?: string } = {}): string {
  const paragraphs = (options.body ?? bulletinText(b)).split('\n');
  const [title, ...rest] = paragraphs;
  return [
    '<!DOCTYPE html><html><head>',
    options.charsetMeta ? `<meta http-equiv="Content-Type" content="text/html; charset=${options.charsetMeta}">` : '<meta charset="utf-8">',
    `<title>${escape(title!)}</title></head><body>`,
    `<div class="header"><a href="/">${escape(b.province)}省通信管理局</a></div>`,
    '<div class="nav-menu"><a href="/zwgk/">政务公开</a> <a href="/bsfw/">办事服务</a> <a href="/hdjl/">互动交流</a></div>',
    '<div class="breadcrumb">首页 &gt; 政务公开 &gt; 通知公告</div>',
    `<div class="article"><h1>${escape(title!)}</h1><div class="info">发布时间：${b.year}-0${Math.min(9, b.quarter * 3)}-15 来源：本局</div>`,
    `<div id="zoom">${rest.map((p) => `<p>${escape(p)}</p>`).join('\n')}</div>`,
    ...(options.attachments ?? []).map((a) => `<p>附件：<a href="${a.href}">${escape(a.text)}</a></p>`),
    '</div>',
    '<div class="related"><h3>相关阅读</h3><a href="/zwgk/tzgg/art/2019/art_old1.html">2019年河北移动拦截骚扰电话3.2亿次的报道</a></div>',
    '<div class="footer">主办单位：通信管理局 网站标识码 bm0000001</div>',
    '</body></html>',
  ].join('\n');
}

/** A list page: newest first, relative links, a pager. */
export function listPage(items: Array<{ href: string; title: string; date: string }>, options: { next?: string; heading?: string } = {}): string {
  return [
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>',
    '<nav><a href="/">首页</a> <a href="/zwgk/tzgg/index.html">通知公告</a> <a href="/zwgk/art/2020/art_nav_long_title_link.html">机构职能介绍与领导信息公开专栏</a></nav>',
    `<h2>${options.heading ?? '通知公告'}</h2>`,
    '<ul class="list">',
    ...items.map((i) => `<li><a href="${i.href}" title="${escape(i.title)}">${escape(i.title)}</a><span>${i.date}</span></li>`),
    '</ul>',
    options.next ? `<div class="pages"><a href="${options.next}">下一页</a> <a href="${options.next}">尾页</a></div>` : '',
    '<footer><a href="/zwgk/art/2021/art_footer_sitemap_page.html">网站地图与无障碍浏览说明</a></footer>',
    '</body></html>',
  ].join('\n');
}
