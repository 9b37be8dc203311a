import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { requestIdFrom, runWithContext } from './context.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;
/** A route is matched by method and exact path, or by path prefix; `name` is what metrics see, never the raw URL. */
export type Route = { method?: string; path: string; prefix?: boolean; name: string; handler: Handler };
export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: unknown }>;

export type HttpServerOptions = {
  service: string;
  metrics: ServiceMetrics;
  logger: Logger;
  routes: Route[];
  /** Named dependency checks for /readyz; each gets `timeoutMs` to answer. */
  readiness?: Record<string, ReadinessCheck>;
  readinessTimeoutMs?: number;
  /** Bounds on slow or many clients; tests shorten them. Defaults: `HTTP_SERVER_LIMITS`. */
  limits?: Partial<HttpServerLimits>;
  /** What /metrics answers, when more than `metrics.registry` (the gateway adds its worker threads' metrics). */
  exposition?: () => Promise<string>;
};

export type HttpServerLimits = {
  /** A client has this long to send its request headers (then 408 and the socket closed). */
  headersTimeoutMs: number;
  /** …and this long to send the whole request, body included (a slow body no longer holds a socket for minutes). */
  requestTimeoutMs: number;
  /** Connections held at once; beyond it new ones are closed at once (the proxy in front queues or refuses them). */
  maxConnections: number;
};

/** Node's own defaults are 60 s for headers, 300 s for a request and no cap on connections. */
export const HTTP_SERVER_LIMITS: HttpServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 4096,
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function runChecks(checks: Record<string, ReadinessCheck>, timeoutMs: number) {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const result = await Promise.race([
          check(),
          new Promise<{ ok: false; detail: string }>((resolve) =>
            setTimeout(() => resolve({ ok: false, detail: 'timed out' }), timeoutMs).unref(),
          ),
        ]);
        return [name, result] as const;
      } catch (error) {
        return [name, { ok: false, detail: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  return { ok: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
}

/**
 * Finds the route for a path and method: exact paths through a map, then prefixes in order; the name metrics see is
 * the route's, or `method_not_allowed` / `not_found`.
 */
function routeMatcher(routes: Route[]) {
  const indexed = routes.map((route, index) => ({ route, index }));
  const exact = new Map<string, typeof indexed>();
  const prefixes = indexed.filter((r) => r.route.prefix);
  for (const r of indexed) if (!r.route.prefix) exact.set(r.route.path, [...(exact.get(r.route.path) ?? []), r]);
  return (path: string, method: string): { route?: Route; name: string } => {
    const prefixed = prefixes.filter((r) => path.startsWith(r.route.path));
    const exactly = exact.get(path) ?? [];
    // Declaration order decides, as if every route were tried in turn.
    const candidates = prefixed.length === 0 ? exactly : [...exactly, ...prefixed].sort((a, b) => a.index - b.index);
    const route = candidates.find((r) => !r.route.method || r.route.method === method)?.route;
    if (route) return { route, name: route.name };
    return { name: candidates.length > 0 ? 'method_not_allowed' : 'not_found' };
  };
}

/**
 * The HTTP server every service runs: its own routes plus /metrics, /healthz and /readyz, with a request id
 * (from `x-request-id` or new) in async context and a duration histogram labelled by route name.
 */
export function createHttpServer(opts: HttpServerOptions): http.Server {
  const { metrics, logger } = opts;
  const builtIn: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      name: '/healthz',
      handler: (_req, res) => sendJson(res, 200, { ok: true, service: opts.service }),
    },
    {
      method: 'GET',
      path: '/readyz',
      name: '/readyz',
      handler: async (_req, res) => {
        const result = await runChecks(opts.readiness ?? {}, opts.readinessTimeoutMs ?? 2000);
        sendJson(res, result.ok ? 200 : 503, { service: opts.service, ...result });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      name: '/metrics',
      handler: async (_req, res) => {
        const body = await (opts.exposition ?? (() => metrics.registry.metrics()))();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(body);
      },
    },
  ];
  const routes = [...builtIn, ...opts.routes];
  const match = routeMatcher(routes);
  const fail = (error: unknown, routeName: string, res: ServerResponse) => {
    logger.error({ err: error, route: routeName }, 'request handler failed');
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    else res.destroy();
  };

  const limits = { ...HTTP_SERVER_LIMITS, ...opts.limits };
  const serverOptions: http.ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // How often Node checks those two timeouts (its default, 30 s, would let a slow client overstay by that much).
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
  const server = http.createServer(serverOptions, (req, res) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const method = req.method ?? 'GET';
    const { route, name: routeName } = match(q === -1 ? url : url.slice(0, q), method);
    res.once('finish', () =>
      metrics.httpDuration.observe(
        { route: routeName, method, status: String(res.statusCode) },
        (performance.now() - started) / 1000,
      ),
    );
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    runWithContext({ requestId }, () => {
      if (!route) {
        sendJson(res, routeName === 'not_found' ? 404 : 405, {
          error: routeName === 'not_found' ? 'not found' : 'method not allowed',
        });
        return;
      }
      try {
        const result = route.handler(req, res);
        if (result instanceof Promise) result.catch((error: unknown) => fail(error, routeName, res));
      } catch (error) {
        fail(error, routeName, res);
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  server.maxConnections = limits.maxConnections;
  return server;
}

/** Listens and resolves with the port actually bound (port 0 picks a free one). */
export function listen(server: http.Server, port: number, host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** The address a listening server is bound to (`127.0.0.1`, `::`, …), for the start-up log. */
export function boundHost(server: http.Server): string | null {
  const address = server.address();
  return typeof address === 'object' && address ? address.address : null;
}

/** Mounts an internal tRPC router at `/trpc/`. */
export { createHTTPHandler as createTrpcHandler } from '@trpc/server/adapters/standalone';
