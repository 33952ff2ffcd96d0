import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appealCentre } from '../../knowledge/complaints/appeal-centres.ts';
import { contextFill, parseComplaintQuery } from '../../knowledge/complaints/complaint-context.ts';
import { articleNumber, PROBLEM_TYPE_IDS, ProcedureData, procedureBook, type ProblemTypeId } from '../../knowledge/complaints/procedures.ts';
import { shippedKnowledge } from '../helpers/knowledge.ts';

const book = procedureBook();
const kb = shippedKnowledge();
const jilin = contextFill(parseComplaintQuery('吉林电信', kb).context, kb);
const nobody = contextFill({}, kb);

const TELECOM_RULE = '《电信用户申诉处理办法》(工业和信息化部令第35号,2016-07-30起施行)第九、十、十一、十二、十四条';
/** The problems that go carrier first, then the telecom appeal centre. */
const TELECOM: ProblemTypeId[] = ['billing', 'network', 'plan', 'porting', 'privacy', 'service'];
/** What the consumer version must not say: staff and legal jargon. */
const JARGON = ['申诉人', '被申诉', '工单', '不予受理', '自然日'];

describe('the shipped procedure data', () => {
  it('covers the nine problem types in menu order, each with a label and an emoji', () => {
    expect(book.problems.map((p) => p.id)).toEqual([...PROBLEM_TYPE_IDS]);
    expect(book.problems.map((p) => p.label)).toEqual([
      '资费/乱扣费争议',
      '宽带/网络质量',
      '套餐/营销/合约',
      '携号转网',
      '骚扰电话/垃圾短信',
      '电信诈骗',
      '个人信息泄露',
      '营业厅服务/适老服务',
      '其他消费纠纷',
    ]);
  });

  it('gives every rule a number, a date and its sources, and every channel its sources', () => {
    for (const id of ['miit35', 'samr20', 'samr121']) {
      const rule = book.rule(id)!;
      expect(rule.number).toMatch(/令第\d+号$/);
      expect(rule.effective).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(rule.sources.length).toBeGreaterThan(0);
    }
    expect(book.rule('miit35')).toMatchObject({ name: '电信用户申诉处理办法', number: '工业和信息化部令第35号', effective: '2016-07-30', status: 'verified' });
    expect(book.rule('samr20')).toMatchObject({ revised: '2022-03-24', status: 'verified' });
    expect(book.rule('samr121')?.status).toBe('unconfirmed');
    for (const c of book.channels) expect(c.sources.length, c.id).toBeGreaterThan(0);
  });

  it('refuses data with an unknown placeholder, a missing problem type or an unknown rule', () => {
    const raw = JSON.parse(readFileSync(new URL('../../knowledge/data/procedures.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(ProcedureData.safeParse(raw).success).toBe(true);
    const broken = (edit: (d: ProcedureData) => void): boolean => {
      const copy = structuredClone(raw) as ProcedureData;
      edit(copy);
      return ProcedureData.safeParse(copy).success;
    };
    expect(broken((d) => void (d.blocks.telecomAppeal[0]!.staff = '找{carier}投诉'))).toBe(false);
    expect(broken((d) => void d.problems.pop())).toBe(false);
    expect(broken((d) => void (d.blocks.telecomAppeal[0]!.basis = { rule: 'nope' }))).toBe(false);
    expect(broken((d) => void (d.blocks.telecomAppeal[0]!.basis = {}))).toBe(false);
    expect(broken((d) => void (d.problems[0]!.keywords['WiFi'] = 3))).toBe(false);
  });

  it('reads article numbers in Chinese numerals', () => {
    expect(['第九条', '第十条', '第十一条', '第十四条', '第二十条', '第四十五条'].map(articleNumber)).toEqual([9, 10, 11, 14, 20, 45]);
  });
});

describe.each(TELECOM)('%s: carrier first, then the appeal centre', (id) => {
  const staff = book.render(id, 'staff', jilin);
  const consumer = book.render(id, 'consumer', jilin);
  const text = staff.steps.join('\n');

  it('has the carrier and its hotline in the first step, with the work-order number and date to keep', () => {
    const first = staff.steps[0]!;
    expect(first).toContain('吉林电信');
    expect(first).toContain('10000');
    expect(first).toContain('工单号');
    expect(first).toContain('日期');
  });

  it('allows an appeal after 15日 without an answer or an unsatisfying one, to the province’s centre via 12300', () => {
    expect(text).toContain('未在15日内答复');
    expect(text).toContain('对处理结果不满意');
    expect(text).toContain('向吉林省电信用户申诉受理中心申诉:电话12300,网上 yhssglxt.miit.gov.cn');
  });

  it('states the time limits (5个月 billing, 2年 other), the deadlines and the materials', () => {
    expect(text).toContain('收费争议距发生超过5个月、其他争议超过2年');
    expect(text).toContain('5个工作日内决定是否受理');
    expect(text).toContain('30日内答复');
    expect(text).toContain('申诉人姓名、地址、电话、邮编');
    expect(text).toContain('(惯例做法,非规定要求)');
  });

  it('cites the rule by name, number, date and the verified articles, as of a date', () => {
    expect(staff.citations).toEqual([TELECOM_RULE]);
    expect(staff.asOf).toBe('2026-11-23');
    expect(staff.unconfirmed).toEqual(['各省拨打12300是否需要加区号。']);
  });

  it('has a consumer version addressed to 您, with the same numbers and conditions, without jargon or the unconfirmed', () => {
    const all = consumer.steps.join('\n');
    expect(all).toContain('您');
    for (const s of ['吉林电信', '10000', '12300', 'yhssglxt.miit.gov.cn', '15日', '5个月', '2年', '5个工作日', '30日']) expect(all).toContain(s);
    for (const word of JARGON) expect(all).not.toContain(word);
    expect(consumer.citations).toEqual(['《电信用户申诉处理办法》']);
    expect(consumer.unconfirmed).toEqual([]);
    expect(consumer.steps).toHaveLength(staff.steps.length);
  });
});

describe('exact text of the stable steps', () => {
  it('billing, for 吉林电信', () => {
    expect(book.render('billing', 'staff', jilin).steps).toEqual([
      '先向吉林电信投诉:客服热线10000,或营业厅、官方App;指明有异议的费用项目和月份,记下投诉工单号和日期。',
      '可申诉的情形:已向吉林电信投诉,对处理结果不满意,或吉林电信未在15日内答复(自然日)。申诉人须与事项有直接利害关系,被申诉企业明确,请求和事实具体。',
      '向吉林省电信用户申诉受理中心申诉:电话12300,网上 yhssglxt.miit.gov.cn。所在省未设申诉受理机构的,向工业和信息化部电信用户申诉受理中心申诉。',
      '不予受理:收费争议距发生超过5个月、其他争议超过2年;已和解并执行;法院、仲裁机构、消费者组织或其他行政机关已受理或处理。',
      '时限:申诉受理机构收到材料后5个工作日内决定是否受理(不受理须说明理由),30日内答复处理情况。',
      '书面申诉,写明:申诉人姓名、地址、电话、邮编;被申诉企业名称、地址;申诉要求、理由、事实;申诉日期。',
      '附上账单、扣费短信、缴费记录和投诉工单号(惯例做法,非规定要求)。',
    ]);
  });

  it('without a carrier: every group hotline and the province left open', () => {
    const first = book.render('network', 'staff', nobody).steps;
    expect(first[0]).toBe(
      '先向运营商报修或投诉:客服热线(移动10086、联通10010、电信10000、广电10099),或营业厅、官方App;说明故障的时间、地点和现象(断网、网速慢、无信号),记下工单号和日期。',
    );
    expect(first[2]).toContain('向运营商所在省的电信用户申诉受理机构申诉');
  });
});

describe('骚扰电话/垃圾短信', () => {
  const r = book.render('spam', 'staff', jilin);
  const text = r.steps.join('\n');

  it('reports to 12321 with the original SMS, also to the carrier, and routes fraud to 96110/110', () => {
    expect(r.steps[0]).toBe('向12321举报:网站 www.12321.cn,或微信公众号“12321举报中心”。垃圾短信提交原文,不要改动内容。');
    expect(r.steps[1]).toBe('也可向吉林电信投诉:客服热线10000,记下工单号。');
    expect(text).toContain('96110');
    expect(text).toContain('110报警');
    expect(text).toContain('12381发来的短信是涉诈预警,不是骚扰短信');
    expect(text).not.toContain('12300');
  });

  it('names the channels it rests on, since no rule covers them', () => {
    expect(r.citations).toEqual([]);
    expect(r.channels).toEqual(['12321网络不良与垃圾信息举报受理中心', '96110 反诈专线', '110 报警', '12381 涉诈预警短信']);
  });
});

describe('电信诈骗', () => {
  const staff = book.render('fraud', 'staff', nobody);
  const consumer = book.render('fraud', 'consumer', nobody);

  it('110 for money lost, 96110 to ask or report, 12381 explained as a warning and not a channel, 12321 to report', () => {
    expect(staff.steps[0]).toMatch(/^已被骗或已转账:立即拨打110报警/);
    expect(staff.steps[1]).toBe('怀疑诈骗、需要咨询或举报涉诈线索:拨打96110。');
    expect(staff.steps[2]).toContain('接到96110来电');
    expect(staff.steps[3]).toBe('12381是工业和信息化部、公安部的涉诈预警短信(2021-07-14起),不是投诉渠道;短信不带链接,不要回复。');
    expect(staff.steps[4]).toContain('12321');
  });

  it('tells the consumer the same in plain words', () => {
    const all = consumer.steps.join('\n');
    for (const n of ['110', '96110', '12381', '12321']) expect(all).toContain(n);
    expect(all).toContain('请一定接听');
    for (const word of JARGON) expect(all).not.toContain(word);
  });
});

describe('个人信息泄露', () => {
  it('carrier first, 12321 for the leak, 110 for losses, then the telecom appeal', () => {
    const r = book.render('privacy', 'staff', jilin);
    expect(r.steps[1]).toBe('个人信息泄露可向12321举报:www.12321.cn 或微信公众号“12321举报中心”。');
    expect(r.steps[2]).toBe('信息被用于诈骗或已造成财产损失的,拨打110报警。');
    expect(r.channels).toEqual(['12321网络不良与垃圾信息举报受理中心', '110 报警']);
  });
});

describe('营业厅服务/适老服务', () => {
  it('mentions the 12315 consumer-rights station in the hall', () => {
    const r = book.render('service', 'staff', jilin);
    expect(r.steps[0]).toContain('当场找营业厅负责人');
    expect(r.steps[1]).toBe('营业厅设有“12315消费维权站”的,可当场向维权站反映,由企业现场受理。');
  });
});

describe('其他消费纠纷', () => {
  const staff = book.render('other', 'staff', nobody);

  it('goes to 12315, with the 3-year limit and the 7/45 working-day deadlines of the 12315 rule', () => {
    const text = staff.steps.join('\n');
    expect(staff.steps[1]).toBe('向市场监管部门投诉:12315热线,或全国12315平台 www.12315.cn、App、小程序。');
    expect(text).toContain('超过3年的投诉,不予受理');
    expect(text).toContain('7个工作日内决定是否受理');
    expect(text).toContain('45个工作日内未达成调解协议的,终止调解');
  });

  it('cites the interim 12315 rule with its revision date and says the 2026 rule is unconfirmed', () => {
    expect(staff.citations[0]).toBe('《市场监督管理投诉举报处理暂行办法》(国家市场监督管理总局令第20号,2020-01-01起施行,2022-03-24修订)');
    expect(staff.unconfirmed).toHaveLength(1);
    expect(staff.unconfirmed[0]).toContain('总局令第121号');
    expect(staff.unconfirmed[0]).toContain('2026-04-15');
  });
});

describe('appeal centres', () => {
  it('names Jilin’s from the seed bulletin, citing the paragraph', () => {
    expect(appealCentre(kb, 'JL')).toMatchObject({
      label: '吉林省电信用户申诉受理中心',
      verified: true,
      cites: ['《2023年下半年吉林省电信服务质量通告》第102段'],
    });
  });

  it('names Hubei’s from the regulator’s page, with its postal address', () => {
    const hb = appealCentre(kb, 'HB')!;
    expect(hb).toMatchObject({ label: '湖北省电信用户申诉受理中心', verified: true, email: 'hubei12300@126.com' });
    expect(hb.cites[0]).toContain('hubca.miit.gov.cn');
  });

  it('describes every other province by its 通信管理局, never claiming the conventional name', () => {
    for (const p of kb.regions.provinces) {
      const c = appealCentre(kb, p.code)!;
      expect(c.conventionalName).toBe(`${p.name}电信用户申诉受理中心`);
      if (p.code === 'JL' || p.code === 'HB') continue;
      expect(c.verified, p.code).toBe(false);
      expect(c.label).toBe(`${p.name}通信管理局的电信用户申诉受理机构`);
    }
    expect(appealCentre(kb, 'CN')).toBeUndefined();
  });
});
