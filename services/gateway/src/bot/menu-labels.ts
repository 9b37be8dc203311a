import type { Context } from 'grammy';
import { botI18n } from './i18n.ts';

const labels = new Map<string, ReadonlySet<string>>();

/** A menu button's label in every locale the bot speaks (computed once per key). */
export function menuLabels(key: string): ReadonlySet<string> {
  let set = labels.get(key);
  if (!set) {
    const i18n = botI18n();
    labels.set(key, (set = new Set(i18n.locales.map((locale) => i18n.t(locale, key)))));
  }
  return set;
}

/**
 * The one way to match a reply-keyboard menu button: its label in ANY locale, whatever the account's language, since
 * a keyboard sent before a language change stays on the client (@grammyjs/i18n's own `hears` matches only the
 * current locale). Only a new message counts; an edit to a label's text is not a button press.
 */
export const hearsMenu =
  (key: string) =>
  (ctx: Context): boolean => {
    const text = ctx.message?.text;
    return text !== undefined && menuLabels(key).has(text);
  };
