import { InlineKeyboard } from 'grammy';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { formatDate } from '../promotion-card.ts';

/**
 * Personal data (152-ФЗ, GDPR; docs/privacy.md): `/mydata` shows what is kept, `/forget` erases it after a
 * confirmation. Before the sign-in gate, so a pending or blocked person may see and erase their data too.
 */
export const privacyFeature = new Composer<BotContext>();
const privateChat = privacyFeature.chatType('private');
const CB = { yes: 'forget:yes', no: 'forget:no' } as const;

privateChat.command('mydata', async (ctx) => {
  const data = await ctx.deps.sheets.users.myData.query({ telegramId: ctx.from.id });
  if (!data) return ctx.reply(ctx.t('mydata-none'));
  const locale = await ctx.i18n.getLocale();
  const date = (v: string) => (v ? formatDate(v, locale) : ctx.t('mydata-never'));
  return ctx.reply(
    ctx.t('mydata', {
      name: data.name || '—',
      phone: data.phone || '—',
      segment: data.segment,
      language: data.language === 'en' ? 'English' : 'русский',
      status: ctx.t(`user-status-${data.status}`),
      registered: date(data.registeredAt),
      seen: date(data.lastSeenAt),
      consent: date(data.consentAt),
      requests: data.requests,
      participations: data.participations,
    }),
  );
});

privateChat.command('forget', async (ctx) => {
  if (!ctx.account) return ctx.reply(ctx.t('mydata-none'));
  return ctx.reply(ctx.t('forget-confirm'), {
    reply_markup: new InlineKeyboard().text(ctx.t('forget-yes'), CB.yes).text(ctx.t('forget-no'), CB.no),
  });
});

privateChat.callbackQuery(CB.no, async (ctx) => {
  await ctx.answerCallbackQuery();
  // The question loses its buttons: it was answered.
  await ctx.editMessageText(ctx.t('forget-kept'));
});

privateChat.callbackQuery(CB.yes, async (ctx) => {
  const result = await ctx.deps.sheets.users.forget.mutate({ telegramId: ctx.from.id });
  await ctx.answerCallbackQuery(result.forgotten ? {} : { text: ctx.t('forget-nothing') });
  await ctx.editMessageText(ctx.t(result.forgotten ? 'forget-done-short' : 'forget-nothing'));
  if (result.forgotten) await ctx.reply(ctx.t('forget-done'), { reply_markup: { remove_keyboard: true } });
  // Sessions, the assistant's memory and the staff line follow from the user.forgotten event (events/handlers/privacy.ts).
});
