import { answerReading, readQuestion } from './ask.ts';
import { bulletinList, bulletinView, regionFactsPage } from './bulletins.ts';
import { decode } from './callback-data.ts';
import { carrierCard, carrierCommand, carrierList, carrierPeriods, factsPage, MAX_QUERY_CHARS, stale } from './carrier.ts';
import { compareCommand } from './compare.ts';
import { channelsCommand } from './channels.ts';
import { complainCommand, problemMenuFor, procedureFor } from './complain.ts';
import { clip } from './format.ts';
import { helpReply } from './help.ts';
import { adminOnly, isAdminOnly } from './admin.ts';
import { ingestDocument, INGEST_HOW_TO } from './ingest.ts';
import { escapeHtml, finalize, reply, type Reply } from './reply.ts';
import type { CallbackRequest, CommandRequest, Request, Services, TextRequest } from './request.ts';
import { searchCommand, searchPage } from './search.ts';
import { trendById, trendCommand } from './trend.ts';
import { sourcesCommand } from './sources.ts';
import { broadcastCommand, digestCommand, statsCommand, subscribeCommand, subscriptionsCommand, unsubscribeCommand } from './subscribe.ts';

/**
 * The one entry point the adapters call. Pure with respect to transport:
 * the same request gives the same reply on Telegram, in the terminal and
 * in tests. Every reply leaves here split to Telegram's limits.
 */
export async function handle(req: Request, services: Services): Promise<Reply> {
  let r: Reply;
  if (req.kind === 'command') r = await command(req, services);
  else if (req.kind === 'callback') r = await callback(req, services);
  else if (req.kind === 'document') r = await ingestDocument(req, services);
  else if (req.kind === 'text') r = text(req, services);
  // Inline queries are answered with results, not a reply: adapters call answerInline (handlers/inline.ts).
  else throw new Error('inline queries go through answerInline');
  return finalize(r);
}

const COMPLAINT_INTENT = /投诉|申诉|举报|维权|怎么办|被骗|骗了|乱扣费|乱收费/;

/** A bare name or phrase in a private chat: a carrier card when it names one, otherwise a search. */
function text(req: TextRequest, services: Services): Reply {
  const kb = services.knowledge();
  const query = req.text.trim();
  if (!query) return helpReply(kb, req.user.isAdmin);
  // "吉林电信爱心翼站有多少家": a question about a figure gets the figure, before complaint words
  // (辽宁申诉多少件) or a search could take it.
  const question = readQuestion(query, kb);
  if (question) return answerReading(question, kb);
  // "宽带老断怎么投诉", "被骗了怎么办": someone asking what to do gets the procedure, not a search.
  if ([...query].length <= MAX_QUERY_CHARS && COMPLAINT_INTENT.test(query)) return complainCommand(query, kb);
  const r = [...query].length <= MAX_QUERY_CHARS ? kb.resolver.resolve(query) : undefined;
  if (r?.kind === 'found' || (r?.kind === 'candidates' && r.reason !== 'similar')) return carrierCommand(query, kb);
  return searchCommand(query, services);
}

async function command(req: CommandRequest, services: Services): Promise<Reply> {
  const kb = services.knowledge();
  const name = req.command.toLowerCase();
  if (isAdminOnly(name) && !req.user.isAdmin) return reply(adminOnly(name));
  switch (name) {
    case 'start':
    case 'help':
      return helpReply(kb, req.user.isAdmin);
    case 'carrier':
      return carrierCommand(req.args, kb);
    case 'search':
      return searchCommand(req.args, services);
    case 'compare':
      return compareCommand(req.args, kb);
    case 'trend':
      return trendCommand(req.args, kb);
    case 'bulletins':
      return bulletinList(kb, 0);
    case 'complain':
      return complainCommand(req.args, kb);
    case 'channels':
      return channelsCommand(req.args, kb);
    case 'subscribe':
      return subscribeCommand(req, services);
    case 'subscriptions':
      return subscriptionsCommand(req, services);
    case 'unsubscribe':
      return unsubscribeCommand(req, services);
    case 'digest':
      return digestCommand(req, services);
    case 'stats':
      return statsCommand(services);
    case 'broadcast':
      return broadcastCommand(services);
    case 'sources':
      return sourcesCommand(req, services);
    case 'ingest':
      // A bare /ingest: the adapter turns /ingest replying to a file into a document request.
      return reply(INGEST_HOW_TO);
    default:
      return reply(`没有 /${escapeHtml(clip(req.command, 32))} 这个命令。发送 /help 查看全部命令。`);
  }
}

async function callback(req: CallbackRequest, services: Services): Promise<Reply> {
  const kb = services.knowledge();
  const action = decode(req.data);
  if (!action) return stale();
  switch (action.kind) {
    case 'carrier': {
      const c = kb.carrier(action.carrierId);
      return c ? carrierCard(c, kb) : stale();
    }
    case 'facts':
      return factsPage(action.carrierId, action.category, action.page, kb);
    case 'periodFacts':
      return factsPage(action.carrierId, action.category, action.page, kb, action.period);
    case 'carrierPeriod': {
      const c = kb.carrier(action.carrierId);
      return c ? carrierCard(c, kb, action.period) : stale();
    }
    case 'carrierPeriods':
      return carrierPeriods(action.carrierId, kb);
    case 'trend':
      return trendById(action.owner, action.measure, kb) ?? stale();
    case 'carriers':
      return { ...carrierList(kb, action.page), edit: true };
    case 'bulletins':
      return bulletinList(kb, action.page);
    case 'bulletin':
      return bulletinView(action.bulletinId, kb);
    case 'regionFacts':
      return regionFactsPage(action.bulletinId, action.page, kb);
    case 'complainMenu':
      return problemMenuFor(action.context, kb);
    case 'procedure':
      return procedureFor(action.problem, action.context, action.audience, kb);
    case 'search': {
      const query = services.queries.recall(action.queryId);
      if (!query) return reply('这次搜索已过期,请重新发送 /search 关键词。');
      return searchPage(action.queryId, query, action.page, kb);
    }
  }
}
