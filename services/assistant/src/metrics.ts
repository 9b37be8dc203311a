import { Counter, Histogram, type Registry } from 'prom-client';

export type AssistantMetrics = ReturnType<typeof createAssistantMetrics>;

/** The assistant's domain metrics, on its own registry (no user ids, no text in labels). */
export function createAssistantMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'assistant_requests_total',
      help: 'Questions answered, by outcome: llm, fallback (retrieval answer), refused (input rules), quota (daily quota used up).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    fallbacks: new Counter({
      name: 'assistant_fallbacks_total',
      help: 'Retrieval answers given instead of the model, by reason (no_key, budget, timeout, rate_limited, server_error, connection, malformed, rejected).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    llmDuration: new Histogram({
      name: 'assistant_llm_duration_seconds',
      help: 'Time from the request to the model until its answer was complete (or failed), by API and result.',
      labelNames: ['api', 'result'],
      buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 60],
      registers: [registry],
    }),
    timeToFirstToken: new Histogram({
      name: 'assistant_llm_time_to_first_token_seconds',
      help: 'Time from the request to the model until the first text delta, by API.',
      labelNames: ['api'],
      buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20],
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'assistant_llm_tokens_total',
      help: 'Tokens the model used, by model and kind (input, output).',
      labelNames: ['model', 'kind'],
      registers: [registry],
    }),
    embeddings: new Counter({
      name: 'assistant_embedding_requests_total',
      help: 'Embedding searches, by result (ok; error: paused 30 s; unsupported: the provider refused, paused 10 min).',
      labelNames: ['result'],
      registers: [registry],
    }),
    unanswered: new Counter({
      name: 'assistant_unanswered_total',
      help: 'Questions nothing in the FAQ or promotions answered (offered a hand-off, recorded in the Unanswered tab).',
      registers: [registry],
    }),
    unansweredRecordFailures: new Counter({
      name: 'assistant_unanswered_record_failures_total',
      help: 'Unanswered questions that could not be recorded in sheets.',
      registers: [registry],
    }),
  };
}
