import type { Turn } from './memory.ts';

type MaybePromise<T> = T | Promise<T>;

/** How much a conversation memory keeps: the last `turns` turns, forgotten after `idleMs` without a new one. */
export type MemoryLimits = { turns: number; idleMs: number };

/** What both memory stores share: their limits, and how many turns they keep per user. */
export abstract class BoundedMemory {
  protected readonly limits: MemoryLimits;
  constructor(limits: MemoryLimits) {
    this.limits = limits;
  }

  /** Turns kept per user after remembering: `turns`, yet at least the question and answer just remembered. */
  protected get kept(): number {
    return Math.max(this.limits.turns, 2);
  }
}

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
