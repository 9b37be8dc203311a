import { callErrorCode } from '@mb/service-kit';
import { unlessNotModified } from '../../telegram/not-modified.ts';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { hearsMenu } from '../menu-labels.ts';
import { type Card, cardAmong, findByRef, promotionCard, sendCard } from '../promotion-card.ts';

/** Live promotions for the user's segment, one card a page, with "take part" or the link, and paging buttons. */
export const promotionsFeature = new Composer<BotContext>();
const privateChat = promotionsFeature.chatType('private');

const live = (ctx: BotContext) =>
  ctx.deps.sheets.catalog.promotions.query({ segment: ctx.account?.status === 'active' ? ctx.account.segment : null });

/** Ids of the promotions the user takes part in (read with the list, in the same batch). */
const joinedIds = async (ctx: BotContext): Promise<Set<string>> =>
  ctx.account?.status === 'active' && ctx.from
    ? new Set((await ctx.deps.sheets.participations.mine.query({ telegramId: ctx.from.id })).map((p) => p.promotionId))
    : new Set();

const send = (ctx: BotContext, card: Card) => sendCard(ctx.api, ctx.chat!.id, card);
const translate = (ctx: BotContext) => (key: string, vars?: Record<string, string | number>) => ctx.t(key, vars);

/** Edits the card in place (text ↔ text, photo ↔ photo); a change of kind replaces the message. */
async function edit(ctx: BotContext, card: Card) {
  const message = ctx.callbackQuery?.message;
  const hadPhoto = !!message && 'photo' in message && !!message.photo;
  try {
    if (card.photo && hadPhoto)
      return await ctx.editMessageMedia(
        { type: 'photo', media: card.photo, caption: card.text, parse_mode: 'HTML' },
        { reply_markup: card.keyboard },
      );
    if (!card.photo && !hadPhoto)
      return await ctx.editMessageText(card.text, {
        parse_mode: 'HTML',
        reply_markup: card.keyboard,
        link_preview_options: { is_disabled: true },
      });
  } catch (error) {
    return unlessNotModified(error);
  }
  await ctx.deleteMessage().catch(() => undefined);
  return send(ctx, card);
}

async function showPage(ctx: BotContext, page: number, inPlace: boolean) {
  const [list, joined] = await Promise.all([live(ctx), joinedIds(ctx)]);
  if (list.length === 0)
    return inPlace ? ctx.editMessageText(ctx.t('promotions-empty')) : ctx.reply(ctx.t('promotions-empty'));
  const index = Math.min(Math.max(page, 0), list.length - 1);
  const p = list[index]!;
  const card = promotionCard(translate(ctx), p, index, list.length, await ctx.i18n.getLocale(), joined.has(p.id));
  return inPlace ? edit(ctx, card) : send(ctx, card);
}

/** Opens one promotion (a deep link); one the user may not see, or that ended, is answered as unavailable. */
export async function openPromotion(ctx: BotContext, id: string): Promise<void> {
  const [list, joined] = await Promise.all([live(ctx), joinedIds(ctx)]);
  const card = cardAmong(translate(ctx), list, id, await ctx.i18n.getLocale(), joined.has(id));
  if (card) await send(ctx, card);
  else await ctx.reply(ctx.t('promotion-unavailable'));
}

privateChat.command('promotions', (ctx) => showPage(ctx, 0, false));
privateChat.filter(hearsMenu('menu-promotions'), (ctx) => showPage(ctx, 0, false));
privateChat.callbackQuery(/^pr:p:(\d{1,4})$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showPage(ctx, Number(ctx.match[1]), true);
});

privateChat.callbackQuery(/^pr:([jh]):(.+)$/, async (ctx) => {
  const funnel = ctx.deps.funnel;
  const promotion = findByRef(await live(ctx), ctx.match[1] as 'j' | 'h', ctx.match[2]!);
  const unavailable = () => {
    funnel?.participations.inc({ result: 'unavailable' });
    return ctx.answerCallbackQuery({ text: ctx.t('promotion-unavailable'), show_alert: true });
  };
  if (!promotion) return unavailable();
  let created: boolean;
  try {
    ({ created } = await ctx.deps.sheets.participations.create.mutate({
      telegramId: ctx.from.id,
      promotionId: promotion.id,
    }));
  } catch (error) {
    if (['NOT_FOUND', 'PRECONDITION_FAILED'].includes(callErrorCode(error))) return unavailable();
    throw error;
  }
  funnel?.participations.inc({ result: created ? 'created' : 'already' });
  // The row is committed (and queued for the Sheet) by now: only then is the user told.
  await ctx.answerCallbackQuery({
    text: ctx.t(created ? 'participation-done-short' : 'participation-already', { title: promotion.title }),
    show_alert: !created,
  });
  await showJoined(ctx);
  if (created) await ctx.reply(ctx.t('participation-done', { title: promotion.title }));
});

/** The tapped card's "take part" button now says "✅ You are taking part" (the rest of the keyboard stays). */
async function showJoined(ctx: BotContext): Promise<void> {
  const data = ctx.callbackQuery?.data;
  const rows = ctx.callbackQuery?.message?.reply_markup?.inline_keyboard;
  if (!rows || !data) return;
  const label = ctx.t('promotion-joined');
  if (rows.some((row) => row.some((b) => 'callback_data' in b && b.callback_data === data && b.text === label))) return;
  const inline_keyboard = rows.map((row) =>
    row.map((b) => ('callback_data' in b && b.callback_data === data ? { text: label, callback_data: data } : b)),
  );
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard } }).catch(unlessNotModified);
}
