import { Counter, type Registry } from 'prom-client';

/** The chat funnel: sign-ins by outcome, deep-link starts, participations by result, floods dropped, handler errors. */
export type FunnelMetrics = {
  signIns: Counter<'outcome'>;
  deepLinks: Counter<'kind'>;
  participations: Counter<'result'>;
  floodDropped: Counter;
  floodBacklog: Counter;
  handlerErrors: Counter<'kind'>;
};

export function createFunnelMetrics(registry: Registry): FunnelMetrics {
  return {
    signIns: new Counter({
      name: 'gateway_signins_total',
      help: 'Sign-in attempts by outcome (signed_in, registered, pending_created, pending, blocked, foreign_contact, invalid_phone).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    deepLinks: new Counter({
      name: 'gateway_deep_link_starts_total',
      help: '/start with a payload, by kind (promo, other).',
      labelNames: ['kind'],
      registers: [registry],
    }),
    participations: new Counter({
      name: 'gateway_participations_total',
      help: '"Take part" presses by result (created, already, unavailable).',
      labelNames: ['result'],
      registers: [registry],
    }),
    floodDropped: new Counter({
      name: 'gateway_flood_dropped_total',
      help: 'Fresh updates over the per-user flood limit, dropped (the user is told once per window).',
      registers: [registry],
    }),
    floodBacklog: new Counter({
      name: 'gateway_flood_backlog_total',
      help: 'Updates dated more than one flood window before they were handled (a redelivered backlog): handled, not counted against the limit.',
      registers: [registry],
    }),
    handlerErrors: new Counter({
      name: 'gateway_handler_errors_total',
      help: 'Feature handler errors caught by the error boundary (the user got an apology), by kind (unavailable, telegram, other).',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
