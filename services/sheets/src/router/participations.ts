import { TelegramId } from '@mb/contracts';
import { internalProcedure, router } from '@mb/service-kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { PromotionUnavailableError, participate, participationsOf } from '../domain/participations.ts';
import { userByTelegramId } from '../domain/users.ts';
import type { SheetsDeps } from './deps.ts';

export const participationsRouter = ({ wb, catalog }: SheetsDeps) =>
  router({
    /** Idempotent: a second call for the same user and promotion returns `created: false`. */
    create: internalProcedure
      .input(z.object({ telegramId: TelegramId, promotionId: z.string().min(1).max(100) }))
      .mutation(({ input }) => {
        const user = userByTelegramId(wb, input.telegramId);
        if (user?.status !== 'active') throw new TRPCError({ code: 'FORBIDDEN', message: 'user is not signed in' });
        try {
          return participate(wb, catalog, user, input.promotionId);
        } catch (error) {
          if (error instanceof PromotionUnavailableError) {
            throw new TRPCError({
              code: error.reason === 'not_found' ? 'NOT_FOUND' : 'PRECONDITION_FAILED',
              message: error.reason,
              cause: error,
            });
          }
          throw error;
        }
      }),
    mine: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .query(({ input }) => participationsOf(wb, input.telegramId)),
  });
