import type { Ticket, TicketAttachment } from '@mb/contracts';
import { callErrorCode } from '@mb/service-kit';
import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { BotContext } from '../bot/context.ts';
import type { TicketDesk } from './desk.ts';

/** Only active managers and admins act on requests; the check is repeated by sheets for every write. */
export const isStaff = (ctx: BotContext) =>
  ctx.account?.status === 'active' && (ctx.account.role === 'manager' || ctx.account.role === 'admin');

/** The photo (largest size) or file of a message, by file_id. */
export function attachmentsOf(m: Pick<Message, 'photo' | 'document'>): TicketAttachment[] {
  const photo = m.photo?.at(-1);
  if (photo) return [{ kind: 'photo', fileId: photo.file_id }];
  return m.document ? [{ kind: 'document', fileId: m.document.file_id }] : [];
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

/** A staff reply: stored (status → answered) and delivered to the user; a blocked user is marked and staff told. */
export async function staffAnswer(
  ctx: BotContext,
  desk: TicketDesk,
  ticketId: string,
  text: string,
  files: TicketAttachment[],
): Promise<void> {
  let result;
  try {
    result = await ctx.deps.sheets.tickets.addMessage.mutate({
      ticketId,
      telegramId: ctx.from!.id,
      as: 'staff',
      text,
      attachments: files,
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
