import { dashboard, type PanelSpec, quantile, type RowSpec, r } from './grafana.ts';

const SERVICES = ['gateway', 'sheets', 'assistant'] as const;
const PROBES = 'route!~"/metrics|/healthz|/readyz"';
/** Google's quota is per minute: a counter's rate over 5 minutes, summed (by a label), in calls per minute. */
const perMinute = (selector: string, by?: string) => `sum${by ? ` by (${by}) ` : ''}(rate(${selector}[5m])) * 60`;

function red(service: string): RowSpec {
  const http = `${service}_http_request_duration_seconds`;
  return {
    row: `${service}: rate, errors, duration`,
    panels: [
      {
        title: `${service}: requests/s by route`,
        unit: 'reqps',
        width: 8,
        stack: true,
        targets: [{ expr: `sum by (route) (${r(`${http}_count{${PROBES}}`)})`, legend: '{{route}}' }],
      },
      {
        title: `${service}: 5xx ratio`,
        unit: 'percentunit',
        width: 8,
        threshold: 0.001,
        targets: [
          {
            expr: `sum(${r(`${http}_count{${PROBES},status=~"5.."}`)}) / sum(${r(`${http}_count{${PROBES}}`)})`,
            legend: '5xx',
          },
        ],
      },
      {
        title: `${service}: duration p50 / p99 by route`,
        unit: 's',
        width: 8,
        targets: [
          { expr: quantile(0.5, http, PROBES, ['route']), legend: 'p50 {{route}}' },
          { expr: quantile(0.99, http, PROBES, ['route']), legend: 'p99 {{route}}' },
        ],
      },
      {
        title: `${service}: tRPC procedures served by result`,
        unit: 'ops',
        width: 12,
        stack: true,
        targets: [
          {
            expr: `sum by (procedure, result) (${r(`${service}_trpc_server_duration_seconds_count`)})`,
            legend: '{{procedure}} {{result}}',
          },
        ],
      },
      {
        title: `${service}: tRPC p99 by procedure`,
        unit: 's',
        width: 12,
        targets: [
          {
            expr: quantile(0.99, `${service}_trpc_server_duration_seconds`, '', ['procedure']),
            legend: '{{procedure}}',
          },
        ],
      },
    ],
  };
}

function clientCalls(service: 'gateway' | 'assistant'): PanelSpec[] {
  const m = `${service}_trpc_client_duration_seconds`;
  return [
    {
      title: `${service} → other services: calls by result`,
      unit: 'ops',
      stack: true,
      width: 8,
      targets: [{ expr: `sum by (target, result) (${r(`${m}_count`)})`, legend: '{{target}} {{result}}' }],
    },
    {
      title: `${service} → other services: p99`,
      unit: 's',
      width: 8,
      targets: [{ expr: quantile(0.99, m, '', ['target']), legend: '{{target}}' }],
    },
    {
      title: `${service} → other services: retries/s`,
      unit: 'ops',
      width: 8,
      targets: [
        {
          expr: `sum by (target, procedure) (${r(`${service}_trpc_client_retries_total`)})`,
          legend: '{{target}} {{procedure}}',
        },
      ],
    },
  ];
}

