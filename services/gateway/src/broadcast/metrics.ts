import { LATENCY_BUCKETS } from '@mb/service-kit';
import { Counter, Histogram, type Registry } from 'prom-client';

export type BroadcastMetrics = ReturnType<typeof createBroadcastMetrics>;

/** Broadcast metrics on the gateway's registry. The only label beyond the result is the broadcast id (never a user). */
export function createBroadcastMetrics(registry: Registry) {
  return {
    messages: new Counter({
      name: 'gateway_broadcast_messages_total',
      help: 'Broadcast messages by result: sent, failed, blocked (403), unknown (outcome lost), retry (429, sent again later).',
      labelNames: ['result'],
      registers: [registry],
    }),
    pauses: new Counter({
      name: 'gateway_broadcast_pauses_total',
      help: 'Times a 429 paused the whole broadcast sender.',
      registers: [registry],
    }),
    pausedSeconds: new Counter({
      name: 'gateway_broadcast_paused_seconds_total',
      help: 'Seconds of retry_after the sender was told to wait.',
      registers: [registry],
    }),
    sendDuration: new Histogram({
      name: 'gateway_broadcast_send_duration_seconds',
      help: 'Duration of one broadcast Bot API call.',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    conversions: new Counter({
      name: 'gateway_broadcast_conversions_total',
      help: 'Users who opened a broadcast deep link (/start promo_<id>__b<n>), counted once per user and broadcast.',
      labelNames: ['broadcast'],
      registers: [registry],
    }),
  };
}
