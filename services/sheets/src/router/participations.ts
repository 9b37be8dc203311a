import { TelegramId } from '@mb/contracts';
import { internalProcedure, router } from '@mb/service-kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { PromotionUnavailableError, participate, participationsOf } from '../domain/participations.ts';
import { userByTelegramId } from '../domain/users.ts';
import type { SheetsDeps } from './deps.ts';
import { domainBoundary } from './domain-errors.ts';

const boundary = domainBoundary(
  PromotionUnavailableError,
  {
    not_found: 'NOT_FOUND',
    not_live: 'PRECONDITION_FAILED',
    not_visible: 'PRECONDITION_FAILED',
    link_only: 'PRECONDITION_FAILED',
  },
  { message: 'reason' },
);

export const participationsRouter = ({ wb, catalog }: SheetsDeps) =>
  router({
    /** Idempotent: a second call for the same user and promotion returns `created: false`. */
    create: internalProcedure
      .input(z.object({ telegramId: TelegramId, promotionId: z.string().min(1).max(100) }))
      .mutation(({ input }) => {
        const user = userByTelegramId(wb, input.telegramId);
        if (user?.status !== 'active') throw new TRPCError({ code: 'FORBIDDEN', message: 'user is not signed in' });
        return boundary(() => participate(wb, catalog, user, input.promotionId));
      }),
    mine: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .query(({ input }) => participationsOf(wb, input.telegramId)),
  });
