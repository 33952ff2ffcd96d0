/**
 * Fact categories: what staff look a carrier up for. The keyword lists are the
 * classifier; a keyword's weight is its length unless boosted, so specific
 * phrases ("一键接入人工") outvote generic ones ("服务").
 */
export const CATEGORY_IDS = [
  'elder',
  'anti_fraud',
  'spam',
  'complaint_channels',
  'consumer_stations',
  'complaint_stats',
  'emergency',
  'network',
  'broadband',
  'rural',
  'green',
  'convenience',
  'fair_trading',
  'info_security',
  'profile',
  'province_users',
  'province_appeals',
  // Appended, not inserted: callback data carries a category's index in this list.
  'resale',
] as const;

type CategoryKey = (typeof CATEGORY_IDS)[number];

interface CategoryInfo {
  label: string;
  emoji: string;
  /** Province-level categories only describe a whole province, never one carrier. */
  scope: 'any' | 'province';
  keywords: Record<string, number | true>;
}

export const CATEGORIES: Record<CategoryKey, CategoryInfo> = {
  elder: {
    label: '适老服务',
    emoji: '👵',
    scope: 'any',
    keywords: {
      老年: true, 老人: true, 适老: 4, 银发: 4, 助老: 4, 敬老: 4, 长者: true, 爱心座椅: 8, 爱心专席: 8,
      老花镜: true, 一键接入人工: 12, 一键转人工: 12, 爱心翼站: 8, 爱心驿站: 8, 无障碍: 4, 残疾人: 4,
      助残: 4, 老人座席: 6, 爱心药箱: 6, 孝心: true, 关爱: 1,
    },
  },
  anti_fraud: {
    label: '反诈',
    emoji: '🛡️',
    scope: 'any',
    keywords: {
      反诈: 6, 诈骗: 6, 涉诈: 6, 防诈: 6, 公安机关: 3, '96110': 6, 断卡: 5, 黑卡: 4, 犯罪嫌疑人: 4,
      案件: 2, 预警: 2, 劝阻: 3, 线索打击: 5, 警示教育: 5,
    },
  },
  spam: {
    label: '垃圾短信与骚扰电话',
    emoji: '🚫',
    scope: 'any',
    keywords: {
      垃圾短信: 8, 垃圾短彩信: 9, 骚扰电话: 8, 骚扰号码: 8, 骚扰: 4, '12321': 6, 不良信息: 6, 响一声: 6,
      语音群呼: 6, 一键封堵: 5, 拦截: 3, 违规网站: 5, 谢绝来电: 6, 来电管家: 6,
      // 12321 takes reports of apps too ("受理不良应用举报27815件次"): a report count is this topic.
      举报: 2, 不良应用: 6, App举报: 6, APP举报: 6, 应用举报: 6,
    },
  },
  complaint_channels: {
    label: '投诉渠道',
    emoji: '☎️',
    scope: 'any',
    keywords: {
      客服热线: 5, 客户服务热线: 6, 服务热线: 4, 投诉渠道: 6, 申诉渠道: 6, '10000号': 5, '10086': 4, '10010': 4, '10099': 4, 热线: 2,
      投诉处理: 4, 首问负责: 6, 投诉响应: 5, 处理流程: 3, 先承诺: 5, 远柜专席: 5, 远程柜台: 5,
    },
  },
  consumer_stations: {
    label: '12315 维权站',
    emoji: '🏷️',
    scope: 'any',
    keywords: { '12315': 10, 消费维权站: 12, 维权服务站: 12, 维权站: 10, 消费维权: 6, 消费者权益: 2 },
  },
  complaint_stats: {
    label: '投诉与满意度',
    emoji: '📉',
    scope: 'any',
    keywords: {
      申告率: 8, 投诉量: 6, 满意率: 6, 满意度: 2, 及时率: 6, 办结率: 6, 解决率: 6, 投诉: 2, 申告: 4,
      被举报: 2, 申诉率: 6, 百万用户: 5, 被申诉: 6, 申诉量: 5, 申诉: 3,
      // The longest keyword wins where they overlap: a carrier's 用户申诉率 must not fall to the province-only 用户申诉.
      用户申诉率: 8, 有效申诉: 7, 用户申诉量: 8,
      // "服务类问题占比48.2%": the breakdown of complaints by kind of problem.
      问题占比: 4,
    },
  },
  emergency: {
    label: '应急通信',
    emoji: '🚨',
    scope: 'any',
    keywords: {
      应急: 4, 抢修: 5, 防汛: 5, 抗洪: 5, 台风: 4, 救灾: 5, 通信保障: 5, 保障任务: 5, 重大活动: 4,
      卫星电话: 5, 油机: 4, 灾害: 3, 暴雪: 3, 重保: 4, 生命线: 3, 汛情: 4,
    },
  },
  network: {
    label: '网络建设',
    emoji: '📶',
    scope: 'any',
    keywords: {
      '5G': 3, '4G': 3, 基站: 5, 网络覆盖: 5, 覆盖率: 3, 中频: 4, 站点: 3, 共建共享: 5, 物联网: 4,
      RedCap: 4, 信号: 2, 深度覆盖: 5, 连续覆盖: 5, 小区: 1, 移动网络: 3, 算力: 3, IDC: 3, 云计算: 3,
      数据中心: 2, 出口带宽: 5, 城域网: 5, 接通率: 4, 可接入率: 5, 掉话率: 5, 网络运行: 3,
    },
  },
  broadband: {
    label: '宽带',
    emoji: '🌐',
    scope: 'any',
    keywords: {
      宽带: 4, 千兆: 5, 光纤: 4, FTTH: 5, Mbps: 4, 家宽: 4, 端口: 3, 接入速率: 6, 下行: 3, 带宽: 3,
      万兆: 4, 排障: 3,
    },
  },
  rural: {
    label: '乡村振兴',
    emoji: '🌾',
    scope: 'any',
    keywords: {
      乡村振兴: 8, 数字乡村: 8, 行政村: 4, 农村: 3, 驻村: 5, 帮扶: 4, 脱贫: 5, 扶贫: 5, 惠农: 5,
      乡镇: 2, 农特产品: 5, 电商: 2, 让利: 3, 低保: 4, 优惠资费: 3,
    },
  },
  green: {
    label: '绿色节能',
    emoji: '🌱',
    scope: 'any',
    keywords: {
      节能: 5, 降碳: 5, 低碳: 5, 光伏: 6, 能耗: 5, 绿色: 3, 双碳: 5, kWp: 6, 清洁能源: 6, 减排: 5,
    },
  },
  convenience: {
    label: '便民服务',
    emoji: '🏪',
    scope: 'any',
    keywords: {
      营业厅: 4, 便民: 4, 线上办: 5, 异地办: 5, 异地: 2, 视频客服: 6, 自助: 3, 办理时长: 5, 排队: 3,
      购物车: 4, 跨省: 3, 一站式: 4, 上门: 3, 窗口: 3, 公益服务: 4, 服务触点: 4,
    },
  },
  fair_trading: {
    label: '规范经营',
    emoji: '⚖️',
    scope: 'any',
    keywords: {
      营销: 4, 资费: 3, 携号转网: 8, 携号转入: 8, 携号转出: 8, 携转: 6, 套餐: 3, 明白消费: 6, 入网协议: 6, 合约: 3, 纠风: 4, 行风: 4,
      速率: 2, 免责条款: 5, 明码: 4, 不明扣费: 6, 乱收费: 6, 诚信经营: 4, 违规: 2, 责令整改: 5, 通报批评: 5, 约谈: 4,
    },
  },
  info_security: {
    label: '信息安全',
    emoji: '🔐',
    scope: 'any',
    keywords: {
      个人信息: 6, 信息安全: 5, 实名: 4, 数据安全: 5, 隐私: 5, 网络安全: 4, 信息保护: 5, 等保: 3,
    },
  },
  profile: {
    label: '企业概况',
    emoji: '🏢',
    scope: 'any',
    keywords: {
      成立: 3, 员工: 4, 全资子公司: 6, 上市: 3, 职能部门: 5, 下辖: 4, 下设: 3, 用户规模: 5, 主要经营: 8, 经营权: 6,
      骨干企业: 6, 特大型: 4, 省级分支机构: 6, 子公司: 4,
      '500强': 5, 分支机构: 4, 业务范围: 4,
    },
  },
  province_users: {
    label: '全省用户规模',
    emoji: '👥',
    scope: 'province',
    keywords: {
      用户总数: 8, 电话用户: 6, 移动电话用户: 8, 固定电话用户: 8, 宽带用户: 6, 用户数: 4, 万户: 3,
      普及率: 5, 接入用户: 4,
    },
  },
  province_appeals: {
    label: '全省申诉情况',
    emoji: '📨',
    scope: 'province',
    keywords: {
      申诉受理中心: 8, 受理用户申诉: 10, 用户申诉: 6, 申诉: 4, 和解: 5, 调解: 4, 咨询: 2, 回访: 3,
      申告率: 6, 办结率: 6, 满意率: 4, 百万用户: 5, 有效申诉: 8, 用户申诉率: 9, 用户申诉量: 9, 问题占比: 4,
    },
  },
  /** 移动转售 (MVNO) resellers: companies bulletins report on beside the carriers, never carriers themselves. */
  resale: {
    label: '移动转售',
    emoji: '🔁',
    scope: 'any',
    keywords: {
      移动转售: 12, 转售企业: 10, 转售业务: 10, 虚拟运营商: 10, 虚商: 6, 转售: 3, '170号段': 6, '171号段': 6,
    },
  },
};

