import {
  attachmentsOf,
  isStaff,
  staffAnswer,
  staffCorrection,
  staffSetStatus,
  staffWriter,
} from '../../tickets/staff-actions.ts';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { staffChatId } from '../staff-chat.ts';

/**
 * The staff chat: buttons and `/take` `/close` act on a request; a message in a request's topic (forum) or a reply
 * to one of its messages (plain group) is the answer to the user (an admin writing anonymously as the group counts
 * as staff); editing an answer sends the user the corrected text. Only managers and admins act; others are told so.
 */
export const staffTicketsFeature = new Composer<BotContext>();
const staff = staffTicketsFeature
  .chatType(['group', 'supergroup'])
  .filter(async (ctx) => ctx.chat.id === (await staffChatId(ctx.deps)));
const desk = (ctx: BotContext) => ctx.deps.tickets!.desk;

staff.callbackQuery(/^st:(t|c):(T-\d{1,9})$/, async (ctx) => {
  if (!isStaff(ctx)) return ctx.answerCallbackQuery({ text: ctx.t('staff-only-managers'), show_alert: true });
  const outcome = await staffSetStatus(ctx, desk(ctx), ctx.match[2]!, ctx.match[1] === 't' ? 'in_progress' : 'closed');
  await ctx.answerCallbackQuery({ text: ctx.t(outcome, { id: ctx.match[2]! }) });
});

/** The request a staff-chat message is about: its topic, or the request message it replies to. */
const ticketOf = (ctx: BotContext) => {
  const m = ctx.message!;
  const replyTo =
    m.reply_to_message && m.reply_to_message.message_id !== m.message_thread_id
      ? m.reply_to_message.message_id
      : undefined;
  return desk(ctx).links.ticketOf(ctx.chat!.id, replyTo, m.is_topic_message ? m.message_thread_id : undefined);
};

staff.command(['take', 'close'], async (ctx) => {
  const ticketId = await ticketOf(ctx);
  if (!ticketId) return;
  if (!isStaff(ctx)) return desk(ctx).notice(ticketId, 'staff-only-managers');
  const outcome = await staffSetStatus(
    ctx,
    desk(ctx),
    ticketId,
    ctx.message.text.startsWith('/take') ? 'in_progress' : 'closed',
  );
  if (outcome !== 'staff-done-taken' && outcome !== 'staff-done-closed')
    desk(ctx).notice(ticketId, outcome, { id: ticketId });
});

staff.on(
  ['message:text', 'message:photo', 'message:document', 'message:audio', 'message:video', 'message:voice'],
  async (ctx) => {
    if (ctx.message.text?.startsWith('/')) return;
    const writer = staffWriter(ctx, ctx.message);
    // Other bots are never staff; an admin writing anonymously as the group comes from GroupAnonymousBot.
    if (ctx.from.is_bot && writer?.as !== 'group_admin') return;
    const ticketId = await ticketOf(ctx);
    if (!ticketId) return;
    if (!writer) return desk(ctx).notice(ticketId, 'staff-only-managers');
    await staffAnswer(
      ctx,
      desk(ctx),
      ticketId,
      ctx.message.text ?? ctx.message.caption ?? '',
      attachmentsOf(ctx.message),
      writer,
      { chatId: ctx.chat.id, messageId: ctx.message.message_id },
    );
  },
);

/** A manager edits an answer already delivered: the user gets the corrected text, marked as a correction. */
staff.on(['edited_message:text', 'edited_message:caption'], async (ctx) => {
  const writer = staffWriter(ctx, ctx.editedMessage);
  if (writer) await staffCorrection(ctx, desk(ctx), ctx.editedMessage, writer);
});
