import { callErrorCode } from '@mb/service-kit';
import type { EventHandlers } from '../types.ts';

/** Promotion events: the staff chat hears about each new participation. */
export const promotionHandlers: EventHandlers = {
  'participation.created': async ({ participationId, promotionId, telegramId }, deps) => {
    const chat = await deps.staffChat();
    if (chat === null) {
      deps.logger.info({ participationId, promotionId }, 'new participation; no staff chat is configured');
      return;
    }
    const [user, title] = await Promise.all([
      deps.sheets.users.byTelegramId.query({ telegramId }),
      deps.sheets.catalog.promotion.query({ id: promotionId }).then(
        (p) => p.title,
        (error: unknown) => {
          if (callErrorCode(error) === 'NOT_FOUND') return promotionId;
          throw error;
        },
      ),
    ]);
    await deps.api.sendMessage(
      chat,
      deps.t('ru', 'staff-participation', {
        title,
        name: user?.name || '—',
        phone: user?.phone || '—',
        id: participationId,
      }),
    );
  },
};
