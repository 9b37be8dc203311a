import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  retryLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { type BatchWindowOptions, batchHeaders, batchWindowLink } from './batch-window.ts';
import { currentContext } from './context.ts';
import { createKeepAliveFetch } from './keep-alive-fetch.ts';
import type { ServiceMetrics } from './metrics.ts';

export type ServiceClientOptions = {
  /** The service called, as a metrics label (`sheets`, `assistant`). */
  target: string;
  /** Base URL of the service, without `/trpc`. */
  url: string;
  token: string;
  metrics?: ServiceMetrics;
  /** Per-call timeout; internal calls answer in milliseconds, so a few seconds means the peer is in trouble. */
  timeoutMs?: number;
  /** Retries of idempotent queries on network errors only (never mutations: they may have taken effect). */
  retries?: number;
  /** Queries of these procedures made within a short window travel in one HTTP request (see batch-window.ts). */
  batch?: BatchWindowOptions;
};

/** A call to another service failed: `code` is the tRPC error code, or `UNAVAILABLE` when it could not be reached. */
export class ServiceCallError extends Error {
  override readonly name = 'ServiceCallError';
  readonly target: string;
  readonly code: string;
  constructor(target: string, code: string, message: string, options?: { cause?: unknown }) {
    super(`${target}: ${code}: ${message}`, options);
    this.target = target;
    this.code = code;
  }
}

/** The tRPC error code of a failed call, or `UNAVAILABLE` for network errors and timeouts. */
export function callErrorCode(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const code = (error.data as { code?: string } | undefined)?.code;
    return code ?? 'UNAVAILABLE';
  }
  return 'UNAVAILABLE';
}

function metricsLink(target: string, metrics: ServiceMetrics | undefined): TRPCLink<AnyRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const started = performance.now();
        let recorded = false;
        const record = (result: string) => {
          if (recorded || !metrics) return;
          recorded = true;
          metrics.trpcClientDuration.observe(
            { target, procedure: op.path, result },
            (performance.now() - started) / 1000,
          );
        };
        let delivered = false;
        return next(op).subscribe({
          next(value) {
            record('ok');
            delivered = op.type !== 'subscription';
            observer.next(value);
          },
          error(error) {
            record(callErrorCode(error));
            observer.error(error);
          },
          complete() {
            record('ok');
            // A query or mutation is awaited as a promise that settles on its one value and unsubscribes; tRPC's
            // promise aborts an AbortController on completion (a DOMException with a stack per call), so completion
            // after the value is not passed on.
            if (!delivered) observer.complete();
          },
        });
      });
}

/**
 * A typed client for another service's router. Import the router with `import type` only.
 * Calls carry `x-internal-token` and the current `x-request-id`; each has a timeout; queries are retried
 * (bounded) on network errors. Procedures returning async iterables (streams) must be called with
 * `{ context: { stream: true } }`.
 */
export function createServiceClient<TRouter extends AnyRouter>(opts: ServiceClientOptions): TRPCClient<TRouter> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const retries = opts.retries ?? 2;
  const url = `${opts.url.replace(/\/$/, '')}/trpc`;
  const headers = () => {
    const h: Record<string, string> = { 'x-internal-token': opts.token };
    const requestId = currentContext()?.requestId;
    if (requestId) h['x-request-id'] = requestId;
    return h;
  };
  // One keep-alive node:http request per call, its timeout cleared when the answer is complete (see keep-alive-fetch.ts).
  const timedFetch = createKeepAliveFetch({ timeoutMs });
  // Streams may run longer than one call's timeout; they get their own bound from the caller's signal.
  const streamFetch = (input: string | URL | Request, init?: RequestInit) => fetch(input, init);
  const batched = opts.batch
    ? { paths: new Set(opts.batch.paths), windowMs: opts.batch.windowMs ?? 2, maxItems: opts.batch.maxItems ?? 50 }
    : null;
  const links: TRPCLink<AnyRouter>[] = [
    metricsLink(opts.target, opts.metrics),
    retryLink({
      retry: ({ op, error, attempts }) => {
        const retry = op.type === 'query' && attempts <= retries && callErrorCode(error) === 'UNAVAILABLE';
        if (retry) opts.metrics?.trpcClientRetries.inc({ target: opts.target, procedure: op.path });
        return retry;
      },
      retryDelayMs: (attempt) => Math.min(1000, 100 * 2 ** attempt),
    }),
    splitLink({
      condition: (op) => op.context['stream'] === true,
      true: httpBatchStreamLink<AnyRouter>({ url, headers, fetch: streamFetch, maxItems: 1 }),
      false: batched
        ? splitLink({
            condition: (op) => op.type === 'query' && batched.paths.has(op.path),
            true: [
              batchWindowLink(batched.windowMs),
              httpBatchLink<AnyRouter>({
                url,
                fetch: timedFetch,
                maxItems: batched.maxItems,
                maxURLLength: 6000,
                headers: ({ opList }) => batchHeaders(opts.token, opList),
              }),
            ],
            false: httpLink<AnyRouter>({ url, headers, fetch: timedFetch }),
          })
        : httpLink<AnyRouter>({ url, headers, fetch: timedFetch }),
    }),
  ];
  return createTRPCClient<TRouter>({ links: links as TRPCLink<TRouter>[] });
}
