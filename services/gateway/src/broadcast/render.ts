import { InlineKeyboard } from 'grammy';

export type Translate = (locale: string, key: string) => string;
export type BroadcastMessage = { method: 'sendMessage' | 'sendPhoto'; payload: Record<string, unknown> };

/** Telegram's caption limit; a longer text goes as a message instead of a photo caption. */
const CAPTION_MAX = 1024;
/** The marker a broadcast adds to a promotion deep link: `/start promo_<id>__b<n>` (n from the broadcast id `B-n`). */
export const BROADCAST_LINK = /^(promo_[A-Za-z0-9_-]+?)__b(\d{1,12})$/;

/** Telegram's limit on a start parameter; a longer one (a very long promotion id) drops the broadcast marker. */
const START_PARAM_MAX = 64;

export function deepLink(botUsername: string, promotionId: string, broadcastId: string): string {
  const marked = `promo_${promotionId}__b${broadcastId.replace(/^B-/, '')}`;
  return `https://t.me/${botUsername}?start=${marked.length <= START_PARAM_MAX ? marked : `promo_${promotionId}`}`;
}

/** The message a recipient gets: the text (or a photo with it as caption), and for a promotion's announcement a deep-link button. */
export function renderBroadcast(
  b: { broadcastId: string; telegramId: number; language: string; text: string; imageUrl: string; createdBy: string },
  opts: { botUsername: string; t: Translate; allowPaid: boolean },
): BroadcastMessage {
  const promotion = /^promotion:(.+)$/.exec(b.createdBy)?.[1];
  const extra: Record<string, unknown> = {};
  if (promotion)
    extra['reply_markup'] = new InlineKeyboard().url(
      opts.t(b.language, 'broadcast-open-promotion'),
      deepLink(opts.botUsername, promotion, b.broadcastId),
    );
  if (opts.allowPaid) extra['allow_paid_broadcast'] = true;
  if (b.imageUrl && b.text.length <= CAPTION_MAX)
    return { method: 'sendPhoto', payload: { chat_id: b.telegramId, photo: b.imageUrl, caption: b.text, ...extra } };
  return { method: 'sendMessage', payload: { chat_id: b.telegramId, text: b.text, ...extra } };
}
