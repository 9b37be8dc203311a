import { callErrorCode } from '@mb/service-kit';
import type { EventHandlers } from '../types.ts';

/**
 * Broadcast events. Each is idempotent (events arrive at least once, and every replica's broadcast sender also polls
 * for due broadcasts and announcements): starting, cancelling and announcing do nothing the second time. The sender
 * picks up what these start at its next poll (BROADCAST_POLL_INTERVAL_MS).
 */
export const broadcastHandlers: EventHandlers = {
  /** A Broadcasts row became `scheduled` in the Sheet: started if its time has come (otherwise at a later poll). */
  'broadcast.scheduled': async (_payload, deps) => {
    await deps.sheets.broadcasts.startDue.mutate();
  },
  /** A manager set status `cancelled`: no one still pending gets it. */
  'broadcast.cancelled': async ({ broadcastId }, deps) => {
    try {
      await deps.sheets.broadcasts.cancel.mutate({ id: broadcastId });
    } catch (error) {
      const code = callErrorCode(error);
      if (code !== 'NOT_FOUND' && code !== 'PRECONDITION_FAILED') throw error;
      deps.logger.info({ broadcastId, code }, 'cancelled broadcast already gone or finished');
    }
  },
  /** A promotion went live: with notify=yes it is announced once (announced_at recorded). */
  'promotion.activated': async ({ promotionId }, deps) => {
    const { broadcastId } = await deps.sheets.broadcasts.announcePromotion.mutate({ promotionId });
    if (broadcastId) deps.logger.info({ broadcastId, promotionId }, 'promotion announcement started');
  },
};
