import { GrammyError } from 'grammy';
import { applyRoleCommands } from '../../bot/commands.ts';
import { approvalKeyboard, menuKeyboard } from '../../bot/keyboards.ts';
import { cardAmong, promotionOfStart, sendCard } from '../../bot/promotion-card.ts';
import type { EventDeps, EventHandlers } from '../types.ts';

async function settleApprovalNotices(
  deps: EventDeps,
  userId: string,
  to: string,
  by: 'sheet' | 'staff',
): Promise<void> {
  const verdict = deps.t('ru', to === 'active' ? 'staff-approved-in-sheet' : 'staff-denied-in-sheet');
  for (const n of await deps.sheets.users.takeApprovalNotices.mutate({ userId })) {
    const edit =
      by === 'sheet'
        ? deps.api.editMessageText(n.chatId, n.messageId, `${n.text}\n\n${verdict}`)
        : deps.api.editMessageReplyMarkup(n.chatId, n.messageId, { reply_markup: { inline_keyboard: [] } });
    // A message deleted in the meantime has no buttons left to take away.
    await edit.catch((error: unknown) => {
      if (error instanceof GrammyError && /not found|not modified/i.test(error.description)) return;
      throw error;
    });
  }
}

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
    const text = deps.t('ru', 'staff-pending-user', { name: name || '—', phone: user.phone, id: userId });
    const m = await deps.api.sendMessage(chat, text, { reply_markup: approvalKeyboard(t, userId) });
    await deps.sheets.users.approvalNoticeSent.mutate({ userId, chatId: chat, messageId: m.message_id, text });
  },

  'user.status_changed': async ({ userId, telegramId, from, to, by }, deps) => {
    // Decided: the Approve/Deny buttons go from every staff message about this user. A decision in the Sheet is
    // written under them; one made with a button was written there by the button's handler.
    if (from === 'pending') await settleApprovalNotices(deps, userId, to, by);
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
