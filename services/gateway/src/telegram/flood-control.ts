import { limit } from '@grammyjs/ratelimiter';
import type { Context, MiddlewareFn } from 'grammy';
import type { Counter } from 'prom-client';

export type FloodLimit = { limit: number; timeFrameMs: number };
/** 20 updates per 10 s per user: well above a person tapping through a menu, well below a script. */
export const DEFAULT_FLOOD_LIMIT: FloodLimit = { limit: 20, timeFrameMs: 10_000 };

/** What the ratelimiter needs of a Redis client (ioredis fits). */
export type FloodStore = {
  incr(key: string): Promise<number>;
  pexpire(key: string, milliseconds: number): Promise<number>;
};

/**
 * Incoming flood control per user in private chats (@grammyjs/ratelimiter). In process with one replica; with a
 * Redis `store` every replica counts against the same window (`keyPrefix` keeps bots sharing a Redis apart). Excess
 * updates are dropped before they cost a sheets call; a dropped button press is still answered so the client stops
 * its spinner.
 */
export function floodControl<C extends Context>(
  opts: FloodLimit & { dropped?: Counter; store?: FloodStore; keyPrefix?: string },
): MiddlewareFn<C> {
  return limit<C, FloodStore>({
    timeFrame: opts.timeFrameMs,
    limit: opts.limit,
    alwaysReply: true,
    ...(opts.store ? { storageClient: opts.store } : {}),
    keyPrefix: opts.keyPrefix ?? 'flood:',
    keyGenerator: (ctx) => (ctx.chat?.type === 'private' && ctx.from ? String(ctx.from.id) : undefined),
    onLimitExceeded: (ctx) => {
      opts.dropped?.inc();
      if (ctx.callbackQuery) void ctx.answerCallbackQuery().catch(() => undefined);
    },
  });
}
