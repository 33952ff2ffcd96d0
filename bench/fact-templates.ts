import type { CategoryId } from '../knowledge/schema.ts';
import type { Random } from './random.ts';

/** What a sentence may say about the carrier it is about. */
export interface Subject {
  /** The ways bulletins name it in running text: short name, an alias, or just 公司. */
  names: readonly string[];
  legalName: string;
  shortName: string;
  hotline: string;
}

export interface SentenceContext {
  r: Random;
  year: number;
  half: 1 | 2;
  provinceName: string;
  /** Prefectures of the province (short names), or the province itself for municipalities. */
  cities: readonly string[];
  subject?: Subject;
}

type Template = (c: SentenceContext) => string;

// 移动转售 (resale) describes resellers, which are not carriers: no carrier's report has such a section.
export type CarrierCategory = Exclude<CategoryId, 'province_users' | 'province_appeals' | 'resale'>;
export type ProvinceCategory = Extract<CategoryId, 'province_users' | 'province_appeals'>;

const who = (c: SentenceContext): string => (c.subject ? c.r.pick(c.subject.names) : '公司');
const half = (c: SentenceContext): string => (c.half === 1 ? '上半年' : '下半年');
const city = (c: SentenceContext): string => c.r.pick(c.cities);
const n = (c: SentenceContext, min: number, max: number): number => c.r.int(min, max);
const d = (c: SentenceContext, min: number, max: number, digits = 1): string => c.r.decimal(min, max, digits);

const EVENTS = ['防汛抗洪', '台风“杜苏芮”', '暴雪灾害', '地震救灾', '高考', '全国两会', '春运', '森林防火', '国际马拉松赛', '进博会'];

/**
 * Sentence shapes taken from real 电信服务质量通告: a subject (sometimes
 * none, as in bulletins), a commitment, and figures with units. Together
 * with seeded numbers and place names they give text that repeats the way
 * ten years of bulletins repeat, which is what makes search hard.
 */
