import type { Clients } from '../clients/index.ts';
import { fromServiceError } from './errors.ts';

/** Open requests by status and participations per promotion, for managers. */
export async function staffCounts(clients: Clients) {
  const [byStatus, participations] = await Promise.all([
    clients.sheets.tickets.byStatus.query(),
    clients.sheets.stats.participations.query(),
  ]).catch((e: unknown) => fromServiceError(e));
  return { openTickets: { new: byStatus.new, inProgress: byStatus.in_progress }, participations };
}

/** How many users a broadcast to this segment reaches now (blocked, pending and opted-out users left out). */
export async function broadcastAudience(clients: Clients, segment: string): Promise<{ count: number }> {
  return clients.sheets.broadcasts.recipientCount
    .query({ segment })
    .catch((e: unknown) => fromServiceError(e, { BAD_REQUEST: 'bad_input' }));
}

/**
 * Starts a broadcast now on behalf of a manager (the sheets service checks the role again and fixes the recipients);
 * the gateway's broadcast worker sends it within Telegram's limits.
 */
export async function startBroadcast(
  clients: Clients,
  staffTelegramId: number,
  input: { text: string; segment: string },
): Promise<{ id: string; status: string }> {
  const b = await clients.sheets.broadcasts.create
    .mutate({ staffTelegramId, text: input.text, segment: input.segment, start: 'now' })
    .catch((e: unknown) => fromServiceError(e, { FORBIDDEN: 'staff_only', BAD_REQUEST: 'bad_input' }));
  return { id: b.id, status: b.status };
}
