import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { mainMenu } from '../keyboards.ts';

/** The main menu and help for signed-in users (the sign-in gate runs before this). */
export const menuFeature = new Composer<BotContext>();
const privateChat = menuFeature.chatType('private');

privateChat.command('menu', (ctx) => ctx.reply(ctx.t('menu-title'), { reply_markup: mainMenu(ctx) }));

privateChat.command('help', (ctx) => {
  const staff = ctx.account?.role === 'manager' || ctx.account?.role === 'admin';
  return ctx.reply(`${ctx.t('help-text')}${staff ? `\n\n${ctx.t('help-staff')}` : ''}`, {
    reply_markup: mainMenu(ctx),
  });
});
