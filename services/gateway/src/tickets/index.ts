import type { ConversationData, VersionedStateStorage } from '@grammyjs/conversations';
import type { TicketDesk } from './desk.ts';

/** What the request features need on `ctx.deps.tickets` (absent: the features are not mounted). */
export type TicketsDeps = {
  desk: TicketDesk;
  /** Where half-written requests (conversation state) are kept: SQLite here, Redis with several replicas. */
  conversations: VersionedStateStorage<string, ConversationData>;
};
