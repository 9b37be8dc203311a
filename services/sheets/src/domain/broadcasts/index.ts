/**
 * Broadcasts in sheets: the public surface of domain/broadcasts/, one file per concern — lifecycle (rows, start,
 * progress, cancel), recipient-queue (claims and outcomes), opt-outs (who a broadcast reaches), conversions (deep-link
 * arrivals), announcements (promotions with notify=yes).
 */
export { announceDue, announcePromotion } from './announcements.ts';
export { conversionsOf, recordConversion } from './conversions.ts';
export {
  type Broadcast,
  BroadcastError,
  type Claimed,
  cancelBroadcast,
  createBroadcast,
  getBroadcast,
  type NewBroadcast,
  type Progress,
  progressOf,
  type RecipientOutcome,
  sendingBroadcasts,
  startBroadcast,
  startDue,
  toBroadcast,
} from './lifecycle.ts';
export { isOptedOut, recipientsFor, setMarketingOptOut } from './opt-outs.ts';
export { claimNext, recordAndClaim, recordOutcome, resolveStaleClaims } from './recipient-queue.ts';
