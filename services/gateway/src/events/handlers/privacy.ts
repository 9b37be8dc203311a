import type { AssistantClient } from '../../clients/index.ts';
import type { TicketsDeps } from '../../tickets/index.ts';
import type { EventHandlers } from '../types.ts';

/**
 * The gateway's part of /forget, after sheets erased the person in one transaction: the assistant's memory, a
 * half-written request (conversation state, SQLite or Redis) and the per-chat command list go; the staff chat gets
 * one line. Delivered at least once (a restart midway runs it again): each step is safe to repeat, and
 * `forgetFinished` answers `first` once, so the staff line is sent once.
 */
export function privacyHandlers(assistant: AssistantClient, tickets?: TicketsDeps): EventHandlers {
  return {
    'user.forgotten': async ({ userId, telegramId }, deps) => {
      await assistant.reset.mutate({ telegramId });
      await tickets?.conversations.delete(`conv:${telegramId}`);
      // A staff member's own command list; the chat may be gone (blocked bot): nothing is left to remove then.
      await deps.api
        .deleteMyCommands({ scope: { type: 'chat', chat_id: telegramId } })
        .catch((error: unknown) => deps.logger.warn({ userId, err: error }, 'could not reset the chat commands'));
      const { first } = await deps.sheets.users.forgetFinished.mutate({ telegramId });
      if (!first) return;
      const chat = await deps.staffChat();
      if (chat === null) deps.logger.info({ userId }, 'a user erased their data; no staff chat is configured');
      else await deps.api.sendMessage(chat, deps.t('ru', 'staff-user-forgotten', { id: userId }));
    },
  };
}