const overview = dashboard(
  'mb-overview',
  'marketingbot: Overview',
  'RED for HTTP and tRPC of every service, internal calls, SLOs and process health.',
  [
    {
      row: 'Health and objectives',
      panels: [
        {
          title: 'Targets up',
          type: 'stat',
          width: 6,
          targets: [{ expr: 'up{job=~"gateway|sheets|assistant"}', legend: '{{job}} {{instance}}' }],
        },
        {
          title: 'SLO error ratio (1h) by SLO',
          unit: 'percentunit',
          width: 9,
          targets: [{ expr: 'slo:sli_error:ratio_rate1h', legend: '{{slo}}' }],
        },
        {
          title: 'Error budget left (30d, approx. from 3d burn)',
          unit: 'percentunit',
          width: 9,
          description: '1 - (3-day error ratio / allowed error ratio); below 0 the month is over budget at this rate.',
          targets: [
            {
              expr: '1 - (slo:sli_error:ratio_rate3d / on (slo, service) (1 - slo:objective:ratio))',
              legend: '{{slo}}',
            },
          ],
        },
      ],
    },
    ...SERVICES.map(red),
    { row: 'Internal calls (client side)', panels: [...clientCalls('gateway'), ...clientCalls('assistant')] },
    {
      row: 'Processes',
      panels: [
        {
          title: 'Resident memory',
          unit: 'bytes',
          width: 6,
          threshold: 150 * 1024 * 1024,
          targets: [
            { expr: 'process_resident_memory_bytes{job=~"gateway|sheets|assistant"}', legend: '{{job}} {{instance}}' },
          ],
        },
        {
          // A gateway with handler workers holds a V8 heap per thread; nodejs_heap_* shows only the main thread's.
          title: 'JS heap used, by thread',
          unit: 'bytes',
          width: 6,
          targets: [
            {
              expr: 'nodejs_heap_size_used_bytes{job=~"gateway|sheets|assistant"}',
              legend: '{{job}} {{instance}} main',
            },
            {
              expr: 'gateway_handler_worker_heap_bytes{what="used"}',
              legend: 'gateway {{instance}} worker {{worker}}',
            },
          ],
        },
        {
          title: 'CPU (cores)',
          unit: 'short',
          width: 6,
          targets: [
            {
              expr: `${r('process_cpu_seconds_total{job=~"gateway|sheets|assistant"}')}`,
              legend: '{{job}} {{instance}}',
            },
          ],
        },
        {
          title: 'Event-loop lag p99',
          unit: 's',
          width: 6,
          targets: [
            {
              expr: 'nodejs_eventloop_lag_p99_seconds{job=~"gateway|sheets|assistant"}',
              legend: '{{job}} {{instance}}',
            },
          ],
        },
      ],
    },
  ],
);

const WEBHOOK = 'route="/telegram/webhook"';
const telegram = dashboard(
  'mb-telegram',
  'marketingbot: Telegram',
  'Updates in, the webhook ack, handlers, Bot API calls out, and what Telegram reports.',
  [
    {
      row: 'Updates in',
      panels: [
        {
          title: 'Updates/s by type',
          unit: 'ops',
          stack: true,
          width: 8,
          targets: [{ expr: `sum by (type) (${r('gateway_updates_total')})`, legend: '{{type}}' }],
        },
        {
          title: 'Webhook ack p50 / p99 (objective 50 ms)',
          unit: 's',
          width: 8,
          threshold: 0.05,
          targets: [
            { expr: quantile(0.5, 'gateway_http_request_duration_seconds', WEBHOOK), legend: 'p50' },
            { expr: quantile(0.99, 'gateway_http_request_duration_seconds', WEBHOOK), legend: 'p99' },
          ],
        },
        {
          title: 'Webhook answers by status; refused; duplicates',
          unit: 'ops',
          width: 8,
          targets: [
            {
              expr: `sum by (status) (${r(`gateway_http_request_duration_seconds_count{${WEBHOOK}}`)})`,
              legend: '{{status}}',
            },
            { expr: `sum by (reason) (${r('gateway_webhook_rejected_total')})`, legend: 'refused: {{reason}}' },
            { expr: `sum(${r('gateway_updates_duplicate_total')})`, legend: 'duplicate update_id' },
          ],
        },
      ],
    },
    {
      row: 'Handling',
      panels: [
        {
          title: 'Handler p99 by type (objective 250 ms)',
          unit: 's',
          width: 8,
          threshold: 0.25,
          targets: [
            { expr: quantile(0.99, 'gateway_update_handler_duration_seconds', '', ['type']), legend: '{{type}}' },
          ],
        },
        {
          title: 'Handler errors/s: thrown (by update type), caught by the error boundary (by kind)',
          unit: 'ops',
          width: 8,
          targets: [
            { expr: `sum by (type) (${r('gateway_update_errors_total')})`, legend: 'thrown {{type}}' },
            { expr: `sum by (kind) (${r('gateway_handler_errors_total')})`, legend: 'caught {{kind}}' },
          ],
        },
        {
          title: 'Updates queued (acknowledged, not yet handled)',
          width: 8,
          targets: [{ expr: 'sum by (instance) (gateway_updates_queued)', legend: '{{instance}}' }],
        },
      ],
    },
    {
      row: 'Bot API calls out',
      panels: [
        {
          title: 'Calls/s by method',
          unit: 'ops',
          stack: true,
          width: 8,
          targets: [{ expr: `sum by (method) (${r('gateway_telegram_api_calls_total')})`, legend: '{{method}}' }],
        },
        {
          title: '429 / 403 / other errors by method',
          unit: 'ops',
          width: 8,
          targets: [
            {
              expr: `sum by (method, result) (${r('gateway_telegram_api_calls_total{result!="ok"}')})`,
              legend: '{{result}} {{method}}',
            },
          ],
        },
        {
          title: 'Call p99 by method',
          unit: 's',
          width: 8,
          targets: [
            { expr: quantile(0.99, 'gateway_telegram_api_duration_seconds', '', ['method']), legend: '{{method}}' },
          ],
        },
      ],
    },
    {
      row: 'What Telegram reports (getWebhookInfo)',
      panels: [
        {
          title: 'Pending updates',
          width: 8,
          threshold: 100,
          targets: [{ expr: 'max(gateway_telegram_pending_updates)', legend: 'pending' }],
        },
        {
          title: 'Last delivery error',
          type: 'stat',
          unit: 'dateTimeFromNow',
          width: 8,
          targets: [{ expr: 'max(gateway_telegram_last_error_timestamp_seconds) * 1000 > 0', legend: 'last error' }],
        },
        {
          title: 'getWebhookInfo: seconds since the last good poll; failures/s',
          unit: 's',
          width: 8,
          targets: [
            {
              expr: 'time() - max(gateway_telegram_webhook_info_last_success_timestamp_seconds)',
              legend: 'since last good poll',
            },
            { expr: `sum(${r('gateway_telegram_webhook_info_errors_total')})`, legend: 'failures/s' },
          ],
        },
      ],
    },
  ],
);

