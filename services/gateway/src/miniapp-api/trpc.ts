import { initTRPC, TRPCError } from '@trpc/server';
import type { IncomingMessage } from 'node:http';
import type { User } from '@mb/contracts';
import type { ServiceMetrics } from '@mb/service-kit';
import type { Clients } from '../clients/index.ts';
import { authenticate, InitDataError, READ_MAX_AGE_S, WRITE_MAX_AGE_S, type MiniAppUser } from './auth.ts';

export type MiniAppContext = {
  authorization: string | undefined;
  botToken: string;
  clients: Clients;
  metrics: ServiceMetrics;
};

const t = initTRPC.context<MiniAppContext>().create({ isDev: false });

export const router = t.router;

const measured = t.procedure.use(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  ctx.metrics.trpcServerDuration.observe({ procedure: `miniapp.${path}`, type, result: result.ok ? 'ok' : result.error.code }, (performance.now() - started) / 1000);
  return result;
});

function authed(maxAge: number) {
  return measured.use(async ({ ctx, next }) => {
    let user: MiniAppUser;
    try {
      user = authenticate(ctx.authorization, ctx.botToken, maxAge).user;
    } catch (error) {
      if (error instanceof InitDataError) throw new TRPCError({ code: 'UNAUTHORIZED', message: error.message, cause: error });
      throw error;
    }
    const account: User | null = await ctx.clients.sheets.users.byTelegramId.query({ telegramId: user.id });
    return next({ ctx: { user, account: account?.status === 'active' ? account : null } });
  });
}

/** Reads: initData up to a day old. */
export const userProcedure = authed(READ_MAX_AGE_S);
/** Changes: initData up to an hour old, and a signed-in account. */
export const signedInProcedure = authed(WRITE_MAX_AGE_S).use(({ ctx, next }) => {
  if (!ctx.account) throw new TRPCError({ code: 'FORBIDDEN', message: 'sign in in the chat with the bot first' });
  return next({ ctx: { account: ctx.account } });
});
/** Staff: managers and admins only, checked on the server for every call. */
export const staffProcedure = signedInProcedure.use(({ ctx, next }) => {
  if (ctx.account.role === 'client') throw new TRPCError({ code: 'FORBIDDEN', message: 'for managers only' });
  return next();
});

export function miniAppContextFactory(opts: Omit<MiniAppContext, 'authorization'>) {
  return ({ req }: { req: IncomingMessage }): MiniAppContext => ({ ...opts, authorization: req.headers.authorization });
}
