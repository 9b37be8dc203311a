import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { initTRPC, TRPCError } from '@trpc/server';
import { currentContext, newRequestId } from './context.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';

/** Constant-time comparison of two secrets of any length (hashing first removes the length leak). */
export function safeEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export type InternalContext = { requestId: string; log: Logger; authorized: boolean; metrics: ServiceMetrics };

// isDev false: stack traces never travel to another service.
const t = initTRPC.context<InternalContext>().create({ isDev: false });

/** For service-to-service routers: every procedure is measured and requires the internal token (401 otherwise). */
export const router = t.router;
export const internalProcedure = t.procedure
  .use(async ({ ctx, path, type, next }) => {
    const started = performance.now();
    const result = await next();
    // next() never throws: failures come back as { ok: false }.
    const outcome = result.ok ? 'ok' : result.error.code;
    ctx.metrics.trpcServerDuration.observe(
      { procedure: path, type, result: outcome },
      (performance.now() - started) / 1000,
    );
    return result;
  })
  .use(({ ctx, next }) => {
    if (!ctx.authorized) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing or wrong x-internal-token' });
    return next();
  });

/** Context factory for internal routers: checks the token in constant time; the request id comes from the HTTP layer. */
export function internalContextFactory(opts: { token: string; log: Logger; metrics: ServiceMetrics }) {
  return ({ req }: { req: IncomingMessage }): InternalContext => {
    const header = req.headers['x-internal-token'];
    return {
      requestId: currentContext()?.requestId ?? newRequestId(),
      log: opts.log,
      metrics: opts.metrics,
      authorized: safeEqual(Array.isArray(header) ? header[0] : header, opts.token),
    };
  };
}
