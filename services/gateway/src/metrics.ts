import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { UpdateHandling } from './webhook/dispatcher.ts';
import type { WebhookMetrics } from './webhook/route.ts';

/** The gateway's update metrics: what the webhook accepted, how handling went, what waits (docs/metrics.md). */
export function createUpdateMetrics(registry: Registry) {
  const webhook: WebhookMetrics = {
    received: new Counter({
      name: 'gateway_updates_total',
      help: 'Updates accepted from Telegram, by type.',
      labelNames: ['type'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'gateway_updates_duplicate_total',
      help: 'Repeated update_ids dropped.',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'gateway_webhook_rejected_total',
      help: 'Webhook requests refused, by reason (secret, malformed, too_large, aborted).',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
  return {
    webhook,
    handlerDuration: new Histogram({
      name: 'gateway_update_handler_duration_seconds',
      help: 'Time to handle one update after it was acknowledged, by update type.',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'gateway_update_retries_total',
      help: 'Handling attempts of an update that failed on a dependency (sheets, assistant) and were retried, by type.',
      labelNames: ['type'],
      registers: [registry],
    }),
    handlerErrors: new Counter({
      name: 'gateway_update_errors_total',
      help: 'Updates whose handler failed, by type.',
      labelNames: ['type'],
      registers: [registry],
    }),
    /** gateway_updates_queued, read from the dispatcher at each scrape. */
    watchQueue(dispatcher: Pick<UpdateHandling, 'queued'>) {
      new Gauge({
        name: 'gateway_updates_queued',
        help: 'Updates acknowledged and waiting for or in their handler.',
        registers: [registry],
        collect() {
          this.set(dispatcher.queued);
        },
      });
    },
  };
}
