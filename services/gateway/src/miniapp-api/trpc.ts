import type { IncomingMessage } from 'node:http';
import type { User } from '@mb/contracts';
import type { ServiceMetrics } from '@mb/service-kit';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Clients } from '../clients/index.ts';
import { authenticate, InitDataError, type MiniAppUser, READ_MAX_AGE_S, WRITE_MAX_AGE_S } from './auth.ts';
import { MiniAppError, type MiniAppReason } from './errors.ts';
import type { MiniAppLimiters } from './limits.ts';

export type MiniAppContext = {
  authorization: string | undefined;
  botToken: string;
  /** The bot's @username, for the "open the bot" link of users who have not signed in. */
  botUsername: string;
  clients: Clients;
  metrics: ServiceMetrics;
  /** Per-user limits, counted before anything is read from sheets. */
  limiters: MiniAppLimiters;
};

const t = initTRPC.context<MiniAppContext>().create({
  isDev: false,
  // Every refusal carries a stable `reason` the webapp puts into words (Russian or English).
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: {
      ...shape.data,
      reason: error.cause instanceof MiniAppError ? error.cause.reason : (null as MiniAppReason | null),
    },
  }),
});

export const router = t.router;

const measured = t.procedure.use(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  ctx.metrics.trpcServerDuration.observe(
    { procedure: `miniapp.${path}`, type, result: result.ok ? 'ok' : result.error.code },
    (performance.now() - started) / 1000,
  );
  return result;
});

/** The procedure boundary: a typed MiniAppError from the plain functions becomes a TRPCError with its code. */
const mapped = measured.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof MiniAppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

function authed(maxAge: number) {
  return mapped.use(async ({ ctx, type, next }) => {
    let user: MiniAppUser;
    try {
      user = authenticate(ctx.authorization, ctx.botToken, maxAge).user;
    } catch (error) {
      if (error instanceof InitDataError) throw new MiniAppError(`initdata_${error.reason}`, error.message);
      throw error;
    }
    // Counted per user (from validated initData only) before the account is read: a refused call costs sheets nothing.
    const limiter = type === 'mutation' ? ctx.limiters.writes : ctx.limiters.reads;
    const decision = await limiter.consume(user.id);
    if (!decision.allowed)
      throw new MiniAppError('rate_limited', 'too many calls: wait a little', decision.retryAfterMs);
    const account: User | null = await ctx.clients.sheets.users.byTelegramId.query({ telegramId: user.id });
    return next({ ctx: { user, account: account?.status === 'active' ? account : null } });
  });
}

/** Reads: initData up to a day old. */
export const userProcedure = authed(READ_MAX_AGE_S);
/** Reads of the user's own data: initData up to a day old, and a signed-in account. */
export const accountProcedure = userProcedure.use(({ ctx, next }) => {
  if (!ctx.account) throw new MiniAppError('not_signed_in', 'sign in in the chat with the bot first');
  return next({ ctx: { account: ctx.account } });
});
/** Changes: initData up to an hour old, and a signed-in account. */
export const signedInProcedure = authed(WRITE_MAX_AGE_S).use(({ ctx, next }) => {
  if (!ctx.account) throw new MiniAppError('not_signed_in', 'sign in in the chat with the bot first');
  return next({ ctx: { account: ctx.account } });
});
/** Staff: managers and admins only, checked on the server for every call. */
export const staffProcedure = signedInProcedure.use(({ ctx, next }) => {
  if (ctx.account.role === 'client') throw new MiniAppError('staff_only', 'for managers only');
  return next();
});

export function miniAppContextFactory(opts: Omit<MiniAppContext, 'authorization'>) {
  return ({ req }: { req: IncomingMessage }): MiniAppContext => ({ ...opts, authorization: req.headers.authorization });
}
