import { isoDate, TelegramId } from '@mb/contracts';
import { internalProcedure, router } from '@mb/service-kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  announceDue,
  announcePromotion,
  BroadcastError,
  cancelBroadcast,
  conversionsOf,
  createBroadcast,
  getBroadcast,
  isOptedOut,
  progressOf,
  recipientsFor,
  recordAndClaim,
  recordConversion,
  resolveStaleClaims,
  sendingBroadcasts,
  setMarketingOptOut,
  startBroadcast,
  startDue,
} from '../domain/broadcasts/index.ts';
import { userByTelegramId } from '../domain/users.ts';
import type { SheetsDeps } from './deps.ts';
import { domainBoundary } from './domain-errors.ts';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a broadcast id like B-12');
const worker = z.string().regex(/^[A-Za-z0-9_.:/-]{1,100}$/);
const segment = z.string().trim().min(1).max(200);

const boundary = domainBoundary(BroadcastError, {
  not_found: 'NOT_FOUND',
  not_startable: 'PRECONDITION_FAILED',
  finished: 'PRECONDITION_FAILED',
});

export const broadcastsRouter = ({ wb }: SheetsDeps) =>
  router({
    /** A staff member (manager or admin, checked here by Telegram id) creates a broadcast: start now, schedule, or draft. */
    create: internalProcedure
      .input(
        z.object({
          staffTelegramId: TelegramId,
          text: z.string().trim().min(1).max(4096),
          imageUrl: z.url().max(2000).optional(),
          segment: segment.default('all'),
          scheduledAt: isoDate.optional(),
          start: z.enum(['now', 'schedule', 'draft']).default('now'),
        }),
      )
      .mutation(({ input }) => {
        const staff = userByTelegramId(wb, input.staffTelegramId);
        if (staff?.status !== 'active' || staff.role === 'client')
          throw new TRPCError({ code: 'FORBIDDEN', message: 'only managers and admins send broadcasts' });
        if (input.start === 'schedule' && !input.scheduledAt)
          throw new TRPCError({ code: 'BAD_REQUEST', message: 'scheduledAt is required to schedule' });
        return createBroadcast(wb, { ...input, createdBy: `tg:${input.staffTelegramId}` });
      }),
    get: internalProcedure.input(z.object({ id })).query(({ input }) => {
      const b = getBroadcast(wb, input.id);
      return b ? { ...b, progress: progressOf(wb, input.id), conversions: conversionsOf(wb, input.id) } : null;
    }),
    /** How many users a segment reaches now (skipping blocked, pending, opted-out and blocked_bot users). */
    recipientCount: internalProcedure
      .input(z.object({ segment }))
      .query(({ input }) => ({ count: recipientsFor(wb, input.segment).length })),
    start: internalProcedure
      .input(z.object({ id }))
      .mutation(({ input }) => boundary(() => startBroadcast(wb, input.id))),
    startDue: internalProcedure.mutation(() => ({ started: startDue(wb) })),
    sending: internalProcedure.query(() => ({ ids: sendingBroadcasts(wb) })),
    /** Records the last outcome and claims the next recipient in one call (`claim: false` when stopping). */
    next: internalProcedure
      .input(
        z.object({
          id,
          worker,
          claim: z.boolean(),
          record: z
            .object({
              telegramId: TelegramId,
              outcome: z.enum(['sent', 'failed', 'blocked', 'unknown', 'retry', 'release']),
              error: z.string().max(300).optional(),
            })
            .optional(),
        }),
      )
      .mutation(({ input }) => recordAndClaim(wb, input.id, input.worker, input.record, input.claim)),
    /** Claims a worker left without an outcome: back to pending if never attempted, else `unknown` (never resent). */
    resolveStale: internalProcedure
      .input(
        z.object({
          worker: worker.optional(),
          leaseMs: z.number().int().min(1000).max(86_400_000).optional(),
          attempted: z
            .array(z.object({ broadcastId: id, telegramId: TelegramId }))
            .max(10_000)
            .optional(),
        }),
      )
      .mutation(({ input }) => resolveStaleClaims(wb, input)),
    cancel: internalProcedure
      .input(z.object({ id }))
      .mutation(({ input }) => boundary(() => cancelBroadcast(wb, input.id))),
    announceDue: internalProcedure.mutation(() => ({ started: announceDue(wb) })),
    announcePromotion: internalProcedure
      .input(z.object({ promotionId: z.string().min(1).max(100) }))
      .mutation(({ input }) => announcePromotion(wb, input.promotionId)),
    setOptOut: internalProcedure
      .input(z.object({ telegramId: TelegramId, optedOut: z.boolean() }))
      .mutation(({ input }) => setMarketingOptOut(wb, input.telegramId, input.optedOut)),
    optedOut: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .query(({ input }) => ({ optedOut: isOptedOut(wb, input.telegramId) })),
    recordConversion: internalProcedure
      .input(z.object({ id, telegramId: TelegramId, promotionId: z.string().min(1).max(100) }))
      .mutation(({ input }) => recordConversion(wb, input.id, input.telegramId, input.promotionId)),
  });
