import { TelegramId, TicketAttachment } from '@mb/contracts';
import { internalProcedure, router } from '@mb/service-kit';
import type { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { lastNotice, linkMessages, placeOf, recordNotice, savePlace, ticketOfMessage } from '../domain/ticket-links.ts';
import {
  addMessage,
  createTicket,
  editAnswer,
  getTicket,
  rateTicket,
  setStatus,
  TicketError,
  type TicketErrorReason,
  ticketsByStatus,
  ticketsOf,
} from '../domain/tickets.ts';
import type { SheetsDeps } from './deps.ts';
import { domainBoundary } from './domain-errors.ts';

const ticketId = z.string().regex(/^T-\d{1,9}$/, 'expected a request id like T-1001');
const text = z.string().max(4000, 'at most 4000 characters');
const attachments = z.array(TicketAttachment).max(10, 'at most 10 attachments').default([]);
const messageId = z.number().int().positive();

const CODES: Record<TicketErrorReason, TRPCError['code']> = {
  not_found: 'NOT_FOUND',
  not_signed_in: 'FORBIDDEN',
  not_staff: 'FORBIDDEN',
  closed: 'PRECONDITION_FAILED',
  not_closed: 'PRECONDITION_FAILED',
  already_rated: 'CONFLICT',
  unknown_category: 'BAD_REQUEST',
  empty: 'BAD_REQUEST',
};

/** Runs a domain call, turning a TicketError into a TRPCError whose message is the reason (callers branch on it). */
const boundary = domainBoundary(TicketError, CODES, { message: 'reason' });

export const ticketsRouter = ({ wb, catalog }: SheetsDeps) =>
  router({
    /** Durable (committed and queued for the Sheet) when it returns; emits `ticket.created`. */
    create: internalProcedure
      .input(
        z.object({
          telegramId: TelegramId,
          category: z.string().min(1).max(100),
          text,
          attachments,
          transcript: z.string().max(20_000).optional(),
        }),
      )
      .mutation(({ input }) => boundary(() => createTicket(wb, catalog, input))),
    /** The user's requests, newest first. */
    mine: internalProcedure
      .input(
        z.object({
          telegramId: TelegramId,
          limit: z.number().int().min(1).max(50).default(10),
          offset: z.number().int().min(0).default(0),
        }),
      )
      .query(({ input }) => ticketsOf(wb, input.telegramId, input)),
    /** A request with its thread; with `telegramId`, only if it is that user's. */
    get: internalProcedure
      .input(z.object({ ticketId, telegramId: TelegramId.optional() }))
      .query(({ input }) => boundary(() => getTicket(wb, input.ticketId, input.telegramId))),
    /**
     * A message from the owner (`as: 'user'`), a manager/admin (`as: 'staff'`, status → answered), or an admin writing
     * anonymously as the staff group (`as: 'group_admin'`, signed with `signature` or «Администратор»). `source`: the
     * staff-chat message an answer was written as, for `editAnswer`.
     */
    addMessage: internalProcedure
      .input(
        z.object({
          ticketId,
          telegramId: TelegramId,
          as: z.enum(['user', 'staff', 'group_admin']),
          text: text.default(''),
          attachments,
          signature: z.string().max(128).optional(),
          source: z.object({ chatId: z.number().int(), messageId }).optional(),
        }),
      )
      .mutation(({ input }) => boundary(() => addMessage(wb, input))),
    /** A staff-chat message stored as an answer was edited: the stored answer takes the new text (null: not an answer, or unchanged). */
    editAnswer: internalProcedure
      .input(
        z.object({
          chatId: z.number().int(),
          messageId,
          telegramId: TelegramId,
          as: z.enum(['staff', 'group_admin']),
          text: text.min(1, 'an answer needs text'),
        }),
      )
      .mutation(({ input }) => boundary(() => editAnswer(wb, input))),
    /** Staff take (`in_progress`) or close; the owner may close. */
    setStatus: internalProcedure
      .input(
        z.object({
          ticketId,
          telegramId: TelegramId,
          as: z.enum(['user', 'staff']),
          status: z.enum(['in_progress', 'closed']),
        }),
      )
      .mutation(({ input }) => boundary(() => setStatus(wb, input))),
    rate: internalProcedure
      .input(
        z.object({
          ticketId,
          telegramId: TelegramId,
          rating: z.number().int().min(1, 'rating is 1 to 5').max(5, 'rating is 1 to 5'),
        }),
      )
      .mutation(({ input }) => boundary(() => rateTicket(wb, input))),
    byStatus: internalProcedure.query(() => ticketsByStatus(wb)),
    /** The gateway's Telegram bookkeeping, shared by its replicas (docs/tickets.md). */
    place: internalProcedure.input(z.object({ ticketId })).query(({ input }) => placeOf(wb, input.ticketId)),
    savePlace: internalProcedure
      .input(
        z.object({ ticketId, chatId: TelegramId, threadId: messageId.nullable(), cardMessageId: messageId.nullable() }),
      )
      .mutation(({ input }) => (savePlace(wb, input), { ok: true as const })),
    linkMessages: internalProcedure
      .input(z.object({ ticketId, chatId: TelegramId, messageIds: z.array(messageId).min(1).max(20) }))
      .mutation(
        ({ input }) => (linkMessages(wb, input.ticketId, input.chatId, input.messageIds), { ok: true as const }),
      ),
    ticketOfMessage: internalProcedure
      .input(z.object({ chatId: TelegramId, replyTo: messageId.optional(), threadId: messageId.optional() }))
      .query(({ input }) => ({ ticketId: ticketOfMessage(wb, input) })),
    lastNotice: internalProcedure.input(z.object({ ticketId })).query(({ input }) => lastNotice(wb, input.ticketId)),
    recordNotice: internalProcedure
      .input(z.object({ ticketId, status: z.string().max(20), answer: z.string().max(4000) }))
      .mutation(({ input }) => (recordNotice(wb, input.ticketId, input), { ok: true as const })),
  });
