import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { contactKeyboard, mainMenu } from '../keyboards.ts';
import { promotionOfStart } from '../promotion-card.ts';
import { openPromotion } from './promotions.ts';

/** `/start [payload]`: greets with Settings' welcome text; a deep link is recorded first, then opened when signed in. */
export const startFeature = new Composer<BotContext>();
const privateChat = startFeature.chatType('private');

privateChat.command('start', async (ctx) => {
  const payload = ctx.match.trim();
  const { sheets } = ctx.deps;
  if (/^[A-Za-z0-9_-]{1,64}$/.test(payload)) {
    await sheets.users.recordStart.mutate({ telegramId: ctx.from.id, payload });
    ctx.deps.funnel?.deepLinks.inc({ kind: promotionOfStart(payload) ? 'promo' : 'other' });
  }
  const settings = await sheets.catalog.settings.query();
  const account = ctx.account;
  if (account?.status === 'blocked')
    return ctx.reply(ctx.t('signin-blocked'), { reply_markup: { remove_keyboard: true } });
  if (account?.status === 'pending')
    return ctx.reply(ctx.t('signin-pending'), { reply_markup: { remove_keyboard: true } });
  if (account?.status !== 'active') {
    // Before the contact button: why the phone is asked for, that sharing it is the consent, and the policy.
    const notice = settings.privacyText || ctx.t('privacy-notice');
    const policy = settings.privacyPolicyUrl
      ? `\n${ctx.t('privacy-policy-link', { url: settings.privacyPolicyUrl })}`
      : '';
    return ctx.reply(`${settings.welcomeText}\n\n${notice}${policy}\n\n${ctx.t('start-share-phone')}`, {
      reply_markup: contactKeyboard(ctx),
      link_preview_options: { is_disabled: true },
    });
  }
  await sheets.users.seen.mutate({ telegramId: ctx.from.id });
  await ctx.reply(settings.welcomeText, { reply_markup: mainMenu(ctx) });
  // Signed in already: the deep link opens now (and is not opened again at the next sign-in).
  if (payload) await openStartPayload(ctx);
});

/** After a sign-in: opens the promotion of a deep link the user came with, if any. */
export async function openStartPayload(ctx: BotContext): Promise<void> {
  if (!ctx.from) return;
  const { payload } = await ctx.deps.sheets.users.takeStart.mutate({ telegramId: ctx.from.id });
  const promotionId = promotionOfStart(payload);
  if (promotionId) await openPromotion(ctx, promotionId);
}
