import { Language, TelegramId, UserStatus } from '@mb/contracts';
import { internalProcedure, router } from '@mb/service-kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { finishForget, forget, myData } from '../domain/privacy.ts';
import {
  markSeen,
  NotStaffError,
  pendingUsers,
  recordApprovalNotice,
  recordStart,
  setBlockedBot,
  setStatusByStaff,
  signIn,
  startCounts,
  takeApprovalNotices,
  takeStart,
  UserRowUnreadableError,
  userByTelegramId,
} from '../domain/users.ts';
import type { SheetsDeps } from './deps.ts';

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number like +79035550101');
/** `/start` payloads: Telegram allows 1–64 characters of A-Z a-z 0-9 _ -. */
const StartPayload = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const usersRouter = ({ wb, catalog }: SheetsDeps) =>
  router({
    byTelegramId: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .query(({ input }) => userByTelegramId(wb, input.telegramId)),
    /** Signs in by the account's own phone (E.164); see domain/users.ts for the outcomes. */
    signIn: internalProcedure
      .input(z.object({ telegramId: TelegramId, phone: E164, name: z.string().trim().max(200), language: Language }))
      .mutation(({ input }) => signIn(wb, catalog.settings(), input)),
    /** A manager or admin (checked here) approves, denies or blocks a user from Telegram. */
    setStatus: internalProcedure
      .input(z.object({ actorTelegramId: TelegramId, userId: z.string().min(1).max(100), status: UserStatus }))
      .mutation(({ input }) => {
        try {
          return setStatusByStaff(wb, input.actorTelegramId, input.userId, input.status);
        } catch (error) {
          if (error instanceof NotStaffError)
            throw new TRPCError({ code: 'FORBIDDEN', message: error.message, cause: error });
          if (error instanceof UserRowUnreadableError)
            throw new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
          throw error;
        }
      }),
    pending: internalProcedure
      .input(z.object({ limit: z.number().int().min(1).max(100).default(20) }))
      .query(({ input }) => pendingUsers(wb, input.limit)),
    /**
     * The one procedure for "the user blocked the bot" (domain setBlockedBot): `blocked: true` when a reply or a
     * notification could not reach them (gateway telegram/blocked.ts decides), false when they write again.
     * Idempotent; `changed` says whether the row changed.
     */
    setBlockedBot: internalProcedure
      .input(z.object({ telegramId: TelegramId, blocked: z.boolean() }))
      .mutation(({ input }) => ({ changed: setBlockedBot(wb, input.telegramId, input.blocked) })),
    seen: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .mutation(({ input }) => ({ changed: markSeen(wb, input.telegramId) })),
    recordStart: internalProcedure
      .input(z.object({ telegramId: TelegramId, payload: StartPayload }))
      .mutation(({ input }) => {
        recordStart(wb, input.telegramId, input.payload);
        return { ok: true as const };
      }),
    /** The latest deep link not yet opened for this account (consumed by this call). */
    takeStart: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .mutation(({ input }) => ({ payload: takeStart(wb, input.telegramId) })),
    startCounts: internalProcedure.query(() => startCounts(wb)),
    /** A staff-chat message with Approve/Deny for a pending user was sent. */
    approvalNoticeSent: internalProcedure
      .input(
        z.object({
          userId: z.string().min(1).max(100),
          chatId: TelegramId,
          messageId: z.number().int().positive(),
          text: z.string().max(4096),
        }),
      )
      .mutation(({ input }) => {
        recordApprovalNotice(wb, input.userId, input);
        return { ok: true as const };
      }),
    /** The user was decided: their Approve/Deny messages (forgotten here), for the gateway to take the buttons away. */
    takeApprovalNotices: internalProcedure
      .input(z.object({ userId: z.string().min(1).max(100) }))
      .mutation(({ input }) => takeApprovalNotices(wb, input.userId)),
    /** What is stored about the account (/mydata, the Mini App's "My data"); null when no row is linked. */
    myData: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .query(({ input }) => myData(wb, input.telegramId)),
    /** Erases the person (/forget, the Mini App); `forgotten: false` when nothing was linked (erased already). */
    forget: internalProcedure.input(z.object({ telegramId: TelegramId })).mutation(({ input }) => {
      const done = forget(wb, input.telegramId);
      return done ? { forgotten: true as const, userId: done.userId } : { forgotten: false as const };
    }),
    /** The gateway's part of a forget is done; `first` is true once (the staff chat is told then). */
    forgetFinished: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .mutation(({ input }) => ({ first: finishForget(wb, input.telegramId) })),
  });
