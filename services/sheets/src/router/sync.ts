import { internalProcedure, router } from '@mb/service-kit';
import { TRPCError } from '@trpc/server';
import { SheetsCallError } from '../sync/google-client.ts';
import type { SheetsDeps } from './deps.ts';

/** The Google Sheets sync: a pull on demand (a manager pressed "sync now"), and its status. */
export const syncRouter = ({ sync }: SheetsDeps) =>
  router({
    pullNow: internalProcedure.mutation(async () => {
      if (!sync)
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: 'no spreadsheet configured (GOOGLE_SHEETS_SPREADSHEET_ID)',
        });
      const s = await sync.pullNow().catch((error: unknown) => {
        if (error instanceof SheetsCallError)
          throw new TRPCError({
            code: 'SERVICE_UNAVAILABLE',
            message: `Google Sheets did not answer: ${error.message}`,
            cause: error,
          });
        throw error;
      });
      return {
        rows: s.rows,
        applied: s.applied,
        inserted: s.inserted,
        deleted: s.deleted,
        events: s.events,
        problems: s.problems,
        badRows: s.badRows,
      };
    }),
    status: internalProcedure.query(() =>
      sync ? { configured: true as const, ...sync.status() } : { configured: false as const },
    ),
  });
