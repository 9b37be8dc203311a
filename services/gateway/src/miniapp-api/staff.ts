import type { Clients } from '../clients/index.ts';
import { fromServiceError } from './errors.ts';

/** Open requests by status and participations per promotion, for managers. */
export async function staffCounts(clients: Clients) {
  const [byStatus, participations] = await Promise.all([clients.sheets.tickets.byStatus.query(), clients.sheets.stats.participations.query()]).catch(
    (e: unknown) => fromServiceError(e),
  );
  return { openRequests: { new: byStatus.new, inProgress: byStatus.in_progress }, participations };
}
