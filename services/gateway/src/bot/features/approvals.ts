import { callErrorCode } from '@mb/service-kit';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { approvalKeyboard } from '../keyboards.ts';

/**
 * Staff decide on users waiting under `access_policy=allowlist`: the buttons under the staff chat's notice, and
 * /pending. Only an active manager or admin may act (checked here for the answer, and again by sheets). The user is
 * told by the `user.status_changed` event handler, the same path a decision made in the Sheet takes.
 */
export const approvalsFeature = new Composer<BotContext>();

const isStaff = (ctx: BotContext) => ctx.account?.status === 'active' && ctx.account.role !== 'client';

approvalsFeature.callbackQuery(/^ua:([ad]):([A-Za-z0-9_-]{1,58})$/, async (ctx) => {
  if (!isStaff(ctx)) return ctx.answerCallbackQuery({ text: ctx.t('staff-only'), show_alert: true });
  const status = ctx.match[1] === 'a' ? 'active' : 'blocked';
  let result;
  try {
    result = await ctx.deps.sheets.users.setStatus.mutate({
      actorTelegramId: ctx.from.id,
      userId: ctx.match[2]!,
      status,
    });
  } catch (error) {
    const code = callErrorCode(error);
    if (code !== 'FORBIDDEN' && code !== 'NOT_FOUND') throw error;
    return ctx.answerCallbackQuery({
      text: ctx.t(code === 'FORBIDDEN' ? 'staff-only' : 'staff-user-gone'),
      show_alert: true,
    });
  }
  const verdict = ctx.t(status === 'active' ? 'staff-approved-by' : 'staff-denied-by', {
    name: result.actor.name || ctx.from.first_name,
  });
  await ctx.answerCallbackQuery({ text: result.changed ? verdict : ctx.t('staff-already-decided') });
  const original =
    ctx.callbackQuery.message && 'text' in ctx.callbackQuery.message ? ctx.callbackQuery.message.text : undefined;
  if (result.changed && original !== undefined) await ctx.editMessageText(`${original}\n\n${verdict}`);
});

approvalsFeature.command('pending', async (ctx) => {
  if (!isStaff(ctx)) return ctx.reply(ctx.t('staff-only'));
  const pending = await ctx.deps.sheets.users.pending.query({ limit: 20 });
  if (pending.length === 0) return ctx.reply(ctx.t('staff-no-pending'));
  for (const user of pending) {
    const text = ctx.t('staff-pending-user', { name: user.name || '—', phone: user.phone, id: user.id });
    const m = await ctx.reply(text, { reply_markup: approvalKeyboard((k) => ctx.t(k), user.id) });
    await ctx.deps.sheets.users.approvalNoticeSent.mutate({
      userId: user.id,
      chatId: ctx.chat.id,
      messageId: m.message_id,
      text,
    });
  }
});
