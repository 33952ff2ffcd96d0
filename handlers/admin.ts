import { COMMANDS } from './commands.ts';

/** What each admin-only command would have done, for the refusal. */
const ACTIONS: Record<string, string> = { ingest: '导入通告', stats: '查看统计', broadcast: '发起推送', sources: '管理监测来源' };

/** The refusal everyone but an admin gets; ingestion also says where to send the file instead. */
export function adminOnly(command: string): string {
  const refusal = `抱歉,只有管理员可以${ACTIONS[command] ?? '使用这个命令'}。`;
  return command === 'ingest' ? `${refusal}如需收录新的通告,请把文件转给管理员。` : refusal;
}

/** Commands marked adminOnly in COMMANDS are refused here, once, before any handler runs. */
export function isAdminOnly(command: string): boolean {
  return COMMANDS.some((c) => c.name === command && c.adminOnly);
}
