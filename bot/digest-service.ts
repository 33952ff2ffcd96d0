import type { Chat, DigestService, SubscriptionView } from '../handlers/request.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { DigestFilter } from '../knowledge/digests/subscription-filter.ts';
import type { Broadcaster } from './broadcaster.ts';
import type { DigestRunner } from './digest-runner.ts';
import type { Logger } from './logger.ts';
import type { StateStore } from './state-store.ts';

export interface DigestServiceDeps {
  state: StateStore;
  runner: DigestRunner;
  broadcaster: Broadcaster;
  knowledge: () => KnowledgeBase;
  log: Logger;
  schedule: string;
  nextRun: () => Date | undefined;
  /** Telegram's answer to "is this user an admin of this group?"; the terminal says yes. */
  isGroupAdmin: (chatId: number, userId: number) => Promise<boolean>;
  /** False in the terminal: there is nobody to broadcast to. */
  canBroadcast: boolean;
}

/** The digest features as handlers see them, over the state store, the runner and the broadcaster. */
export function createDigestService(d: DigestServiceDeps): DigestService {
  const view = (chatId: number): SubscriptionView | undefined => {
    const s = d.state.subscription(chatId);
    if (!s) return undefined;
    return { filter: s.filter, active: s.active, since: s.since, ...(s.endedReason ? { endedReason: s.endedReason } : {}) };
  };
  return {
    subscription: view,
    subscribe(chat: Chat, filter: DigestFilter) {
      const existing = d.state.subscription(chat.id);
      // A running subscription keeps its place; a new (or renewed) one starts from today's knowledge.
      const cursor = existing?.active ? existing.cursor : d.knowledge().seq;
      const since = existing?.active ? existing.since : new Date().toISOString();
      d.state.subscribe({ chatId: chat.id, chatType: chat.type, filter, cursor, active: true, since });
    },
    unsubscribe(chatId: number) {
      if (!d.state.subscription(chatId)?.active) return false;
      d.state.unsubscribe(chatId, '用户退订');
      return true;
    },
    async canManage(chat: Chat, userId: number) {
      if (chat.type !== 'group' && chat.type !== 'supergroup') return true;
      try {
        return await d.isGroupAdmin(chat.id, userId);
      } catch (error) {
        d.log.warn('could not check group admin rights', { chatId: chat.id, error });
        return false;
      }
    },
    sendNow(chat: Chat) {
      return d.runner.runOne(chat.id);
    },
    broadcastNow() {
      if (!d.canBroadcast) return 'unavailable';
      const run = d.runner.runAll('manual');
      if (!run) return 'busy';
      run.catch((error: unknown) => d.log.error('broadcast failed', { error }));
      return 'started';
    },
    stats() {
      const subs = d.state.allSubscriptions();
      const totals = d.state.totals();
      const next = d.nextRun();
      return {
        subscribers: subs.filter((s) => s.active).length,
        unsubscribed: subs.filter((s) => !s.active).length,
        ...totals,
        running: d.broadcaster.progress(),
        ...(next ? { nextRun: next } : {}),
      };
    },
    schedule: d.schedule,
  };
}
