import type { Turn } from './memory.ts';

type MaybePromise<T> = T | Promise<T>;

/** Conversation memory: SQLite (one assistant) or Redis (several assistants sharing it). */
export interface MemoryStore {
  /** The user's recent turns, oldest first; empty once the conversation idled past the expiry. */
  recent(telegramId: number): MaybePromise<Turn[]>;
  remember(telegramId: number, question: string, answer: string): MaybePromise<void>;
  /** Forgets the conversation; the number of turns forgotten. */
  reset(telegramId: number): MaybePromise<number>;
}

/** Per-user daily messages and the global daily tokens, per UTC day. */
export interface UsageStore {
  /** Counts one message if the user is under `limit` today (atomically); false when the quota is used up. */
  tryTakeMessage(telegramId: number, limit: number): MaybePromise<boolean>;
  addTokens(model: string, input: number, output: number): MaybePromise<void>;
  tokensToday(): MaybePromise<number>;
}
