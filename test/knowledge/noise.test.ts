import { describe, expect, it } from 'vitest';
import { denoise, isBreadcrumb, isoDate, isStandaloneLine } from '../../knowledge/ingest/noise.ts';
import { splitParagraphs } from '../../knowledge/ingest/paragraphs.ts';
import { regionIndex } from '../../knowledge/regions.ts';

const regions = regionIndex();
const isPlaceName = (w: string): boolean => regions.byName.has(w);

function kept(text: string): string[] {
  return denoise(splitParagraphs(text), { isPlaceName }).paragraphs.map((p) => p.text);
}

const BODY = '一、第三季度共受理用户申诉2316件,环比下降3.1%。';

describe('denoise drops page chrome', () => {
  it.each([
    ['a breadcrumb', '当前位置:首页 > 政务公开 > 通知公告 > 服务质量'],
    ['a breadcrumb without its label', '首页 > 新闻中心 > 工作动态'],
    ['a 发布时间/来源 line', '发布时间:2024-05-06 09:30 来源:北京市通信管理局 浏览次数:1024 【字体:大 中 小】'],
    ['a meta line with empty values', '2008-05-04 00:00:00 作者: 来源: 评论:0 点击:'],
    ['a newspaper page head', '首页 第09版:专刊'],
    ['a newspaper running head', '深圳商报 2024年11月12日 星期二 A06 经济'],
    ['print and close buttons', '【打印本页】【关闭窗口】'],
    ['a share bar', '分享到:'],
    ['本文来源', '本文来源:江苏经济报'],
    ['a bare timestamp', '02.02.2015 12:05'],
    ['an image file name', 'image.png'],
    ['a hashed image file name', '784353_681dd9f0.png'],
    ['a site footer', '主办单位:广东省通信管理局 网站标识码:bm07000020 粤ICP备00000000号'],
    ['a menu entry', '政务公开'],
    ['an editor line', '责任编辑:王芳 校对:刘洋'],
    ['an account stamp', '原创 工信微报 2025年04月18日 17:30 北京'],
  ])('%s', (_what, line) => {
    expect(kept(`${line}\n\n${BODY}`)).toEqual([BODY]);
  });

  it('keeps the values of meta lines', () => {
    const { meta } = denoise(splitParagraphs(`发布时间:2024-05-06 09:30 来源:北京市通信管理局\n\n${BODY}`));
    expect(meta).toEqual({ newsroom: false, publishedAt: '2024-05-06', source: '北京市通信管理局' });
    expect(denoise(splitParagraphs(`02.02.2015 12:05\n\n${BODY}`)).meta.publishedAt).toBe('2015-02-02');
    expect(denoise(splitParagraphs(`工信微报 2025年04月18日 17:30\n\n${BODY}`)).meta.publishedAt).toBe('2025-04-18');
    expect(denoise(splitParagraphs(`作者:本报记者 张三\n\n${BODY}`)).meta).toMatchObject({ author: '本报记者 张三', newsroom: true });
  });

  it('drops a related-article list and what follows in it, keeping the signature above', () => {
    const text = [BODY, '北京市通信管理局', '2024年4月23日', '相关阅读', '北京市通信管理局关于2023年第四季度电信服务质量的通告 2024-01-20', '我局召开2024年行业安全工作会议 2024-01-10'].join('\n\n');
    expect(kept(text)).toEqual([BODY, '北京市通信管理局', '2024年4月23日']);
  });

  it('drops a trailing list of other articles without a heading, and a trailing list of place names', () => {
    const text = [BODY, '吉林省通信管理局', '关于开展2024年电信服务质量专项检查的通知', '省通信管理局召开行业座谈会', '长春 吉林 四平 辽源 通化 白山 松原 白城 延边'].join('\n\n');
    expect(kept(text)).toEqual([BODY, '吉林省通信管理局']);
  });

  it('drops a site’s trailing list of counties and districts, and a section word above it', () => {
    const text = [BODY, '相关阅读:', '专题', '韶关市| 景洪市| 永川区| 盂县| 江西省| 敦化市| 吉林市| 万荣县|'].join('\n\n');
    expect(kept(text)).toEqual([BODY]);
  });

  it('keeps a closing line that lists places in a sentence', () => {
    const text = [BODY, '南京、无锡、徐州、常州、苏州等5市营业厅完成改造'].join('\n\n');
    expect(kept(text)).toEqual([BODY, '南京、无锡、徐州、常州、苏州等5市营业厅完成改造']);
  });

  it('keeps what only looks like chrome: prose with a colon, a closing sentence, attachments, lists of places inside a sentence', () => {
    const text = [
      '时间:从即日起至12月31日,各企业开展服务质量提升专项行动,逐项整改。',
      BODY,
      '长春、吉林、延边等地营业厅完成适老化改造。',
      '南京、无锡、徐州、常州、苏州等5市营业厅完成改造',
      '附件:2024年第三季度各企业申诉情况表',
      '企业声明:本报告内容客观、真实、准确',
    ].join('\n\n');
    expect(kept(text)).toEqual(text.split('\n\n'));
  });

  it('keeps paragraph numbers of what remains', () => {
    const { paragraphs, dropped } = denoise(splitParagraphs(`当前位置:首页 > 政务公开 > 通知\n\n标题通告\n\nimage.png\n\n${BODY}`));
    expect(paragraphs.map((p) => p.n)).toEqual([2, 4]);
    expect(dropped).toEqual([1, 3]);
  });
});

describe('chrome printed in one block with the title is split off', () => {
  it('a breadcrumb, title and meta line on consecutive lines become three paragraphs', () => {
    const page = `当前位置:首页 > 政务公开 > 服务质量\n江苏省通信管理局关于2023年第三季度电信服务质量的通告\n发布时间:2023-10-27 15:30 来源:江苏省通信管理局\n\n${BODY}`;
    expect(splitParagraphs(page).map((p) => p.text)).toEqual([
      '当前位置:首页 > 政务公开 > 服务质量',
      '江苏省通信管理局关于2023年第三季度电信服务质量的通告',
      '发布时间:2023-10-27 15:30 来源:江苏省通信管理局',
      BODY,
    ]);
  });

  it('soft-wrapped prose still joins', () => {
    expect(splitParagraphs('第三季度共受理用户申诉\n2316件。\n\n下一段。').map((p) => p.text)).toEqual(['第三季度共受理用户申诉2316件。', '下一段。']);
  });

  it('tells standalone lines from prose', () => {
    expect(isStandaloneLine('相关新闻')).toBe(true);
    expect(isStandaloneLine('江苏省通信管理局关于2023年第二季度电信服务质量的通告2023-07-26')).toBe(true);
    expect(isStandaloneLine('第三季度共受理用户申诉')).toBe(false);
    expect(isBreadcrumb('首页 > 政务公开')).toBe(false);
  });
});

describe('isoDate', () => {
  it.each([
    ['2024-05-06 09:30', '2024-05-06'],
    ['2024/5/6', '2024-05-06'],
    ['02.02.2015 12:05', '2015-02-02'],
    ['2024年5月6日', '2024-05-06'],
    ['2024年5月', '2024-05'],
    ['无日期', undefined],
  ])('%s → %s', (text, iso) => {
    expect(isoDate(text)).toBe(iso);
  });
});
