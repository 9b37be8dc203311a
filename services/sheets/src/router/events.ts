import { internalProcedure, router } from '@mb/service-kit';
import { z } from 'zod';
import type { SheetsDeps } from './deps.ts';

const consumer = z.string().regex(/^[a-z0-9_-]{1,64}$/);

/**
 * Change events as a cursor feed rather than a subscription: the consumer pulls, handles, then acks; the cursor is
 * stored here, so a restart of either side resumes exactly after the last acknowledged event (at-least-once).
 */
export const eventsRouter = ({ wb }: SheetsDeps) =>
  router({
    pull: internalProcedure
      .input(z.object({ consumer, limit: z.number().int().min(1).max(500).default(100) }))
      .query(({ input }) => wb.eventsSince(input.consumer, input.limit)),
    ack: internalProcedure.input(z.object({ consumer, seq: z.number().int().nonnegative() })).mutation(({ input }) => {
      wb.ackEvents(input.consumer, input.seq);
      return { ok: true };
    }),
  });
