import type { Logger } from '@mb/service-kit';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RetryPolicy } from '../webhook/retry.ts';
import { AnswerJobs } from './answer-jobs.ts';
import { DEFAULT_PACING, type DraftSupport, type StreamPacing } from './stream-to-chat.ts';

export type AssistantChatDeps = {
  jobs: AnswerJobs;
  pacing: StreamPacing;
  drafts: DraftSupport;
  /** Upper bound on one streamed answer, past the assistant's own deadline. */
  streamTimeoutMs: number;
  /** A question the assistant could not take (down, stalled) is asked again with backoff, as updates are. */
  retry: Partial<RetryPolicy>;
  metrics: {
    answers: Counter<'outcome'>;
    streamUpdates: Counter<'method'>;
    handoffs: Counter<'result'>;
  };
};

/** The chat side of the assistant: the per-chat answer jobs, the stream pacing and the gateway's assistant metrics. */
export function createAssistantChat(opts: {
  logger: Logger;
  registry: Registry;
  pacing?: Partial<StreamPacing>;
  streamTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}): AssistantChatDeps {
  const jobs = new AnswerJobs({ logger: opts.logger });
  new Gauge({
    name: 'gateway_assistant_answers_pending',
    help: "Assistant answers running or waiting in their chat's queue.",
    registers: [opts.registry],
    collect() {
      this.set(jobs.pending);
    },
  });
  return {
    jobs,
    pacing: { ...DEFAULT_PACING, ...opts.pacing },
    drafts: { supported: true },
    streamTimeoutMs: opts.streamTimeoutMs ?? 60_000,
    retry: opts.retry ?? {},
    metrics: {
      answers: new Counter({
        name: 'gateway_assistant_answers_total',
        help: 'Assistant answers shown in chats, by outcome (llm, fallback, refused, quota, error).',
        labelNames: ['outcome'],
        registers: [opts.registry],
      }),
      streamUpdates: new Counter({
        name: 'gateway_assistant_stream_updates_total',
        help: 'Bot API calls that showed a growing answer, by method (draft, edit, final).',
        labelNames: ['method'],
        registers: [opts.registry],
      }),
      handoffs: new Counter({
        name: 'gateway_assistant_handoffs_total',
        help: 'Requests created from the assistant\'s "Create a request" button, by result (created, empty, failed).',
        labelNames: ['result'],
        registers: [opts.registry],
      }),
    },
  };
}
