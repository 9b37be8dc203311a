import type { Context, MiddlewareFn, Transformer } from 'grammy';

export type CallbackAnswers = {
  /** Notes every answerCallbackQuery sent; install it on the bot's Api and on every Api a conversation builds. */
  transformer: Transformer;
  /** Mounted first: once the handler chain is done, answers a button press nothing answered. */
  middleware: MiddlewareFn<Context>;
};

/**
 * Every button press gets an answerCallbackQuery, whichever handler took it, or none (a dialogue waiting for
 * something else, a feature that forgot): without one the client shows a spinner for ~15 s. A press whose handling
 * failed is left alone: the error boundary apologises for a bug, and an update kept for a retry answers on the retry
 * (an answer now would make the retry's own answer fail).
 */
export function callbackAnswers(): CallbackAnswers {
  const answered = new Set<string>();
  return {
    transformer: (prev, method, payload, signal) => {
      if (method === 'answerCallbackQuery') answered.add((payload as { callback_query_id: string }).callback_query_id);
      return prev(method, payload, signal);
    },
    middleware: async (ctx, next) => {
      const id = ctx.callbackQuery?.id;
      if (id === undefined) return next();
      try {
        await next();
        if (!answered.has(id)) await ctx.answerCallbackQuery().catch(() => undefined);
      } finally {
        answered.delete(id);
      }
    },
  };
}
