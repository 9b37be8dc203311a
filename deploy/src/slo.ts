/**
 * The service level objectives that get multi-window burn-rate alerts (docs/slo.md explains each).
 * An SLI here is a ratio of bad events to all events; `bad` and `total` are PromQL over a `$w` window.
 */
export type Slo = {
  /** Label value and runbook anchor (`#slo-<name>`). */
  name: string;
  service: 'gateway' | 'sheets' | 'assistant';
  /** Fraction of events that must be good, e.g. 0.999. */
  objective: number;
  /** What the objective promises, for alert text and docs. */
  description: string;
  bad: string;
  total: string;
};

const notProbes = 'route!~"/healthz|/readyz|/metrics"';

/** bad = slower than the bucket at the objective (`le` must be a bucket boundary of the histogram). */
function latency(metric: string, selector: string, le: string) {
  const count = selector ? `${metric}_count{${selector}}` : `${metric}_count`;
  return {
    bad: `sum(rate(${count}[$w])) - sum(rate(${metric}_bucket{${selector ? `${selector},` : ''}le="${le}"}[$w]))`,
    total: `sum(rate(${count}[$w]))`,
  };
}

function serverErrors(service: string, selector: string) {
  const metric = `${service}_http_request_duration_seconds_count`;
  return {
    bad: `sum(rate(${metric}{${selector},status=~"5.."}[$w]))`,
    total: `sum(rate(${metric}{${selector}}[$w]))`,
  };
}

export const SLOS: Slo[] = [
  {
    name: 'webhook-availability',
    service: 'gateway',
    objective: 0.999,
    description: '99.9% of webhook deliveries from Telegram are answered without a 5xx',
    ...serverErrors('gateway', 'route="/telegram/webhook"'),
  },
  {
    name: 'webhook-ack-latency',
    service: 'gateway',
    objective: 0.99,
    description: '99% of webhook deliveries are acknowledged within 50 ms',
    ...latency('gateway_http_request_duration_seconds', 'route="/telegram/webhook"', '0.05'),
  },
  {
    name: 'update-errors',
    service: 'gateway',
    objective: 0.999,
    description:
      '99.9% of accepted updates are handled without an error (thrown, or caught by the error boundary with an apology)',
    // Either counter may have no series yet (labelled counters appear at their first error): `or vector(0)` keeps the sum.
    bad: '(sum(rate(gateway_update_errors_total[$w])) or vector(0)) + (sum(rate(gateway_handler_errors_total[$w])) or vector(0))',
    total: 'sum(rate(gateway_updates_total[$w]))',
  },
  {
    name: 'update-reply-latency',
    service: 'gateway',
    objective: 0.99,
    description: '99% of updates are handled (reply sent) within 250 ms of being taken from the queue',
    ...latency('gateway_update_handler_duration_seconds', '', '0.25'),
  },
  {
    name: 'miniapp-api-availability',
    service: 'gateway',
    objective: 0.999,
    description: '99.9% of Mini App API calls are answered without a 5xx',
    ...serverErrors('gateway', 'route="/api/trpc"'),
  },
  {
    name: 'sheets-availability',
    service: 'sheets',
    objective: 0.999,
    description: '99.9% of calls to the sheets service are answered without a 5xx',
    ...serverErrors('sheets', notProbes),
  },
  {
    name: 'assistant-availability',
    service: 'assistant',
    objective: 0.999,
    description: '99.9% of calls to the assistant service are answered without a 5xx',
    ...serverErrors('assistant', notProbes),
  },
  {
    name: 'sheets-write-lag',
    service: 'sheets',
    objective: 0.99,
    description: '99% of writes reach the Google Sheet within 10 s of entering the outbox',
    ...latency('sheets_write_lag_seconds', '', '10'),
  },
  {
    name: 'assistant-answers',
    service: 'gateway',
    objective: 0.99,
    description:
      '99% of assistant answers shown in chats are not errors (a fallback answer counts as good: the user got an answer)',
    bad: 'sum(rate(gateway_assistant_answers_total{outcome="error"}[$w]))',
    total: 'sum(rate(gateway_assistant_answers_total[$w]))',
  },
];

/** SRE Workbook, multi-window multi-burn-rate: long window, short window, burn rate, severity. */
export const BURN_ALERTS = [
  {
    alert: 'SLOErrorBudgetBurnFast',
    long: '1h',
    short: '5m',
    factor: 14.4,
    severity: 'page',
    spends: '2% of the 30-day budget in 1 hour',
  },
  {
    alert: 'SLOErrorBudgetBurnSlow',
    long: '6h',
    short: '30m',
    factor: 6,
    severity: 'page',
    spends: '5% of the 30-day budget in 6 hours',
  },
  {
    alert: 'SLOErrorBudgetBurnTicket',
    long: '3d',
    short: '6h',
    factor: 1,
    severity: 'ticket',
    spends: '10% of the 30-day budget in 3 days',
  },
] as const;

export const WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