const sheets = dashboard(
  'mb-sheets',
  'marketingbot: Sheets',
  'Google Sheets calls against the 60/min quota, the outbox, the sync and the data.',
  [
    {
      row: 'Google Sheets API',
      panels: [
        {
          title: 'Reads and writes per minute against the quota (60 each per service account)',
          unit: 'short',
          width: 12,
          threshold: 60,
          description:
            'Reads: values.batchGet, spreadsheets.get. Writes: every other method (spreadsheets.batchUpdate, values.batchUpdate, …).',
          targets: [
            { expr: perMinute('sheets_google_requests_total{method=~".*[gG]et"}'), legend: 'reads/min' },
            { expr: perMinute('sheets_google_requests_total{method!~".*[gG]et"}'), legend: 'writes/min' },
            { expr: perMinute('sheets_google_requests_total', 'method'), legend: '{{method}}' },
          ],
        },
        {
          title: 'Errors by status; quota (429) errors per minute',
          unit: 'short',
          width: 12,
          targets: [
            {
              expr: perMinute('sheets_google_requests_total{status!~"2.."}', 'status'),
              legend: '{{status}}',
            },
            { expr: perMinute('sheets_google_quota_errors_total'), legend: 'quota (429)' },
          ],
        },
      ],
    },
    {
      row: 'Outbox and sync',
      panels: [
        {
          title: 'Outbox: writes waiting for the Sheet',
          width: 8,
          threshold: 500,
          targets: [{ expr: 'max(sheets_outbox_pending_rows)', legend: 'pending rows' }],
        },
        {
          title: 'Write lag p50 / p99 (objective p99 ≤ 10 s)',
          unit: 's',
          width: 8,
          threshold: 10,
          targets: [
            { expr: quantile(0.5, 'sheets_write_lag_seconds'), legend: 'p50' },
            { expr: quantile(0.99, 'sheets_write_lag_seconds'), legend: 'p99' },
          ],
        },
        {
          title: 'Sync: seconds since the last good pull; pull p99',
          unit: 's',
          width: 8,
          targets: [
            { expr: 'time() - max(sheets_pull_last_success_timestamp_seconds)', legend: 'since last pull' },
            { expr: quantile(0.99, 'sheets_pull_duration_seconds'), legend: 'pull p99' },
          ],
        },
      ],
    },
    {
      row: 'Data',
      panels: [
        {
          title: "Spreadsheet cells used of Google's limit",
          width: 12,
          description:
            'sheets_cells_used: every grid cell of every tab (empty ones too), what Google counts toward 10 million.',
          targets: [
            { expr: 'max(sheets_cells_used)', legend: 'cells used' },
            { expr: 'max(sheets_cells_limit)', legend: 'limit' },
          ],
        },
        {
          title: 'Rows per tab (last pull)',
          width: 12,
          targets: [{ expr: 'max by (tab) (sheets_rows)', legend: '{{tab}}' }],
        },
        {
          title: 'Requests (обращения) by status',
          width: 12,
          stack: true,
          targets: [{ expr: 'max by (status) (sheets_tickets)', legend: '{{status}}' }],
        },
      ],
    },
  ],
);

