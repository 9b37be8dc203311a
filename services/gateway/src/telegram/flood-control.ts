import { limit } from '@grammyjs/ratelimiter';
import type { Context, MiddlewareFn } from 'grammy';
import type { Counter } from 'prom-client';

export type FloodLimit = { limit: number; timeFrameMs: number };
/** 20 updates per 10 s per user: well above a person tapping through a menu, well below a script. */
export const DEFAULT_FLOOD_LIMIT: FloodLimit = { limit: 20, timeFrameMs: 10_000 };

/**
 * Incoming flood control per user in private chats (@grammyjs/ratelimiter, in process; a Redis store when several
 * replicas run). Excess updates are dropped before they cost a sheets call; a dropped button press is still answered
 * so the client stops its spinner.
 */
export function floodControl<C extends Context>(opts: FloodLimit & { dropped?: Counter }): MiddlewareFn<C> {
  return limit<C, never>({
    timeFrame: opts.timeFrameMs,
    limit: opts.limit,
    alwaysReply: true,
    keyGenerator: (ctx) => (ctx.chat?.type === 'private' && ctx.from ? String(ctx.from.id) : undefined),
    onLimitExceeded: (ctx) => {
      opts.dropped?.inc();
      if (ctx.callbackQuery) void ctx.answerCallbackQuery().catch(() => undefined);
    },
  });
}
