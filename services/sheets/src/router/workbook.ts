import { internalProcedure, router } from '@mb/service-kit';
import { z } from 'zod';
import { addAsManager, editAsManager, ManagerEditError, tabView } from '../domain/manager-edits.ts';
import type { SheetsDeps } from './deps.ts';
import { domainBoundary } from './domain-errors.ts';

const CODES = {
  unknown_tab: 'BAD_REQUEST',
  not_managed: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  duplicate_id: 'CONFLICT',
  missing_id: 'BAD_REQUEST',
} as const;

const boundary = domainBoundary(ManagerEditError, CODES);

/** The workbook as managers see it, for installs without a Google Sheet and for the sandbox's "Sheet" view. */
export const workbookRouter = ({ wb }: SheetsDeps) =>
  router({
    tab: internalProcedure
      .input(z.object({ tab: z.string().max(40) }))
      .query(({ input }) => boundary(() => tabView(wb, input.tab))),
    edit: internalProcedure
      .input(
        z.object({
          tab: z.string().max(40),
          id: z.string().min(1).max(200),
          column: z.string().max(40),
          value: z.string().max(50_000),
        }),
      )
      .mutation(({ input }) => boundary(() => editAsManager(wb, input))),
    add: internalProcedure
      .input(z.object({ tab: z.string().max(40), values: z.record(z.string().max(40), z.string().max(50_000)) }))
      .mutation(({ input }) => boundary(() => addAsManager(wb, input))),
  });
