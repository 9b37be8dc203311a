import type { Logger } from '@mb/service-kit';
import type { Transformer } from 'grammy';

/** Telegram's answers when a private chat can no longer be written to. */
const GONE = /bot was blocked by the user|user is deactivated/i;

/**
 * Watches every Bot API answer: a 403 "bot was blocked by the user" (or a deleted account) for a private chat calls
 * `onBlocked(chatId)` (which marks `blocked_bot` in Users). The failed result is passed on unchanged.
 */
export function blockedUserTransformer(opts: {
  onBlocked: (chatId: number) => Promise<unknown>;
  logger: Logger;
}): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (!result.ok && result.error_code === 403 && GONE.test(result.description)) {
      const chatId = Number((payload as { chat_id?: unknown }).chat_id);
      if (Number.isSafeInteger(chatId) && chatId > 0) {
        try {
          await opts.onBlocked(chatId);
        } catch (error) {
          opts.logger.warn({ err: error, method }, 'could not mark a user who blocked the bot');
        }
      }
    }
    return result;
  };
}
