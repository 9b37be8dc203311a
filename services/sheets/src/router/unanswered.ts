import { UnansweredStatus } from '@mb/contracts';
import { internalProcedure, router } from '@mb/service-kit';
import { z } from 'zod';
import { listUnanswered, recordUnanswered } from '../domain/unanswered.ts';
import type { SheetsDeps } from './deps.ts';

/** Questions the assistant could not answer, counted in the `Unanswered` tab for managers to improve the FAQ. */
export const unansweredRouter = ({ wb }: SheetsDeps) =>
  router({
    record: internalProcedure
      .input(
        z.object({ question: z.string().trim().min(1, 'the question is empty').max(4096, 'at most 4096 characters') }),
      )
      .mutation(({ input }) => recordUnanswered(wb, input.question)),
    list: internalProcedure
      .input(z.object({ status: UnansweredStatus.optional(), limit: z.number().int().min(1).max(500).default(50) }))
      .query(({ input }) =>
        listUnanswered(wb, { limit: input.limit, ...(input.status ? { status: input.status } : {}) }),
      ),
  });
