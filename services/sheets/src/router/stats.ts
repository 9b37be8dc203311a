import { internalProcedure, router } from '@mb/service-kit';
import { participationCounts } from '../domain/staff-stats.ts';
import type { SheetsDeps } from './deps.ts';

export const statsRouter = ({ wb, catalog }: SheetsDeps) =>
  router({
    /** Participations per promotion, for the staff section of the Mini App. */
    participations: internalProcedure.query(() => participationCounts(wb, catalog)),
  });
