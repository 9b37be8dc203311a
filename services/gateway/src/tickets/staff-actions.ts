import type { Ticket, TicketAttachment } from '@mb/contracts';
import { callErrorCode } from '@mb/service-kit';
import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { BotContext } from '../bot/context.ts';
import type { TicketDesk } from './desk.ts';

/** Only active managers and admins act on requests; the check is repeated by sheets for every write. */
export const isStaff = (ctx: BotContext) =>
  ctx.account?.status === 'active' && (ctx.account.role === 'manager' || ctx.account.role === 'admin');

/** Telegram's GroupAnonymousBot: the `from` of what a group admin posts anonymously, as the group (`sender_chat`). */
export const GROUP_ANONYMOUS_BOT_ID = 1_087_968_824;

/** How a staff-chat message is written to sheets: as a manager/admin's account, or as an anonymous admin of the group. */
export type StaffWriter = { as: 'staff' } | { as: 'group_admin'; signature?: string };

/**
 * Who wrote a staff-chat message, or null when not staff. Only the group's admins can write as the group itself
 * (`sender_chat` = this chat, `from` = GroupAnonymousBot), so such a message is staff's, signed with the admin's
 * title (author_signature) when they set one.
 */
export function staffWriter(ctx: BotContext, m: Pick<Message, 'from' | 'sender_chat' | 'author_signature'>) {
  if (m.sender_chat !== undefined && m.sender_chat.id === ctx.chat?.id && m.from?.id === GROUP_ANONYMOUS_BOT_ID)
    return { as: 'group_admin', ...(m.author_signature ? { signature: m.author_signature } : {}) } as StaffWriter;
  return isStaff(ctx) ? ({ as: 'staff' } as StaffWriter) : null;
}

/** The photo (largest size), file, audio, video or voice note of a message, by file_id. */
export function attachmentsOf(
  m: Pick<Message, 'photo' | 'document' | 'audio' | 'video' | 'voice'>,
): TicketAttachment[] {
  const photo = m.photo?.at(-1);
  if (photo) return [{ kind: 'photo', fileId: photo.file_id }];
  for (const kind of ['document', 'audio', 'video', 'voice'] as const) {
    const file = m[kind];
    if (file) return [{ kind, fileId: file.file_id }];
  }
  return [];
}

async function languageOf(ctx: BotContext, telegramId: number): Promise<string> {
  return (await ctx.deps.sheets.users.byTelegramId.query({ telegramId }))?.language ?? 'ru';
}

/** Tells the user the request's status and remembers it, so the same change arriving from the event feed is not told again. */
export async function tellUser(api: Api, ctx: BotContext, desk: TicketDesk, ticket: Ticket): Promise<void> {
  if (await desk.links.wasNotified(ticket.id, ticket.status, ticket.answer)) return;
  await desk.notifyStatus(api, ticket, await languageOf(ctx, ticket.telegramId), false);
  await desk.links.recordNotice(ticket.id, ticket.status, ticket.answer);
}

/** A staff member takes (`in_progress`) or closes a request from the staff chat; returns the locale key of the outcome. */
export async function staffSetStatus(
  ctx: BotContext,
  desk: TicketDesk,
  ticketId: string,
  status: 'in_progress' | 'closed',
): Promise<string> {
  try {
    const r = await ctx.deps.sheets.tickets.setStatus.mutate({
      ticketId,
      telegramId: ctx.from!.id,
      as: 'staff',
      status,
    });
    if (!r.changed) return status === 'closed' ? 'staff-request-closed' : 'staff-taken-already';
    if (r.resolutionSeconds !== null) desk.resolution.observe(r.resolutionSeconds);
    desk.retitle(ticketId);
    desk.notice(ticketId, status === 'closed' ? 'staff-closed' : 'staff-taken', {
      id: ticketId,
      name: ctx.account?.name ?? '',
    });
    await tellUser(ctx.api, ctx, desk, r.ticket);
    return status === 'closed' ? 'staff-done-closed' : 'staff-done-taken';
  } catch (error) {
    const code = callErrorCode(error);
    if (code === 'PRECONDITION_FAILED') return 'staff-request-closed';
    if (code === 'NOT_FOUND') return 'request-not-found';
    if (code === 'FORBIDDEN') return 'staff-only-managers';
    throw error;
  }
}

/**
 * A staff reply: stored (status → answered, with the staff-chat message it was written as, so an edit can correct it)
 * and delivered to the user; a blocked user is marked and staff told.
 */
export async function staffAnswer(
  ctx: BotContext,
  desk: TicketDesk,
  ticketId: string,
  text: string,
  files: TicketAttachment[],
  writer: StaffWriter = { as: 'staff' },
  source?: { chatId: number; messageId: number },
): Promise<void> {
  let result;
  try {
    result = await ctx.deps.sheets.tickets.addMessage.mutate({
      ticketId,
      telegramId: ctx.from!.id,
      ...writer,
      text,
      attachments: files,
      ...(source ? { source } : {}),
    });
  } catch (error) {
    const code = callErrorCode(error);
    if (code === 'PRECONDITION_FAILED') return desk.notice(ticketId, 'staff-request-closed', { id: ticketId });
    if (code === 'FORBIDDEN') return desk.notice(ticketId, 'staff-only-managers');
    throw error;
  }
  if (result.firstResponseSeconds !== null) desk.firstResponse.observe(result.firstResponseSeconds);
  desk.retitle(ticketId);
  const { ticket } = result;
  if (await desk.deliverAnswer(ctx.api, ticket, await languageOf(ctx, ticket.telegramId), text, files))
    await desk.links.recordNotice(ticket.id, ticket.status, ticket.answer);
}

/**
 * A staff-chat message stored as an answer was edited: the stored answer is corrected and the user gets the new text,
 * marked as a correction. An edit of anything else (a note to colleagues, a command) or one that left the text as it
 * was does nothing.
 */
export async function staffCorrection(
  ctx: BotContext,
  desk: TicketDesk,
  m: Pick<Message, 'message_id' | 'text' | 'caption'>,
  writer: StaffWriter,
): Promise<void> {
  const text = m.text ?? m.caption ?? '';
  if (!text.trim() || text.startsWith('/')) return;
  let result;
  try {
    result = await ctx.deps.sheets.tickets.editAnswer.mutate({
      chatId: ctx.chat!.id,
      messageId: m.message_id,
      telegramId: ctx.from!.id,
      as: writer.as,
      text,
    });
  } catch (error) {
    const code = callErrorCode(error);
    if (code === 'PRECONDITION_FAILED' || code === 'FORBIDDEN') return;
    throw error;
  }
  if (!result) return;
  const { ticket } = result;
  if (await desk.deliverAnswer(ctx.api, ticket, await languageOf(ctx, ticket.telegramId), text, [], true))
    await desk.links.recordNotice(ticket.id, ticket.status, ticket.answer);
}