const assistant = dashboard(
  'mb-assistant',
  'marketingbot: Assistant',
  'AI answers: outcomes, fallback to retrieval, model latency, tokens and cost, unanswered questions.',
  [
    {
      row: 'Answers',
      panels: [
        {
          title: 'Questions/s by outcome',
          unit: 'ops',
          stack: true,
          width: 8,
          targets: [{ expr: `sum by (outcome) (${r('assistant_requests_total')})`, legend: '{{outcome}}' }],
        },
        {
          title: 'Fallback ratio (retrieval instead of the model)',
          unit: 'percentunit',
          width: 8,
          threshold: 0.05,
          targets: [
            {
              expr: `sum(${r('assistant_requests_total{outcome="fallback"}')}) / sum(${r('assistant_requests_total{outcome=~"llm|fallback"}')})`,
              legend: 'fallback',
            },
          ],
        },
        {
          title: 'Fallbacks/s by reason',
          unit: 'ops',
          stack: true,
          width: 8,
          targets: [{ expr: `sum by (reason) (${r('assistant_fallbacks_total')})`, legend: '{{reason}}' }],
        },
      ],
    },
    {
      row: 'The model',
      panels: [
        {
          title: 'LLM latency p50 / p99 and time to first token p50 / p99',
          unit: 's',
          width: 12,
          targets: [
            { expr: quantile(0.5, 'assistant_llm_duration_seconds'), legend: 'complete p50' },
            { expr: quantile(0.99, 'assistant_llm_duration_seconds'), legend: 'complete p99' },
            { expr: quantile(0.5, 'assistant_llm_time_to_first_token_seconds'), legend: 'first token p50' },
            { expr: quantile(0.99, 'assistant_llm_time_to_first_token_seconds'), legend: 'first token p99' },
          ],
        },
        {
          title: 'Tokens per hour by model and kind',
          unit: 'short',
          width: 12,
          stack: true,
          description: 'Cost = tokens × the model\u2019s price per token (input and output are priced apart).',
          targets: [
            { expr: 'sum by (model, kind) (increase(assistant_llm_tokens_total[1h]))', legend: '{{model}} {{kind}}' },
          ],
        },
      ],
    },
    {
      row: 'In the chats (gateway)',
      panels: [
        {
          title: 'Answers shown in chats by outcome',
          unit: 'ops',
          stack: true,
          width: 8,
          targets: [{ expr: `sum by (outcome) (${r('gateway_assistant_answers_total')})`, legend: '{{outcome}}' }],
        },
        {
          title: 'Answers running or queued',
          width: 8,
          targets: [{ expr: 'sum(gateway_assistant_answers_pending)', legend: 'pending' }],
        },
        {
          title: 'Hand-offs to a human request per hour',
          width: 8,
          targets: [{ expr: 'sum by (result) (increase(gateway_assistant_handoffs_total[1h]))', legend: '{{result}}' }],
        },
      ],
    },
    {
      row: 'Gaps in the FAQ',
      panels: [
        {
          title: 'Unanswered questions per hour',
          width: 12,
          targets: [{ expr: 'sum(increase(assistant_unanswered_total[1h]))', legend: 'unanswered' }],
        },
        {
          title: 'Embedding searches per hour by result',
          width: 12,
          targets: [
            { expr: 'sum by (result) (increase(assistant_embedding_requests_total[1h]))', legend: '{{result}}' },
          ],
        },
        {
          title: 'Unanswered questions not recorded in the Sheet',
          width: 12,
          targets: [
            { expr: 'sum(increase(assistant_unanswered_record_failures_total[1h]))', legend: 'record failures' },
          ],
        },
      ],
    },
  ],
);

