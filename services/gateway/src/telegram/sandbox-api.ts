import type { Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

/** Bot identity used when no token is configured. */
export const SANDBOX_BOT: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Marketing Bot (sandbox)',
  username: 'marketing_sandbox_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

export type RecordedCall = { method: string; payload: Record<string, unknown>; at: number };

/**
 * Stands in for the Bot API when no token is set: every call the bot makes is answered in-process with the shape
 * Telegram returns, and recorded, so the stack runs on a machine with no Telegram at all.
 */
export class SandboxBotApi {
  readonly calls: RecordedCall[] = [];
  private nextMessageId = 1;
  private readonly limit: number;
  constructor(limit = 5000) {
    this.limit = limit;
  }

  readonly transformer: Transformer = async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    this.calls.push({ method, payload: p, at: Date.now() });
    if (this.calls.length > this.limit) this.calls.splice(0, this.calls.length - this.limit);
    return { ok: true, result: this.answer(method, p) } as never;
  };

  private answer(method: string, p: Record<string, unknown>): unknown {
    const chat = { id: Number(p['chat_id'] ?? 0), type: 'private' as const };
    const message = (extra: Record<string, unknown>) => ({ message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat, from: SANDBOX_BOT, ...extra });
    switch (method) {
      case 'getMe':
        return SANDBOX_BOT;
      case 'sendMessage':
        return message({ text: p['text'] });
      case 'sendPhoto':
        return message({ photo: [], caption: p['caption'] });
      case 'sendDocument':
        return message({ document: {}, caption: p['caption'] });
      case 'editMessageText':
        return message({ message_id: p['message_id'], text: p['text'] });
      case 'getWebhookInfo':
        return { url: '', has_custom_certificate: false, pending_update_count: 0 };
      case 'createForumTopic':
        return { message_thread_id: this.nextMessageId++, name: p['name'], icon_color: 7322096 };
      default:
        return true;
    }
  }
}
