import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Latency buckets with a bucket exactly at each objective (50 ms webhook ack, 250 ms update-to-reply, 1 s, 10 s). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type ServiceMetrics = {
  registry: Registry;
  prefix: string;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  trpcServerDuration: Histogram<'procedure' | 'type' | 'result'>;
  trpcClientDuration: Histogram<'target' | 'procedure' | 'result'>;
  trpcClientRetries: Counter<'target' | 'procedure'>;
};

/** A registry per service (never the global one), with default process metrics and RED metrics for HTTP and tRPC. */
export function createRegistry(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const prefix = service;
  /** A latency histogram: buckets at the objectives, on this registry. */
  const latency = <L extends string>(config: { name: string; help: string; labelNames: readonly L[] }) =>
    new Histogram<L>({ ...config, buckets: LATENCY_BUCKETS, registers: [registry] });
  return {
    registry,
    prefix,
    httpDuration: latency({
      name: `${prefix}_http_request_duration_seconds`,
      help: 'HTTP requests served, by route (never the raw URL), method and status code.',
      labelNames: ['route', 'method', 'status'],
    }),
    trpcServerDuration: latency({
      name: `${prefix}_trpc_server_duration_seconds`,
      help: 'tRPC procedures served, by procedure path, type and result (ok or the error code).',
      labelNames: ['procedure', 'type', 'result'],
    }),
    trpcClientDuration: latency({
      name: `${prefix}_trpc_client_duration_seconds`,
      help: 'tRPC calls made to other services, by target service, procedure and result.',
      labelNames: ['target', 'procedure', 'result'],
    }),
    trpcClientRetries: new Counter({
      name: `${prefix}_trpc_client_retries_total`,
      help: 'Retries of idempotent tRPC queries after network errors, by target and procedure.',
      labelNames: ['target', 'procedure'],
      registers: [registry],
    }),
  };
}
