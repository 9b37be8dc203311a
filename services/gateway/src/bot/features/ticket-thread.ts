import { callErrorCode } from '@mb/service-kit';
import { unlessNotModified } from '../../telegram/not-modified.ts';
import { ratingButtons, threadButtons } from '../../tickets/format.ts';
import { attachmentsOf } from '../../tickets/staff-actions.ts';
import { nullUnlessUnavailable } from '../../webhook/retry.ts';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { ownTicketOnPress } from '../own-ticket.ts';

/** A user's side of an open request: add a message (reply, or the button), close it, rate it once after closing. */
export const ticketThreadFeature = new Composer<BotContext>();
const pm = ticketThreadFeature.chatType('private');
const desk = (ctx: BotContext) => ctx.deps.tickets!.desk;

pm.callbackQuery(/^rq:a:(T-\d{1,9})$/, async (ctx) => {
  const ticket = await ownTicketOnPress(ctx, ctx.match[1]!);
  if (!ticket) return;
  if (ticket.status === 'closed') return ctx.reply(ctx.t('request-closed-already', { id: ticket.id }));
  const m = await ctx.reply(ctx.t('request-reply-prompt', { id: ctx.match[1]! }), {
    reply_markup: { force_reply: true, input_field_placeholder: ctx.match[1]! },
  });
  await desk(ctx).links.link(ctx.match[1]!, ctx.chat.id, m.message_id);
});

pm.on(
  ['message:text', 'message:photo', 'message:document', 'message:audio', 'message:video', 'message:voice'],
  async (ctx, next) => {
    const replyTo = ctx.message.reply_to_message?.message_id;
    const ticketId = replyTo !== undefined ? await desk(ctx).links.ticketOf(ctx.chat.id, replyTo) : null;
    if (!ticketId) return next();
    const text = ctx.message.text ?? ctx.message.caption ?? '';
    const files = attachmentsOf(ctx.message);
    const added = await ctx.deps.sheets.tickets.addMessage
      .mutate({ ticketId, telegramId: ctx.from.id, as: 'user', text, attachments: files })
      .catch((e: unknown) => callErrorCode(e));
    if (typeof added === 'string')
      return ctx.reply(
        ctx.t(added === 'PRECONDITION_FAILED' ? 'request-closed-already' : 'request-not-found', { id: ticketId }),
      );
    desk(ctx).forward(ticketId, added.message.authorName, text, files);
    await ctx.reply(ctx.t('request-message-added', { id: ticketId }));
  },
);

pm.callbackQuery(/^rq:z:(T-\d{1,9})$/, async (ctx) => {
  const r = await ctx.deps.sheets.tickets.setStatus
    .mutate({ ticketId: ctx.match[1]!, telegramId: ctx.from.id, as: 'user', status: 'closed' })
    .catch(nullUnlessUnavailable);
  if (!r) {
    await ctx.answerCallbackQuery();
    return ctx.reply(ctx.t('request-not-found'));
  }
  // The card loses "Закрыть" (and "add a message"): the request is closed, whoever closed it.
  await ctx.editMessageReplyMarkup({ reply_markup: threadButtons((k) => ctx.t(k), r.ticket) }).catch(unlessNotModified);
  if (!r.changed)
    return ctx.answerCallbackQuery({ text: ctx.t('request-closed-already', { id: r.ticket.id }), show_alert: true });
  await ctx.answerCallbackQuery();
  if (r.resolutionSeconds !== null) desk(ctx).resolution.observe(r.resolutionSeconds);
  await desk(ctx).links.recordNotice(r.ticket.id, r.ticket.status, r.ticket.answer);
  desk(ctx).retitle(r.ticket.id);
  desk(ctx).notice(r.ticket.id, 'staff-closed-by-user', { id: r.ticket.id });
  await ctx.reply(ctx.t('request-closed-by-you', { id: r.ticket.id }));
  await ctx.reply(ctx.t('request-rate'), { reply_markup: ratingButtons(r.ticket.id) });
});

pm.callbackQuery(/^rq:r:(T-\d{1,9}):([1-5])$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  const rated = await ctx.deps.sheets.tickets.rate
    .mutate({ ticketId: ctx.match[1]!, telegramId: ctx.from.id, rating: Number(ctx.match[2]) })
    .catch((e: unknown) => callErrorCode(e));
  if (typeof rated === 'string')
    return ctx.reply(ctx.t(rated === 'CONFLICT' ? 'request-already-rated' : 'request-not-found'));
  desk(ctx).notice(rated.id, 'staff-rated', { id: rated.id, rating: rated.rating ?? 0 });
  await ctx.reply(ctx.t('request-rated'));
});