export const CARRIER_TEMPLATES: Record<CarrierCategory, Template[]> = {
  elder: [
    (c) => `${who(c)}在全省${n(c, 200, 1500)}家自有营业厅设置爱心座椅、老花镜等便民设施,为60岁以上老年客户提供“一键接入人工”服务${d(c, 5, 90)}万人次。`,
    (c) => `客服热线为老年人提供一键接入人工服务${d(c, 3, 60)}万人次,老年客户来电平均等待时长缩短至${n(c, 5, 30)}秒。`,
    (c) => `${who(c)}持续开展“助老暖心”行动,在${city(c)}等地组织老年人手机使用培训${n(c, 50, 900)}场,帮助${d(c, 1, 20)}万名老年人跨越数字鸿沟。`,
    (c) => `爱心翼站已拓展到${n(c, 100, 900)}家,全量自有厅加载饮水休息、手机充电、手机辅导、防诈提醒等公益服务。`,
    (c) => `推出适老化专属套餐${n(c, 2, 9)}款,${half(c)}为${d(c, 1, 80)}万名老年用户办理敬老资费优惠。`,
  ],
  anti_fraud: [
    (c) => `${half(c)}累计拦截涉诈电话${n(c, 100, 5000)}万次、涉诈短信${d(c, 0.2, 3)}亿条,配合公安机关成功劝阻潜在受害人${d(c, 0.2, 5)}万人。`,
    (c) => `${who(c)}深入推进“断卡”行动,关停涉诈高风险电话卡${d(c, 1, 30)}万张,处置涉诈域名${n(c, 1000, 90000)}个。`,
    (c) => `在${city(c)}开展反诈宣传进社区、进校园活动${n(c, 20, 800)}场,发放防诈骗宣传资料${d(c, 1, 50)}万份。`,
    (c) => `依托96110预警劝阻专线,向疑似受害用户发送预警提醒短信${d(c, 10, 900)}万条。`,
  ],
  spam: [
    (c) => `累计拦截垃圾短信${d(c, 0.3, 5, 2)}亿条,处置骚扰电话举报号码${d(c, 0.2, 3)}万个,骚扰电话用户举报量同比下降${d(c, 5, 40)}%。`,
    (c) => `${who(c)}上线“谢绝来电”功能,累计为${d(c, 10, 300)}万用户开通骚扰电话拦截服务。`,
    (c) => `对语音群呼、“响一声”等违规外呼行为开展专项治理,关停违规号码${n(c, 500, 9000)}个。`,
    (c) => `12321举报受理中心转办的垃圾短信举报处理率达到${d(c, 95, 99.9, 2)}%。`,
  ],
  complaint_channels: [
    (c) => `${who(c)}客服热线${c.subject?.hotline ?? '10000'}坚持首问负责制,投诉响应时间缩短至${n(c, 2, 24)}小时以内。`,
    (c) => `开通远程柜台和视频客服专席,${half(c)}通过线上渠道受理投诉${d(c, 0.5, 20)}万件。`,
    (c) => `持续优化投诉处理流程,推行“先承诺、后处理”机制,投诉一次解决率达到${d(c, 85, 99)}%。`,
  ],
  consumer_stations: [
    (c) => `${who(c)}在${city(c)}等地营业厅设立12315消费维权服务站${n(c, 5, 150)}个,现场化解消费纠纷${n(c, 100, 5000)}件。`,
    (c) => `与市场监管部门共建消费维权站,${half(c)}受理消费者权益咨询${n(c, 300, 9000)}次。`,
  ],
  complaint_stats: [
    (c) => `${c.year}年${half(c)},${who(c)}用户申告率为${d(c, 5, 60, 2)}件/百万用户,环比下降${d(c, 1, 30)}%。`,
    (c) => `用户满意率达到${d(c, 90, 99.9)}%,投诉办结率${d(c, 97, 99.9)}%。`,
    (c) => `越级申诉量同比下降${d(c, 5, 50)}%,重复投诉率控制在${d(c, 0.5, 5, 2)}%以内。`,
  ],
  emergency: [
    (c) => `圆满完成${c.r.pick(EVENTS)}应急通信保障任务,出动应急通信车${n(c, 10, 300)}车次、保障人员${n(c, 100, 6000)}人次。`,
    (c) => `在${city(c)}储备卫星电话${n(c, 20, 600)}部、大功率油机${n(c, 30, 900)}台,确保重要通信枢纽不断电。`,
    (c) => `${half(c)}累计抢修受损基站${n(c, 50, 3000)}个,恢复受损光缆${n(c, 20, 2000)}皮长公里。`,
  ],
  network: [
    (c) => `${who(c)}新建5G基站${n(c, 1000, 20000)}个,累计开通5G基站${d(c, 1, 20)}万个,实现全省乡镇以上区域5G连续覆盖。`,
    (c) => `行政村5G覆盖率提升至${d(c, 60, 99)}%,重点场所室内深度覆盖率达${d(c, 80, 99)}%。`,
    (c) => `在${city(c)}城区开展5G RedCap物联网试点,部署站点${n(c, 100, 3000)}个。`,
    (c) => `推进共建共享,新增共享4G/5G基站${n(c, 500, 9000)}个,节约投资${d(c, 1, 20)}亿元。`,
  ],
  broadband: [
    (c) => `千兆宽带用户达到${d(c, 20, 900)}万户,千兆光网覆盖家庭${d(c, 100, 2000)}万户。`,
    (c) => `${who(c)}上门检测家庭宽带网络${d(c, 5, 90)}万户,宽带故障平均修复时长缩短至${d(c, 3, 12)}小时。`,
    (c) => `完成${city(c)}老旧小区光纤改造${n(c, 50, 900)}个,FTTH端口占比达${d(c, 90, 99.9)}%。`,
  ],
  rural: [
    (c) => `深入推进数字乡村建设,新建行政村光纤宽带${n(c, 100, 3000)}个,惠及农村人口${d(c, 5, 200)}万人。`,
    (c) => `${who(c)}选派${n(c, 5, 90)}名员工驻村帮扶,在${city(c)}助销农特产品${d(c, 50, 3000)}万元。`,
    (c) => `面向农村低保户、脱贫户推出优惠资费,累计让利${d(c, 100, 9000)}万元。`,
  ],
  green: [
    (c) => `新建光伏系统容量${n(c, 100, 3000)}kWp,单位业务量综合能耗同比下降${d(c, 3, 20, 2)}%。`,
    (c) => `在${city(c)}开展机房节能改造试点,年节电${d(c, 100, 5000)}万千瓦时。`,
    (c) => `${who(c)}持续推进双碳战略,关停退网高能耗老旧设备${n(c, 500, 9000)}台。`,
  ],
  convenience: [
    (c) => `营业厅推出“一站式”办理和异地办服务,${half(c)}跨省通办业务${d(c, 1, 50)}万笔。`,
    (c) => `${who(c)}在${city(c)}开通上门服务专线,为行动不便客户上门办理业务${n(c, 200, 9000)}次。`,
    (c) => `视频客服${half(c)}服务客户${d(c, 5, 300)}万人次,业务平均办理时长缩短${d(c, 10, 60)}%。`,
  ],
  fair_trading: [
    (c) => `${who(c)}严格落实携号转网服务规定,携号转网办理成功率达${d(c, 98, 99.99, 2)}%。`,
    (c) => `开展营销行为专项整治,清理下架不合规资费套餐${n(c, 10, 400)}个,规范入网协议条款。`,
    (c) => `全面推行“明白消费”,资费方案公示率100%,不明扣费投诉同比下降${d(c, 5, 60)}%。`,
  ],
  info_security: [
    (c) => `${who(c)}加强个人信息保护,完成${n(c, 20, 300)}个业务系统数据安全评估,整改安全隐患${n(c, 10, 900)}项。`,
    (c) => `严格落实电话用户实名登记,实名率保持${d(c, 99, 99.99, 2)}%。`,
  ],
  profile: [
    (c) => `${c.subject?.legalName ?? '公司'}(简称“${c.subject?.shortName ?? '公司'}”)成立于${n(c, 1998, 2008)}年,下辖${n(c, 5, 21)}个市(州)分公司,现有员工${n(c, 3000, 60000)}人。`,
    (c) => `${who(c)}是${c.provinceName}内主要的基础电信运营企业,用户规模超过${n(c, 100, 9000)}万户。`,
  ],
};