export function categoryLabel(id: CategoryKey): string {
  const info = CATEGORIES[id];
  return `${info.emoji} ${info.label}`;
}

/** A keyword may count for several categories (申告率: a carrier's complaint figures, or a province's). */
const KEYWORD_WEIGHTS = new Map<string, Array<{ weight: number; category: CategoryKey }>>();
for (const category of CATEGORY_IDS) {
  for (const [keyword, w] of Object.entries(CATEGORIES[category].keywords)) {
    const list = KEYWORD_WEIGHTS.get(keyword) ?? [];
    list.push({ weight: w === true ? keyword.length : w, category });
    KEYWORD_WEIGHTS.set(keyword, list);
  }
}

/** One pass over the text; at each position the longest keyword wins, so "垃圾短彩信" does not also count as "短信". */
const KEYWORD_PATTERN = new RegExp(
  [...KEYWORD_WEIGHTS.keys()]
    .sort((a, b) => b.length - a.length)
    .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'g',
);

export function scoreCategories(text: string): Map<CategoryKey, number> {
  const scores = new Map<CategoryKey, number>();
  for (const m of text.matchAll(KEYWORD_PATTERN)) {
    for (const k of KEYWORD_WEIGHTS.get(m[0]) ?? []) scores.set(k.category, (scores.get(k.category) ?? 0) + k.weight);
  }
  return scores;
}

/** The best category for text, or undefined when nothing scores at least minScore. */
export function classify(text: string, level: 'carrier' | 'province', minScore = 1): CategoryKey | undefined {
  let best: CategoryKey | undefined;
  let bestScore = minScore - 1;
  for (const [category, score] of scoreCategories(text)) {
    const info = CATEGORIES[category];
    if (level === 'carrier' && info.scope === 'province') continue;
    // Ties go to the earlier category in CATEGORY_IDS: the list is ordered by how specific a commitment is.
    if (score > bestScore || (score === bestScore && best && CATEGORY_IDS.indexOf(category) < CATEGORY_IDS.indexOf(best))) {
      best = category;
      bestScore = score;
    }
  }
  return best;
}
