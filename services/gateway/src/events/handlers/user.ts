import { applyRoleCommands } from '../../bot/commands.ts';
import { approvalKeyboard, menuKeyboard } from '../../bot/keyboards.ts';
import { cardAmong, promotionOfStart, sendCard } from '../../bot/promotion-card.ts';
import type { EventHandlers } from '../types.ts';

/** Sign-in events: staff are asked about pending users; users learn the decision; commands follow the role. */
export const userHandlers: EventHandlers = {
  'user.pending': async ({ userId, telegramId, name }, deps) => {
    const chat = await deps.staffChat();
    if (chat === null) {
      deps.logger.info({ userId }, 'a user waits for approval; no staff chat is configured');
      return;
    }
    const user = await deps.sheets.users.byTelegramId.query({ telegramId });
    if (!user || user.id !== userId || user.status !== 'pending') return;
    const t = (key: string) => deps.t('ru', key);
    await deps.api.sendMessage(
      chat,
      deps.t('ru', 'staff-pending-user', { name: name || '—', phone: user.phone, id: userId }),
      {
        reply_markup: approvalKeyboard(t, userId),
      },
    );
  },

  'user.status_changed': async ({ telegramId, to }, deps) => {
    if (telegramId === null) return;
    const user = await deps.sheets.users.byTelegramId.query({ telegramId });
    // Changed again since: the later event tells the user.
    if (!user || user.status !== to) return;
    const t = (key: string, vars?: Record<string, string | number>) => deps.t(user.language, key, vars);
    if (to === 'active') {
      await deps.api.sendMessage(telegramId, t('signin-approved', { name: user.name }), {
        reply_markup: menuKeyboard((k) => t(k), deps.publicUrl),
      });
      await applyRoleCommands(deps.api, deps.t, telegramId, user.role, user.language);
      // The deep link they came with opens now, as it would have right after an immediate sign-in.
      const promotionId = promotionOfStart((await deps.sheets.users.takeStart.mutate({ telegramId })).payload);
      const card = promotionId
        ? cardAmong(
            t,
            await deps.sheets.catalog.promotions.query({ segment: user.segment }),
            promotionId,
            user.language,
          )
        : null;
      if (card) await sendCard(deps.api, telegramId, card);
    } else if (to === 'blocked') {
      await deps.api.sendMessage(telegramId, t('signin-blocked'), { reply_markup: { remove_keyboard: true } });
      await applyRoleCommands(deps.api, deps.t, telegramId, 'client', user.language);
    }
  },

  'user.role_changed': async ({ telegramId }, deps) => {
    if (telegramId === null) return;
    const user = await deps.sheets.users.byTelegramId.query({ telegramId });
    if (user?.status !== 'active') return;
    await applyRoleCommands(deps.api, deps.t, telegramId, user.role, user.language);
  },
};
