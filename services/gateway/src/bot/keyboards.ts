import { InlineKeyboard, Keyboard } from 'grammy';
import type { BotContext } from './context.ts';

type Translate = (key: string) => string;

export const miniAppUrl = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/app/`;

/** The main menu as a persistent reply keyboard; the Mini App opens from a web_app button. */
export function menuKeyboard(t: Translate, publicUrl: string): Keyboard {
  return new Keyboard()
    .text(t('menu-promotions'))
    .text(t('menu-my-requests'))
    .row()
    .text(t('menu-new-request'))
    .text(t('menu-assistant'))
    .row()
    .webApp(t('menu-webapp'), miniAppUrl(publicUrl))
    .resized()
    .persistent();
}

export const mainMenu = (ctx: BotContext): Keyboard => menuKeyboard((k) => ctx.t(k), ctx.deps.publicUrl);

/** The one-button keyboard that shares the user's own phone. */
export const contactKeyboard = (ctx: BotContext): Keyboard =>
  new Keyboard().requestContact(ctx.t('button-share-phone')).resized().oneTime();

/** Approve / deny buttons under a staff notice of a pending user (user ids are the bot's own `U-n`). */
export function approvalKeyboard(t: Translate, userId: string): InlineKeyboard {
  return new InlineKeyboard().text(t('staff-approve'), `ua:a:${userId}`).text(t('staff-deny'), `ua:d:${userId}`);
}
