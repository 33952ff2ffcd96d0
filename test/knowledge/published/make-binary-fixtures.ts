/**
 * Writes the PDF and Word texts of the published-forms corpus:
 *   npx tsx test/knowledge/published/make-binary-fixtures.ts
 * Staff get bulletins as PDFs and Word files, so the corpus holds one of each,
 * laid out by the PDF and Word fixture writers (pdfkit with an embedded CJK
 * subset; hand-written WordprocessingML). Every figure is invented.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { docx, type DocxBlock } from '../../fixtures/docx/make-fixtures.ts';
import { bulletinPdf, type BulletinLayout } from '../../fixtures/pdf/pdf-writers.ts';
import { CORPUS_DIR } from './corpus.ts';

/** An autonomous region's quarterly bulletin as a two-page PDF: 全区, a ruled table, a paragraph across the page break. */
export const XIZANG_Q1: BulletinLayout = {
  runningHead: '西藏自治区通信管理局  电信服务质量通告',
  footer: (n) => `— ${n} —`,
  blocks: [
    { kind: 'title', text: '西藏自治区通信管理局关于2024年第一季度电信服务质量的通告' },
    { kind: 'para', indent: false, text: '区内各基础电信企业:' },
    { kind: 'para', text: '为推进电信服务质量持续改善,根据《中华人民共和国电信条例》相关规定,现将2024年第一季度全区电信服务有关情况通告如下:' },
    { kind: 'heading', text: '一、用户申诉情况' },
    {
      kind: 'para',
      text: '第一季度,西藏自治区电信用户申诉受理中心共受理用户申诉96件,环比下降11.1%,全区电信用户申诉率为2.71件/百万用户,申诉办结率为100%。',
    },
    {
      kind: 'table',
      caption: '表1 2024年第一季度各基础电信企业申诉情况',
      widths: [0.28, 0.22, 0.3, 0.2],
      rows: [
        ['企业', '申诉量(件)', '申诉率(件/百万用户)', '环比'],
        ['西藏移动', '37', '1.84', '↓15.9%'],
        ['西藏电信', '31', '4.26', '↓8.8%'],
        ['西藏联通', '28', '5.03', '↓6.7%'],
        ['合计', '96', '2.71', '↓11.1%'],
      ],
    },
    { kind: 'heading', text: '二、网络建设情况' },
    {
      kind: 'straddle',
      text: '截至2024年3月底,全区累计建成5G基站1.52万个,行政村5G通达率达到71.4%,边境地区通信保障能力持续提升;全区移动电话用户达到386.2万户,固定宽带接入用户达到97.8万户。',
    },
    { kind: 'heading', text: '三、消费提示' },
    { kind: 'para', text: '请广大用户通过企业官方渠道办理业务,对处理结果不满意的,可拨打12300申诉。' },
    { kind: 'signature', lines: ['西藏自治区通信管理局', '2024年4月23日'] },
  ],
};

/** A half-year bulletin as a Word file: no issuer in the title, 全区, heading styles, a table, running head and page field. */
export const NEIMENGGU_H2: DocxBlock[] = [
  { kind: 'heading', level: 1, text: '2023年下半年内蒙古自治区电信服务质量通告' },
  { kind: 'para', text: '为维护电信用户合法权益,现将2023年下半年全区电信服务质量情况通告如下:' },
  { kind: 'heading', level: 2, text: '一、全区总体情况' },
  {
    kind: 'para',
    text: '下半年,全区电信用户申诉受理机构共受理用户申诉1284件,同比下降12.9%。全区电信用户申诉率为3.37件/百万用户,申诉处理满意率为96.4%。',
  },
  { kind: 'heading', level: 2, text: '二、各企业情况' },
  {
    kind: 'table',
    rows: [
      ['企业', '申诉量(件)', '申诉率(件/百万用户)', '人工服务接通率'],
      ['内蒙古移动', '412', '2.06', '91.2%'],
      ['内蒙古电信', '357', '4.81', '93.5%'],
      ['内蒙古联通', '468', '5.12', '89.7%'],
      ['内蒙古广电', '47', '1.64', '87.3%'],
    ],
  },
  { kind: 'para', text: '内蒙古联通申诉率较上半年上升0.36件/百万用户,主要涉及宽带到期续约问题。' },
  { kind: 'heading', level: 2, text: '三、工作要求' },
  { kind: 'para', text: '各企业要严格落实《电信服务规范》,对用户反映集中的问题建立台账,限期整改。' },
];

export async function makeBinaryFixtures(dir: string = CORPUS_DIR): Promise<string[]> {
  const files: Array<[string, Buffer]> = [
    ['pdf01-autonomous-region-quarter.pdf', await bulletinPdf(XIZANG_Q1)],
    ['docx01-halfyear-no-issuer.docx', docx(NEIMENGGU_H2, '内蒙古自治区通信管理局  电信服务质量通告')],
  ];
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
  return files.map(([name, bytes]) => `${name} ${bytes.length} bytes`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await makeBinaryFixtures()) process.stdout.write(`${line}\n`);
}
