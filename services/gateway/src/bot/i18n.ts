import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { BotContext } from './context.ts';

export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

/** The bot's locale for a Telegram `language_code` (before the account, if any, is known). */
export const localeOfLanguageCode = (code = 'ru'): 'ru' | 'en' =>
  code.startsWith('ru') || code.startsWith('uk') || code.startsWith('be') || code.startsWith('kk') ? 'ru' : 'en';

/** Russian first; English for users whose Telegram language is not Russian (or whose row says `en`). */
export function createI18n(): I18n<BotContext> {
  const i18n = new I18n<BotContext>({
    defaultLocale: 'ru',
    directory: LOCALES_DIR,
    // Bidi isolation marks around variables would show up in Telegram and break exact matches.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => ctx.account?.language ?? localeOfLanguageCode(ctx.from?.language_code),
  });
  memoizeBundleMatching(i18n.fluent);
  return i18n;
}

let shared: I18n<BotContext> | undefined;

/**
 * The thread's one I18n, built at first use: the app's middleware and replies, and the menu labels that features
 * match at module load (before any app exists), read the locale files once. Its translations never change while the
 * process runs, so every app in the thread (tests build several) can share it.
 */
export const botI18n = (): I18n<BotContext> => (shared ??= createI18n());

type BundleMatcher = { bundles: Set<unknown>; matchBundles(locales: string[]): Set<unknown> };

/**
 * @grammyjs/i18n negotiates the bundles (Intl locale parsing and matching) on every translation, and an update may
 * translate several keys: a visible share of the CPU per update (menu labels are computed once, `menu-labels.ts`). The
 * answer depends only on the locales asked for and the bundles loaded (all at construction; a bundle added later
 * clears the memo), so it is kept per locale list.
 */
export function memoizeBundleMatching(fluent: object): void {
  const target = fluent as BundleMatcher;
  if (typeof target.matchBundles !== 'function' || !(target.bundles instanceof Set)) return;
  const match = target.matchBundles.bind(target);
  const memo = new Map<string, Set<unknown>>();
  let bundleCount = target.bundles.size;
  target.matchBundles = (locales) => {
    if (target.bundles.size !== bundleCount || memo.size > 64) {
      memo.clear();
      bundleCount = target.bundles.size;
    }
    const key = locales.join('\n');
    let bundles = memo.get(key);
    if (!bundles) memo.set(key, (bundles = match(locales)));
    return bundles;
  };
}
