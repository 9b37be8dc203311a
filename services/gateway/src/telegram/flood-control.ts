import { createRateLimiter } from '@mb/service-kit';
import type { Context, MiddlewareFn } from 'grammy';
import type { Counter } from 'prom-client';

export type FloodLimit = { limit: number; timeFrameMs: number };
/** 20 updates per 10 s per user: well above a person tapping through a menu, well below a script. */
export const DEFAULT_FLOOD_LIMIT: FloodLimit = { limit: 20, timeFrameMs: 10_000 };

export type FloodControlOptions = FloodLimit & {
  /** Counts each update dropped. */
  dropped?: Counter;
  /** Counts each update let through uncounted because it is a redelivered backlog. */
  backlog?: Counter;
  /** An ioredis client: every replica counts a user's updates in the same window. Unset: counted in this process. */
  redis?: unknown;
  /** Keeps bots sharing a Redis apart (`<prefix>:flood:<user id>`). */
  prefix?: string;
  /** Tells the user, once per window, that some of their messages were skipped (the first drop of a window). */
  notify?: (ctx: Context) => Promise<unknown>;
  /** The clock (ms), for tests. */
  now?: () => number;
};

/**
 * When the user sent the update (seconds): a message's date, an edit's edit_date. A button press carries no date of
 * its own (its message's date is when the bot sent that message), so it always counts.
 */
function sentAt(ctx: Context): number | undefined {
  const m = ctx.update.message ?? ctx.update.edited_message;
  return m ? (m.edit_date ?? m.date) : ctx.update.my_chat_member?.date;
}

/**
 * Incoming flood control per user in private chats (service-kit's rate limiter; with `redis` every replica counts in
 * the same window). Group chats are not limited (the staff chat is many people).
 *
 * A redelivered backlog is not a flood: after downtime Telegram sends everything it kept at once, but those updates
 * were written before the burst began. An update dated more than one time frame before now was sent before the
 * current window could have started, so it is let through without being counted; only fresh updates count.
 *
 * Excess fresh updates are dropped before they cost a sheets call and counted; a dropped button press is still
 * answered so the client stops its spinner, and the first drop of a window tells the user (`notify`).
 */
export function floodControl<C extends Context>(opts: FloodControlOptions): MiddlewareFn<C> {
  const durationSeconds = Math.max(1, Math.ceil(opts.timeFrameMs / 1000));
  const shared = { prefix: opts.prefix ?? 'bot', ...(opts.redis ? { redis: opts.redis } : {}) };
  const updates = createRateLimiter({ name: 'flood', points: opts.limit, durationSeconds, ...shared });
  const notices = createRateLimiter({ name: 'flood-notice', points: 1, durationSeconds, ...shared });
  const now = opts.now ?? Date.now;
  return async (ctx, next) => {
    if (ctx.chat?.type !== 'private' || !ctx.from) return next();
    const sent = sentAt(ctx);
    if (sent !== undefined && sent * 1000 < now() - durationSeconds * 1000) {
      opts.backlog?.inc();
      return next();
    }
    if ((await updates.consume(ctx.from.id)).allowed) return next();
    opts.dropped?.inc();
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    if (opts.notify && (await notices.consume(ctx.from.id)).allowed) await opts.notify(ctx).catch(() => undefined);
  };
}
