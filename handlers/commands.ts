/**
 * Every command the bot answers, with the one-line description phones show
 * in the command menu (setMyCommands) and the example /help prints.
 */
export interface CommandInfo {
  name: string;
  description: string;
  example: string;
  adminOnly?: boolean;
}

export const COMMANDS: readonly CommandInfo[] = [
  { name: 'carrier', description: '查运营商的公开承诺与数据', example: '/carrier 吉林电信' },
  { name: 'search', description: '按关键词查所有记录', example: '/search 爱心翼站' },
  { name: 'compare', description: '同一期各运营商的指标并排比较', example: '/compare 吉林移动 吉林联通' },
  { name: 'trend', description: '某项指标历次通告的变化(附图表)', example: '/trend 吉林电信 爱心翼站' },
  { name: 'bulletins', description: '收录的通告与报道', example: '/bulletins' },
  { name: 'complain', description: '投诉流程:先找谁、何时申诉、时限与材料', example: '/complain 吉林电信 宽带' },
  { name: 'channels', description: '投诉渠道:12300、12315、12321、96110 及当地维权站', example: '/channels 十堰' },
  { name: 'subscribe', description: '订阅新通告摘要(可按省份、运营商、类别)', example: '/subscribe 吉林 反诈' },
  { name: 'subscriptions', description: '查看本聊天的订阅', example: '/subscriptions' },
  { name: 'unsubscribe', description: '退订摘要', example: '/unsubscribe' },
  { name: 'digest', description: '立即发送待收的摘要', example: '/digest' },
  { name: 'help', description: '使用说明', example: '/help' },
  { name: 'ingest', description: '导入通告文件(管理员)', example: '回复一条文件消息:/ingest', adminOnly: true },
  { name: 'stats', description: '推送统计与进度(管理员)', example: '/stats', adminOnly: true },
  { name: 'broadcast', description: '立即向所有订阅者推送(管理员)', example: '/broadcast', adminOnly: true },
  { name: 'sources', description: '监测来源:查看、添加、删除、立即检查(管理员)', example: '/sources check 3', adminOnly: true },
];
