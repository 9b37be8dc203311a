import { internalProcedure, router } from '@mb/service-kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { SheetsDeps } from './deps.ts';

export const catalogRouter = ({ catalog }: SheetsDeps) =>
  router({
    settings: internalProcedure.query(() => catalog.settings()),
    /** Live promotions for a segment; `segment: null` means only the ones for everyone. */
    promotions: internalProcedure
      .input(z.object({ segment: z.string().max(100).nullable() }))
      .query(({ input }) => catalog.livePromotions(input.segment)),
    promotion: internalProcedure.input(z.object({ id: z.string().min(1).max(100) })).query(({ input }) => {
      const promotion = catalog.promotion(input.id);
      if (!promotion) throw new TRPCError({ code: 'NOT_FOUND', message: `no promotion ${input.id}` });
      return promotion;
    }),
    allPromotions: internalProcedure.query(() => catalog.promotions()),
    faq: internalProcedure
      .input(z.object({ activeOnly: z.boolean().default(true) }).default({ activeOnly: true }))
      .query(({ input }) => catalog.faq(input.activeOnly)),
  });
