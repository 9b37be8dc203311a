import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { BotContext } from './context.ts';

export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

/** Russian first; English for users whose Telegram language is not Russian (or whose row says `en`). */
export function createI18n(): I18n<BotContext> {
  return new I18n<BotContext>({
    defaultLocale: 'ru',
    directory: LOCALES_DIR,
    // Bidi isolation marks around variables would show up in Telegram and break exact matches.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => {
      if (ctx.account?.language) return ctx.account.language;
      const code = ctx.from?.language_code ?? 'ru';
      return code.startsWith('ru') || code.startsWith('uk') || code.startsWith('be') || code.startsWith('kk') ? 'ru' : 'en';
    },
  });
}
