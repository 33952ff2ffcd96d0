/**
 * Writes the PDF of the second blind set (test/fixtures/published-blind-2/):
 *   npx tsx test/knowledge/published/make-blind-2-pdf.ts
 * The corpus loader takes every file in a set's folder as a text, so the
 * generator lives here. A quarterly bulletin with a ruled table and a
 * paragraph across the page break; every figure is invented.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bulletinPdf, type BulletinLayout } from '../../fixtures/pdf/pdf-writers.ts';

const TITLE = '云南省通信管理局关于2025年一季度电信服务质量情况的通告';
const layout: BulletinLayout = {
  runningHead: '云南省通信管理局文件',
  footer: (n) => `- ${n} -`,
  blocks: [
    { kind: 'title', text: TITLE },
    { kind: 'para', text: '各基础电信企业，各有关单位：' , indent: false },
    { kind: 'para', text: '为持续提升全省电信服务质量，根据《中华人民共和国电信条例》和《电信服务质量监督管理暂行办法》有关规定，现将2025年一季度全省电信服务质量情况通告如下。' },
    { kind: 'heading', text: '一、电信用户申诉总体情况' },
    { kind: 'para', text: '一季度，云南省电信用户申诉受理中心共受理用户申诉1652件，环比下降8.3%，同比下降5.1%；全省用户申诉率为2.97件/百万用户，较上季度下降0.26件/百万用户。申诉按期办结率100%，回访满意率94.8%。' },
    { kind: 'para', text: '从问题类型看，服务类申诉占51.7%，资费类申诉占30.2%，网络类申诉占18.1%。服务类申诉主要集中在号码关停恢复、线上销户和宽带拆机；资费类申诉主要集中在限制变更低资费套餐和合约期违约金。' },
    { kind: 'heading', text: '二、各基础电信企业申诉情况' },
    {
      kind: 'table',
      caption: '表1  2025年一季度各企业申诉情况',
      widths: [0.22, 0.2, 0.3, 0.28],
      rows: [
        ['企业', '申诉量（件）', '申诉率（件/百万用户）', '环比'],
        ['云南移动', '683', '2.15', '-10.4%'],
        ['云南电信', '472', '3.86', '-4.1%'],
        ['云南联通', '451', '4.02', '-9.6%'],
        ['云南广电', '46', '1.37', '15.0%'],
        ['合计', '1652', '2.97', '-8.3%'],
      ],
    },
    { kind: 'para', text: '与上季度相比，云南移动、云南联通申诉量降幅较大，云南广电申诉量有所上升，主要原因是其5G用户规模快速增长、配套服务渠道尚不完善。请云南广电认真分析原因，于4月30日前报送整改措施。' },
    { kind: 'heading', text: '三、电信服务监管情况' },
    { kind: 'straddle', text: '一季度，我局组织开展了“清理不合理限制携转”专项行动，对全省16个州（市）的营业厅进行了暗访，共检查营业厅212个，发现问题43个，已全部督促整改到位；对申诉率连续两个季度高于全省平均水平的企业进行了约谈，推动企业建立重复投诉预警机制，压实首问负责和限时办结要求。' },
    { kind: 'heading', text: '四、消费提示' },
    { kind: 'para', text: '用户遇到电信服务问题时，应首先向电信企业投诉；对企业处理结果不满意的，可拨打12300或登录电信用户申诉受理网站提出申诉。' },
    { kind: 'signature', lines: ['云南省通信管理局', '2025年4月18日'] },
  ],
};
const OUT = fileURLToPath(new URL('../../fixtures/published-blind-2/pdf01-yunnan-2025q1-pdf-table-straddle.pdf', import.meta.url));
await writeFile(OUT, await bulletinPdf(layout));
