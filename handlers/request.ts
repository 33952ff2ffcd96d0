import { z } from 'zod';
import type { IngestResult } from '../knowledge/ingest/ingest.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { DigestFilter } from '../knowledge/digests/subscription-filter.ts';
import type { WatchService } from './sources.ts';

export const ChatType = z.enum(['private', 'group', 'supergroup', 'channel', 'terminal']);

export const Chat = z.object({ id: z.number(), type: ChatType });
export type Chat = z.infer<typeof Chat>;

export const User = z.object({
  id: z.number(),
  /** Listed in ADMIN_IDS. */
  isAdmin: z.boolean(),
});
export type User = z.infer<typeof User>;

export const Request = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), command: z.string(), args: z.string(), chat: Chat, user: User }),
  z.object({ kind: z.literal('callback'), data: z.string(), chat: Chat, user: User }),
  /** Plain text in a private chat: answered as a carrier name or a search. */
  z.object({ kind: z.literal('text'), text: z.string(), chat: Chat, user: User }),
  /** A file sent for ingestion. The adapter downloads `bytes` only for admins, within the size limit. */
  z.object({
    kind: z.literal('document'),
    fileName: z.string(),
    size: z.number().int().nonnegative(),
    bytes: z.instanceof(Uint8Array).optional(),
    chat: Chat,
    user: User,
  }),
  /** An inline query (@bot 吉林电信): answered with results to pick from, not a reply; see handlers/inline.ts. */
  z.object({ kind: z.literal('inline'), query: z.string(), user: User }),
]);
export type Request = z.infer<typeof Request>;
export type CommandRequest = Extract<Request, { kind: 'command' }>;
export type CallbackRequest = Extract<Request, { kind: 'callback' }>;
export type TextRequest = Extract<Request, { kind: 'text' }>;
export type DocumentRequest = Extract<Request, { kind: 'document' }>;
export type InlineRequest = Extract<Request, { kind: 'inline' }>;

export type ParsedText =
  | { kind: 'command'; command: string; args: string }
  | { kind: 'text'; text: string }
  /** A command addressed to another bot in a group (/help@OtherBot): not ours to answer. */
  | { kind: 'other_bot' };

/**
 * Splits "/carrier@ThisBot 吉林 电信" into command and arguments. Commands
 * addressed to another bot are recognised so they can be ignored.
 */
export function parseText(text: string, botUsername?: string): ParsedText {
  const m = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return { kind: 'text', text };
  const [, command, target, args] = m;
  if (target && botUsername && target.toLowerCase() !== botUsername.toLowerCase()) return { kind: 'other_bot' };
  return { kind: 'command', command: command!, args: (args ?? '').trim() };
}

/** What handlers may use. The runtime supplies it; tests build it from fixtures. */
export interface Services {
  /** The current knowledge; changes after a reload, so handlers ask for it per request. */
  knowledge(): KnowledgeBase;
  /** Short-lived memory for search queries, so page buttons carry an id instead of the text. */
  queries: QueryMemory;
  /** Ingests an uploaded file and makes the running bot answer from it. */
  ingest(bytes: Uint8Array, fileName: string): Promise<IngestResult & { encoding: string }>;
  /** Largest file ingestion accepts (INGEST_MAX_BYTES). */
  maxUploadBytes: number;
  /** Digest subscriptions and the broadcaster. */
  digests: DigestService;
  /** The source watcher; absent when WATCH is off. */
  watch?: WatchService;
}

export interface SubscriptionView {
  filter: DigestFilter;
  active: boolean;
  since: string;
  endedReason?: string;
}

export interface BroadcastStats {
  subscribers: number;
  unsubscribed: number;
  messagesSent: number;
  digestsDelivered: number;
  deferrals: number;
  unsubscribedByTelegram: number;
  running: Array<{ runId: string; total: number; sent: number; dropped: number; deferred: number; pending: number }>;
  nextRun?: Date;
}

export interface DigestService {
  subscription(chatId: number): SubscriptionView | undefined;
  /** Starts or changes a subscription; a new one starts from the current knowledge, not its history. */
  subscribe(chat: Chat, filter: DigestFilter): void;
  unsubscribe(chatId: number): boolean;
  /** Whether the user may change this chat's subscription: anyone in a private chat, admins in a group. */
  canManage(chat: Chat, userId: number): Promise<boolean>;
  /** Sends this chat its pending digest now. */
  sendNow(chat: Chat): Promise<'queued' | 'nothing' | 'in_progress' | 'not_subscribed'>;
  /** Starts a broadcast to every subscriber now, unless one is running. */
  broadcastNow(): 'started' | 'busy' | 'unavailable';
  stats(): BroadcastStats;
  /** When digests go out, in words: "工作日 09:00(Asia/Shanghai)". */
  schedule: string;
}

export interface QueryMemory {
  remember(query: string): string;
  recall(id: string): string | undefined;
}
