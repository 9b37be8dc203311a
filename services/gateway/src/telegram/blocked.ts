import type { Logger } from '@mb/service-kit';
import type { Transformer } from 'grammy';

/** Telegram's 403 descriptions when a private chat can no longer be written to (blocked, deleted, never started). */
const GONE = /bot was blocked by the user|user is deactivated|bot can't initiate conversation with a user/i;

/**
 * The one rule for "the user blocked the bot" (docs/bot.md): a Bot API error for a private chat (a positive chat id)
 * that is 403 "bot was blocked by the user", "user is deactivated" (a deleted account) or "bot can't initiate
 * conversation", or 400 "chat not found". Replies (blockedUserTransformer), request notices (tickets/desk.ts) and
 * broadcasts (broadcast/sender.ts) all ask this; sheets' users.setBlockedBot records it.
 */
export function isBlockedByUser(error: { error_code: number; description: string }, chatId: unknown): boolean {
  const id = Number(chatId);
  if (!Number.isSafeInteger(id) || id <= 0) return false;
  if (error.error_code === 403) return GONE.test(error.description);
  return error.error_code === 400 && /chat not found/i.test(error.description);
}

/**
 * Watches every Bot API answer: one that says the user blocked the bot (isBlockedByUser) calls `onBlocked(chatId)`
 * (which marks `blocked_bot` in Users). The failed result is passed on unchanged.
 */
export function blockedUserTransformer(opts: {
  onBlocked: (chatId: number) => Promise<unknown>;
  logger: Logger;
}): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    if (!result.ok && isBlockedByUser(result, chatId)) {
      try {
        await opts.onBlocked(Number(chatId));
      } catch (error) {
        opts.logger.warn({ err: error, method }, 'could not mark a user who blocked the bot');
      }
    }
    return result;
  };
}
