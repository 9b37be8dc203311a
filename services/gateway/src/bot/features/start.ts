import { Composer, Keyboard } from 'grammy';
import type { BotContext } from '../context.ts';
import { mainMenu } from '../keyboards.ts';

export const startFeature = new Composer<BotContext>();
const privateChat = startFeature.chatType('private');

privateChat.command('start', async (ctx) => {
  const settings = await ctx.deps.sheets.catalog.settings.query();
  if (ctx.account?.status === 'active') {
    await ctx.reply(settings.welcomeText, { reply_markup: mainMenu(ctx) });
    return;
  }
  await ctx.reply(`${settings.welcomeText}\n\n${ctx.t('start-share-phone')}`, {
    reply_markup: new Keyboard().requestContact(ctx.t('button-share-phone')).resized().oneTime(),
  });
});

privateChat.command('menu', (ctx) => ctx.reply(ctx.t('menu-title'), { reply_markup: mainMenu(ctx) }));
