import type { Reply } from '../../handlers/reply.ts';
import type { Chat, Services, User } from '../../handlers/request.ts';
import { handle } from '../../handlers/router.ts';

export const PRIVATE_CHAT: Chat = { id: 1, type: 'private' };
export const STAFF: User = { id: 7, isAdmin: false };

/** Requests as the adapters build them, for handler tests: "/carrier 吉林电信" and button presses. */
export function requester(services: Services, chat: Chat = PRIVATE_CHAT, user: User = STAFF) {
  return {
    command(text: string): Promise<Reply> {
      const [, name = '', args = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
      return handle({ kind: 'command', command: name, args, chat, user }, services);
    },
    press(data: string): Promise<Reply> {
      return handle({ kind: 'callback', data, chat, user }, services);
    },
    text(text: string): Promise<Reply> {
      return handle({ kind: 'text', text, chat, user }, services);
    },
  };
}

export function buttonsOf(r: Reply): Array<{ text: string; data: string }> {
  return r.messages.flatMap((m) => m.buttons ?? []).flat().map((b) => ({ text: b.text, data: 'data' in b ? b.data : b.url }));
}
