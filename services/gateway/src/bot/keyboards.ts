import { Keyboard } from 'grammy';
import type { BotContext } from './context.ts';

/** The main menu as a persistent reply keyboard; the Mini App opens from a web_app button. */
export function mainMenu(ctx: BotContext): Keyboard {
  return new Keyboard()
    .text(ctx.t('menu-promotions'))
    .text(ctx.t('menu-my-requests'))
    .row()
    .text(ctx.t('menu-new-request'))
    .text(ctx.t('menu-assistant'))
    .row()
    .webApp(ctx.t('menu-webapp'), `${ctx.deps.publicUrl.replace(/\/$/, '')}/app/`)
    .resized()
    .persistent();
}

/** Matches a menu button's text in either language. */
export function menuText(key: string): RegExp {
  return new RegExp(`^(${[key].join('|')})$`);
}
