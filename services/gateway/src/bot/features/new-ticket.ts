import { type ConversationFlavor, conversations, createConversation } from '@grammyjs/conversations';
import { type Context, InlineKeyboard, type Transformer } from 'grammy';
import type { Message } from 'grammy/types';
import { CB } from '../../tickets/format.ts';
import type { TicketsDeps } from '../../tickets/index.ts';
import { NEW_TICKET, newTicketFlow, type TicketStart } from '../../tickets/new-ticket-flow.ts';
import { attachmentsOf } from '../../tickets/staff-actions.ts';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { hearsMenu } from '../menu-labels.ts';

type Ctx = ConversationFlavor<BotContext>;

/** "New request": the entry points, `/cancel` at every step, and the dialogue itself (tickets/new-ticket-flow.ts). */
export function newTicketFeature(
  deps: TicketsDeps,
  publicUrl: string,
  sheets: BotContext['deps']['sheets'],
  apiTransformers: Transformer[] = [],
): Composer<BotContext> {
  const feature = new Composer<Ctx>();
  const pm = feature.chatType('private');
  // A conversation builds its own Api from the bot's client options, without the bot's transformers: install the
  // ones that must hold there too (bounded 429 retries, 403 marking) on every context it creates.
  const plugins = [
    async (ctx: Context, next: () => Promise<void>) => {
      ctx.api.config.use(...apiTransformers);
      await next();
    },
  ];
  pm.use(
    conversations<Ctx, Context>({
      storage: { type: 'key', version: 1, prefix: 'conv:', adapter: deps.conversations },
      plugins,
    }),
  );

  const cancel = async (ctx: Ctx) => {
    const active = ctx.conversation.active(NEW_TICKET) > 0;
    if (active) await ctx.conversation.exit(NEW_TICKET);
    await ctx.reply(ctx.t(active ? 'request-cancelled' : 'request-nothing-to-cancel'));
  };
  pm.command('cancel', cancel);
  pm.callbackQuery(CB.cancel, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await cancel(ctx);
  });

  // Only new messages and button presses speak to the dialogue: an edited message (or a reaction, a member update)
  // never advances or answers a step; it goes on down the chain like any other edit.
  pm.on(['message', 'callback_query']).use(
    createConversation<Ctx, Context>(newTicketFlow({ sheets, desk: deps.desk, publicUrl }), {
      id: NEW_TICKET,
      maxMillisecondsToWait: 24 * 3_600_000,
    }),
  );

  const start = async (ctx: Ctx, with_: TicketStart = {}) => {
    if (ctx.account?.status !== 'active') return ctx.reply(ctx.t('request-sign-in-first'));
    await ctx.conversation.enter(NEW_TICKET, ctx.account.language, with_);
  };
  pm.command(['new', 'request'], (ctx) => start(ctx));
  pm.filter(hearsMenu('menu-new-request'), (ctx) => start(ctx));
  pm.callbackQuery('rq:new', async (ctx) => {
    await ctx.answerCallbackQuery();
    await start(ctx);
  });
  // The offer under a photo, file or place sent outside a request (mediaOfferFeature): the offer replies to that
  // message, so Telegram brings it back with the tap and nothing has to be kept meanwhile.
  pm.callbackQuery(CB.newWith, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    const source = ctx.callbackQuery.message?.reply_to_message;
    await start(ctx, source ? ticketStartOf(source) : {});
  });
  // The plugin's flavour only adds `ctx.conversation`, which nothing outside this Composer uses.
  return feature as unknown as Composer<BotContext>;
}

/** What a message sent outside a request brings to a new one: its file, or its place as a line of the text. */
function ticketStartOf(m: Message): TicketStart {
  const place = m.venue?.location ?? m.location;
  if (place) return { note: `📍 ${place.latitude}, ${place.longitude}${m.venue ? ` (${m.venue.title})` : ''}` };
  return { files: attachmentsOf(m) };
}

/**
 * A photo, file, audio, video, voice note or place that a signed-in user sends outside a request (nothing above took
 * it: no dialogue waits, it answers no request) gets an offer to open a request with it attached. Mounted after the
 * request thread, which takes such a message when it replies to a request.
 */
export const mediaOfferFeature = new Composer<BotContext>();
mediaOfferFeature
  .chatType('private')
  .on(
    ['message:photo', 'message:document', 'message:audio', 'message:video', 'message:voice', 'message:location'],
    (ctx) => {
      if (ctx.account?.status !== 'active') return ctx.reply(ctx.t('request-sign-in-first'));
      const place = ctx.message.location !== undefined;
      return ctx.reply(ctx.t(place ? 'media-offer-place' : 'media-offer-file'), {
        reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
        reply_markup: new InlineKeyboard().text(ctx.t('button-request-with-it'), CB.newWith),
      });
    },
  );
