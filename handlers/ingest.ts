import { NotABulletinError } from '../knowledge/ingest/parse-bulletin.ts';
import { formatRefusal, UnreadableSourceError } from '../knowledge/ingest/read-source.ts';
import { adminOnly } from './admin.ts';
import { clip } from './format.ts';
import { ingestSummary } from './ingest-summary.ts';
import { escapeHtml, reply, type Reply } from './reply.ts';
import type { DocumentRequest, Services } from './request.ts';


export const INGEST_HOW_TO =
  '导入通告:把 .txt、.md、.html、.pdf 或 .docx 文件直接发给我,或在群里回复那条文件消息并发送 /ingest。文本文件支持 UTF-8 和 GBK 编码;扫描版 PDF(只有图片)无法读取,旧版 .doc 请先另存为 .docx。';

/** An uploaded bulletin: admins only; anything else is refused before a byte is read. */
export async function ingestDocument(req: DocumentRequest, services: Services): Promise<Reply> {
  if (!req.user.isAdmin) return reply(adminOnly('ingest'));
  const name = escapeHtml(clip(req.fileName, 60));
  const refusal = formatRefusal(req.fileName);
  if (refusal) return reply(`✗ 无法导入“${name}”:${escapeHtml(refusal)}\n知识库未改动。`);
  if (req.size > services.maxUploadBytes) {
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    return reply(`✗ 无法导入“${name}”:文件 ${mb(req.size)} MB,超过上限 ${mb(services.maxUploadBytes)} MB。知识库未改动。`);
  }
  if (!req.bytes) return reply(`✗ 没能下载“${name}”,请稍后再发一次。知识库未改动。`);
  try {
    const result = await services.ingest(req.bytes, req.fileName);
    return reply(ingestSummary(result, services.knowledge().regions));
  } catch (e) {
    if (e instanceof UnreadableSourceError || e instanceof NotABulletinError) {
      return reply(`✗ 无法导入“${name}”:${escapeHtml(e.message)}\n知识库未改动。`);
    }
    throw e;
  }
}
