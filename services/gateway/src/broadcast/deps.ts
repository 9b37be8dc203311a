import type { StorageAdapter } from 'grammy';
import type { Counter } from 'prom-client';

/** A staff member's broadcast being composed in the chat: kept in session storage (Redis with several replicas). */
export type BroadcastDraft = { step: 'text' | 'segment' | 'confirm'; text?: string; segment?: string };

/** What the broadcast features need on `ctx.deps.broadcast`. */
export type BroadcastBotDeps = {
  drafts: StorageAdapter<BroadcastDraft>;
  /** Tells the sender to look for work now. */
  wake(): void;
  conversions: Counter<'broadcast'>;
};
