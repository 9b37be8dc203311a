import type http from 'node:http';
import type { AnyRouter } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createHttpServer, type ReadinessCheck } from './http-server.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';
import { internalContextFactory } from './trpc.ts';

export type InternalServerOptions = {
  service: string;
  /** A router of `internalProcedure`s. */
  router: AnyRouter;
  internalToken: string;
  metrics: ServiceMetrics;
  logger: Logger;
  /** Named dependency checks for /readyz. */
  readiness: Record<string, ReadinessCheck>;
};

/**
 * The HTTP server of a service that only other services call (sheets, the assistant): its tRPC router on /trpc/,
 * every call checked for the internal token in constant time, a procedure's unexpected failure logged with its path
 * (an expected error is the caller's to handle); and /metrics, /healthz and /readyz from `createHttpServer`.
 */
export function createInternalServer(opts: InternalServerOptions): http.Server {
  const trpc = createHTTPHandler({
    router: opts.router,
    basePath: '/trpc/',
    createContext: internalContextFactory({ token: opts.internalToken, log: opts.logger, metrics: opts.metrics }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        opts.logger.error({ err: error, procedure: path }, 'procedure failed');
    },
  });
  return createHttpServer({
    service: opts.service,
    metrics: opts.metrics,
    logger: opts.logger,
    routes: [{ path: '/trpc/', prefix: true, name: '/trpc', handler: trpc }],
    readiness: opts.readiness,
  });
}
