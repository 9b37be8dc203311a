import { createHash } from 'node:crypto';
import { isWebLink, type Promotion } from '@mb/contracts';
import { type Api, InlineKeyboard } from 'grammy';

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** Telegram's limits: a photo caption is at most 1024 characters, a message 4096; callback_data at most 64 bytes. */
const CAPTION_MAX = 1024;
const TEXT_MAX = 4096;
const CALLBACK_MAX_BYTES = 64;

export function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 22);

/**
 * The "take part" button's data: `pr:j:<id>` when it fits in 64 bytes; managers type ids, so a longer one is sent as
 * `pr:h:<hash of the id>` and found again among the live promotions (`findByRef`).
 */
export function joinData(id: string): string {
  const plain = `pr:j:${id}`;
  return Buffer.byteLength(plain, 'utf8') <= CALLBACK_MAX_BYTES ? plain : `pr:h:${hashOf(id)}`;
}

export function findByRef(list: Promotion[], kind: 'j' | 'h', ref: string): Promotion | undefined {
  return list.find((p) => (kind === 'j' ? p.id === ref : hashOf(p.id) === ref));
}

// Building an Intl.DateTimeFormat costs far more than using one: one per language, made once.
const DATE_FORMATS = {
  ru: new Intl.DateTimeFormat('ru-RU', { dateStyle: 'long', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }),
};

/** A date in the user's language (`3 декабря 2026 г.`, `3 December 2026`); `…` when empty or unreadable. */
export function formatDate(value: string, locale: string): string {
  const time = Date.parse(value);
  if (value === '' || Number.isNaN(time)) return '…';
  return DATE_FORMATS[locale === 'en' ? 'en' : 'ru'].format(time);
}

export type Card = { text: string; photo: string | null; keyboard: InlineKeyboard };

/** One promotion as a message: header with the position, title, dates, description, its call to action, paging. */
export function promotionCard(
  t: Translate,
  p: Promotion,
  page: number,
  pages: number,
  locale: string,
  /** The user takes part already: the button says so (a tap on it only repeats that). */
  joined = false,
): Card {
  const photo = /^https?:\/\//.test(p.imageUrl) ? p.imageUrl : null;
  const head = [
    t('promotions-header', { page: page + 1, pages }),
    '',
    `<b>${escapeHtml(p.title)}</b>`,
    t('promotion-dates', { from: formatDate(p.startsAt, locale), to: formatDate(p.endsAt, locale) }),
    '',
  ].join('\n');
  const room = (photo ? CAPTION_MAX : TEXT_MAX) - head.length - 10;
  const description = p.description.length > room ? `${p.description.slice(0, room)}…` : p.description;
  const keyboard = new InlineKeyboard();
  if (p.cta === 'link' && isWebLink(p.linkUrl)) keyboard.url(t('promotion-open-link'), p.linkUrl);
  else if (p.cta === 'participate')
    keyboard.text(t(joined ? 'promotion-joined' : 'promotion-participate'), joinData(p.id));
  keyboard.row();
  if (page > 0) keyboard.text(t('button-prev'), `pr:p:${page - 1}`);
  if (page < pages - 1) keyboard.text(t('button-next'), `pr:p:${page + 1}`);
  return { text: head + escapeHtml(description), photo, keyboard };
}

/** Sends a card as a new message (a photo with a caption, or text). */
export function sendCard(api: Api, chatId: number, card: Card) {
  if (card.photo)
    return api.sendPhoto(chatId, card.photo, { caption: card.text, parse_mode: 'HTML', reply_markup: card.keyboard });
  return api.sendMessage(chatId, card.text, {
    parse_mode: 'HTML',
    reply_markup: card.keyboard,
    link_preview_options: { is_disabled: true },
  });
}

const PROMO_START = /^promo_([A-Za-z0-9_-]{1,58})$/;

/** The promotion id of a `/start promo_<id>` payload, or null. */
export const promotionOfStart = (payload: string | null): string | null =>
  payload ? (PROMO_START.exec(payload)?.[1] ?? null) : null;

/** The card of one live promotion among those of a segment, or null when the user may not see it (or it ended). */
export function cardAmong(t: Translate, list: Promotion[], id: string, locale: string, joined = false): Card | null {
  const index = list.findIndex((p) => p.id === id);
  return index < 0 ? null : promotionCard(t, list[index]!, index, list.length, locale, joined);
}
