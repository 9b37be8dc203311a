import { LATENCY_BUCKETS } from '@mb/service-kit';
import type { Transformer } from 'grammy';
import { Counter, Histogram, type Registry } from 'prom-client';

export type ApiCallResult = 'ok' | '429' | '403' | 'other';

/** Counts outgoing Bot API calls by method and result (ok, 429, 403, other) and times them. */
export function apiMetricsTransformer(registry: Registry): Transformer {
  const calls = new Counter({
    name: 'gateway_telegram_api_calls_total',
    help: 'Outgoing Bot API calls by method and result (ok, 429, 403, other).',
    labelNames: ['method', 'result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_telegram_api_duration_seconds',
    help: 'Duration of outgoing Bot API calls by method.',
    labelNames: ['method'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return async (prev, method, payload, signal) => {
    const end = duration.startTimer({ method });
    try {
      const result = await prev(method, payload, signal);
      const code = result.ok ? 'ok' : result.error_code === 429 ? '429' : result.error_code === 403 ? '403' : 'other';
      calls.inc({ method, result: code });
      return result;
    } catch (error) {
      calls.inc({ method, result: 'other' });
      throw error;
    } finally {
      end();
    }
  };
}
