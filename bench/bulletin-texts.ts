import type { Province } from '../knowledge/regions.ts';
import { regionIndex } from '../knowledge/regions.ts';
import { CARRIER_CATEGORIES, CARRIER_TEMPLATES, PROVINCE_TEMPLATES, type SentenceContext } from './fact-templates.ts';
import { hashSeed, Random } from './random.ts';
import { citiesOf, syntheticCarriers, type SyntheticCarrier } from './synthetic-kb.ts';

/** Section headings per category, as carriers' reports number them ("1.…"). */
const HEADINGS: Record<(typeof CARRIER_CATEGORIES)[number], string> = {
  elder: '深化适老助残服务,让老年客户用得上、用得好',
  anti_fraud: '坚决打击治理电信网络诈骗',
  spam: '持续整治垃圾短信和骚扰电话',
  complaint_channels: '畅通投诉渠道,提升投诉处理质效',
  consumer_stations: '共建消费维权服务站',
  complaint_stats: '服务质量指标持续向好',
  emergency: '扎实做好应急通信保障',
  network: '扎实推进网络强基',
  broadband: '提升家庭宽带服务质量',
  rural: '助力乡村振兴',
  green: '推进绿色低碳发展',
  convenience: '推出便民服务举措',
  fair_trading: '规范经营行为,维护消费者权益',
  info_security: '加强个人信息保护',
  profile: '企业概况',
};

export interface BulletinText {
  name: string;
  text: string;
}

/**
 * A provincial half-year 电信服务质量通告 as text, in the shape of the
 * shipped seed and the parser's fixtures: title, preamble, the province's
 * statistics, then each carrier's report opened by its legal name with a
 * (以下简称“X”) declaration and closed by 企业声明 and a signature, then the
 * regulator's signature. The sentences come from the same templates as the
 * synthetic knowledge base, so ingesting these exercises the whole parser.
 */
export function bulletinText(p: Province, year: number, half: 1 | 2, carriers: readonly SyntheticCarrier[], sentencesPerCarrier: number, seed = 7): BulletinText {
  const r = new Random(hashSeed(`${seed}:${p.code}:${year}:${half}`));
  const halfLabel = half === 1 ? '上半年' : '下半年';
  // A report calls its carrier by the 简称 it declared.
  const ctx = (s?: SyntheticCarrier): SentenceContext => ({
    r,
    year,
    half,
    provinceName: p.name,
    cities: citiesOf(p),
    ...(s ? { subject: { ...s.subject, names: [s.declared ?? s.carrier.shortName] } } : {}),
  });
  const out: string[] = [
    `${year}年${halfLabel}${p.name}电信服务质量通告`,
    `为持续改善电信服务质量,切实维护电信用户合法权益,根据《中华人民共和国电信条例》《电信服务质量通告制度》等有关规定,现将${year}年${halfLabel}${p.name}电信服务有关情况通告如下:`,
    '一、全省电信服务总体情况',
    '(一)行业规模稳步增长,网络支撑能力持续增强。',
    ...PROVINCE_TEMPLATES.province_users.map((t) => t(ctx())),
    '(二)申诉渠道畅通,电信用户合法权益切实得到保障。',
    ...PROVINCE_TEMPLATES.province_appeals.map((t) => t(ctx())),
    '二、各电信企业服务质量状况',
  ];
  for (const s of carriers) {
    const short = s.declared ?? s.carrier.shortName;
    out.push(`${s.carrier.legalName}(以下简称“${short}”)成立于${r.int(1998, 2008)}年,是${p.name}内主要的基础电信运营企业,现有员工${r.int(3000, 60000)}人。`);
    const start = r.int(0, CARRIER_CATEGORIES.length - 1);
    let section = 0;
    for (let i = 0; i < sentencesPerCarrier; i++) {
      const category = CARRIER_CATEGORIES[(start + i) % CARRIER_CATEGORIES.length]!;
      if (category === 'profile') continue;
      out.push(`${++section}.${HEADINGS[category]}。`);
      // Open each section with the carrier's 简称, as reports do, so every paragraph is attributable on its own.
      const sentence = r.pick(CARRIER_TEMPLATES[category])(ctx(s));
      out.push(sentence.startsWith(short) ? sentence : `${short}${sentence}`);
    }
    out.push('企业声明:本通报内容客观、真实、准确', s.carrier.legalName);
  }
  out.push(`${p.name}通信管理局`, `${half === 1 ? year : year + 1}年${half === 1 ? 8 : 2}月`);
  return { name: `${p.code.toLowerCase()}-${year}h${half}.txt`, text: `${out.join('\n\n')}\n` };
}

/** `count` bulletins: every province, half years going back from 2024. */
export function bulletinTexts(count: number, sentencesPerCarrier = 12): BulletinText[] {
  const regions = regionIndex();
  const registry = syntheticCarriers().filter((s) => !s.carrier.region?.city);
  const out: BulletinText[] = [];
  for (let year = 2024; out.length < count; year--) {
    for (const half of [2, 1] as const) {
      for (const p of regions.provinces) {
        if (out.length >= count) break;
        out.push(bulletinText(p, year, half, registry.filter((s) => s.province.code === p.code), sentencesPerCarrier));
      }
    }
  }
  return out;
}