const business = dashboard(
  'mb-business',
  'marketingbot: Business',
  'Sign-ins, participations, requests and their first response, broadcasts and what they bring.',
  [
    {
      row: 'Audience',
      panels: [
        {
          title: 'Sign-ins per hour by outcome',
          stack: true,
          width: 12,
          targets: [{ expr: 'sum by (outcome) (increase(gateway_signins_total[1h]))', legend: '{{outcome}}' }],
        },
        {
          title: 'Participations per hour by result; deep-link starts',
          stack: false,
          width: 12,
          targets: [
            { expr: 'sum by (result) (increase(gateway_participations_total[1h]))', legend: '{{result}}' },
            { expr: 'sum by (kind) (increase(gateway_deep_link_starts_total[1h]))', legend: 'deep link: {{kind}}' },
          ],
        },
      ],
    },
    {
      row: 'Promotions',
      panels: [
        {
          title: 'Participations per active promotion',
          type: 'bargauge',
          width: 24,
          description: 'sheets_participations: active promotions only, so the promotion id is a bounded label.',
          targets: [{ expr: 'sort_desc(max by (promotion) (sheets_participations))', legend: '{{promotion}}' }],
        },
      ],
    },
    {
      row: 'Requests (обращения)',
      panels: [
        {
          title: 'Requests by status',
          stack: true,
          width: 8,
          targets: [{ expr: 'max by (status) (sheets_tickets)', legend: '{{status}}' }],
        },
        {
          title: 'First response time p50 / p90',
          unit: 's',
          width: 8,
          targets: [
            {
              expr: 'histogram_quantile(0.5, sum by (le) (rate(gateway_ticket_first_response_seconds_bucket[1d])))',
              legend: 'p50',
            },
            {
              expr: 'histogram_quantile(0.9, sum by (le) (rate(gateway_ticket_first_response_seconds_bucket[1d])))',
              legend: 'p90',
            },
          ],
        },
        {
          title: 'Staff-chat jobs pending / failed',
          width: 8,
          targets: [{ expr: 'max by (state) (gateway_staff_queue_jobs)', legend: '{{state}}' }],
        },
        {
          title: 'Resolution time p50 / p90',
          unit: 's',
          width: 8,
          targets: [
            {
              expr: 'histogram_quantile(0.5, sum by (le) (rate(gateway_ticket_resolution_seconds_bucket[1d])))',
              legend: 'p50',
            },
            {
              expr: 'histogram_quantile(0.9, sum by (le) (rate(gateway_ticket_resolution_seconds_bucket[1d])))',
              legend: 'p90',
            },
          ],
        },
      ],
    },
    {
      row: 'Broadcasts',
      panels: [
        {
          title: 'Broadcast messages/s by result (reach)',
          unit: 'ops',
          stack: true,
          width: 8,
          targets: [{ expr: `sum by (result) (${r('gateway_broadcast_messages_total')})`, legend: '{{result}}' }],
        },
        {
          title: 'Sent rate vs the 30 msg/s limit; pauses on 429',
          unit: 'ops',
          width: 8,
          threshold: 28.5,
          targets: [
            { expr: `sum(${r('gateway_broadcast_messages_total{result="sent"}')})`, legend: 'sent/s' },
            { expr: `sum(${r('gateway_broadcast_pauses_total')})`, legend: 'pauses/s' },
          ],
        },
        {
          title: 'Sending broadcasts: recipients by state',
          width: 12,
          stack: true,
          targets: [
            { expr: 'max by (broadcast, state) (sheets_broadcast_recipients)', legend: '{{broadcast}} {{state}}' },
          ],
        },
        {
          title: 'Conversions by broadcast (deep link opened)',
          type: 'bargauge',
          width: 8,
          targets: [{ expr: 'sum by (broadcast) (gateway_broadcast_conversions_total)', legend: '{{broadcast}}' }],
        },
      ],
    },
  ],
);

/** Every dashboard, by file name under deploy/grafana/dashboards/. */
export const DASHBOARDS: Record<string, unknown> = {
  'overview.json': overview,
  'telegram.json': telegram,
  'sheets.json': sheets,
  'assistant.json': assistant,
  'business.json': business,
};
