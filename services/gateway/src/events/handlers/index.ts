import type { EventHandlers } from '../types.ts';
import { broadcastHandlers } from './broadcasts.ts';
import { promotionHandlers } from './promotions.ts';
import { userHandlers } from './user.ts';

/**
 * Every change-event handler of the gateway, one file per topic. To add a topic: write `handlers/<topic>.ts`
 * exporting an `EventHandlers` object and spread it here (one import and one line).
 */
export function createEventHandlers(): EventHandlers {
  return {
    ...userHandlers,
    ...promotionHandlers,
    ...broadcastHandlers,
  };
}