export const PROVINCE_TEMPLATES: Record<ProvinceCategory, Template[]> = {
  province_users: [
    (c) => {
      const total = c.r.int(50_000, 1_500_000) / 100;
      const mobile = (total * (0.82 + c.r.next() * 0.12)).toFixed(2);
      return `截至${c.year}年${c.half === 1 ? 6 : 12}月,全省电话用户总数达到${total.toFixed(2)}万户,其中移动电话用户${mobile}万户。`;
    },
    (c) => `全省固定宽带用户达到${d(c, 100, 4000, 2)}万户,其中千兆及以上接入速率用户占比${d(c, 5, 40)}%。`,
    (c) => `全省累计建成5G基站${d(c, 1, 30)}万个,每万人拥有5G基站${d(c, 5, 40)}个。`,
  ],
  province_appeals: [
    (c) => `${c.year}年${half(c)},${c.provinceName}电信用户申诉受理中心共受理用户申诉${n(c, 500, 20000)}件,和解率${d(c, 40, 90, 2)}%。`,
    (c) => `全省有效申诉${n(c, 100, 5000)}件,百万用户申诉率为${d(c, 1, 20, 2)}件/百万用户,申诉办结率100%。`,
    (c) => `对用户申诉开展回访${n(c, 300, 9000)}次,回访满意率${d(c, 85, 99)}%。`,
  ],
};

export const CARRIER_CATEGORIES = Object.keys(CARRIER_TEMPLATES) as CarrierCategory[];
