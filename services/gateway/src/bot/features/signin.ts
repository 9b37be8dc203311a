import { applyRoleCommands } from '../commands.ts';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { contactKeyboard, mainMenu } from '../keyboards.ts';
import { verifiedPhone } from '../phone.ts';
import { openStartPayload } from './start.ts';

/**
 * Sign-in by the user's own contact, then the gate every later feature sits behind: in a private chat only an active
 * user gets past it, and since ctx.account is loaded per update a block or approval in the Sheet applies at once.
 */
export const signinFeature = new Composer<BotContext>();
const MAX_TEXT = 4096;
const privateChat = signinFeature.chatType('private');

privateChat.on('message:contact', async (ctx) => {
  const { contact } = ctx.message;
  const funnel = ctx.deps.funnel;
  if (contact.user_id !== ctx.from.id) {
    funnel?.signIns.inc({ outcome: 'foreign_contact' });
    return ctx.reply(ctx.t('signin-foreign-contact'), { reply_markup: contactKeyboard(ctx) });
  }
  const phone = verifiedPhone(contact.phone_number);
  if (!phone) {
    funnel?.signIns.inc({ outcome: 'invalid_phone' });
    return ctx.reply(ctx.t('signin-invalid-phone'), { reply_markup: contactKeyboard(ctx) });
  }
  const locale = await ctx.i18n.getLocale();
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ').slice(0, 200);
  const { outcome, user } = await ctx.deps.sheets.users.signIn.mutate({
    telegramId: ctx.from.id,
    phone,
    name,
    language: locale === 'en' ? 'en' : 'ru',
  });
  funnel?.signIns.inc({ outcome });
  ctx.account = user;
  if (outcome === 'blocked') return ctx.reply(ctx.t('signin-blocked'), { reply_markup: { remove_keyboard: true } });
  if (outcome === 'pending' || outcome === 'pending_created')
    return ctx.reply(ctx.t('signin-pending'), { reply_markup: { remove_keyboard: true } });
  await ctx.reply(ctx.t('signin-welcome', { name: user.name || ctx.from.first_name }), { reply_markup: mainMenu(ctx) });
  await applyRoleCommands(ctx.api, (_locale, key) => ctx.t(key), ctx.from.id, user.role, locale);
  await openStartPayload(ctx);
});

// Telegram reports a block or unblock of the bot as a my_chat_member update in the private chat.
privateChat.on('my_chat_member', async (ctx) => {
  const status = ctx.myChatMember.new_chat_member.status;
  if (status === 'kicked' || status === 'member')
    await ctx.deps.sheets.users.setBlockedBot.mutate({ telegramId: ctx.from.id, blocked: status === 'kicked' });
});

privateChat.on(['message', 'callback_query'], async (ctx, next) => {
  const account = ctx.account;
  if (account?.status === 'active') {
    if (account.blockedBot)
      await ctx.deps.sheets.users.setBlockedBot.mutate({ telegramId: ctx.from.id, blocked: false });
    // Telegram never delivers more than 4096 characters: a longer text is not from a Telegram client; no feature sees it.
    if ((ctx.message?.text?.length ?? 0) > MAX_TEXT) return ctx.reply(ctx.t('text-too-long'));
    return next();
  }
  const key =
    account?.status === 'blocked'
      ? 'signin-blocked'
      : account?.status === 'pending'
        ? 'signin-pending'
        : 'signin-required';
  if (ctx.callbackQuery) return ctx.answerCallbackQuery({ text: ctx.t(key), show_alert: true });
  return ctx.reply(ctx.t(key), {
    reply_markup: key === 'signin-required' ? contactKeyboard(ctx) : { remove_keyboard: true },
  });
});
