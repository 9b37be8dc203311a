import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  RateLimitError,
} from 'openai';
import type { Prompt } from './prompt.ts';

export type LlmUsage = { input: number; output: number };
export type LlmEvent = { type: 'delta'; text: string } | { type: 'done'; usage: LlmUsage };

/** A streaming model: the deltas of the answer, then its token usage. Throws LlmError on any failure. */
export interface LlmClient {
  readonly model: string;
  readonly api: 'responses' | 'chat';
  stream(prompt: Prompt, signal: AbortSignal): AsyncIterable<LlmEvent>;
}

export type LlmFailure = 'timeout' | 'rate_limited' | 'server_error' | 'connection' | 'malformed' | 'rejected';

/** The model could not give an answer; `reason` is a metrics label. */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly reason: LlmFailure;
  constructor(reason: LlmFailure, message: string, options?: { cause?: unknown }) {
    super(`${reason}: ${message}`, options);
    this.reason = reason;
  }
}

export type OpenAiLlmOptions = {
  apiKey: string;
  baseURL?: string;
  model: string;
  api: 'responses' | 'chat';
  /** Per attempt, until the response starts (the SDK's default is 10 minutes). */
  timeoutMs: number;
  /** Retries on 408/409/429/5xx and connection errors; the SDK obeys `retry-after`. */
  maxRetries: number;
  /** Longest silence between two stream events. */
  idleMs: number;
  maxOutputTokens?: number;
};

/** The official SDK, Responses API or Chat Completions, always streaming, bounded in time. */
export class OpenAiLlm implements LlmClient {
  readonly model: string;
  readonly api: 'responses' | 'chat';
  private readonly client: OpenAI;
  private readonly opts: OpenAiLlmOptions;

  constructor(opts: OpenAiLlmOptions) {
    this.opts = opts;
    this.model = opts.model;
    this.api = opts.api;
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
      timeout: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      // The SDK would print to the console; our failures are logged (without user text) by the caller.
      logLevel: 'off',
    });
  }

  async *stream(prompt: Prompt, signal: AbortSignal): AsyncIterable<LlmEvent> {
    const idle = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => idle.abort(new LlmError('timeout', `no stream event for ${this.opts.idleMs} ms`)),
        this.opts.idleMs,
      );
    };
    const combined = AbortSignal.any([signal, idle.signal]);
    const maxTokens = this.opts.maxOutputTokens ?? 700;
    try {
      if (this.api === 'responses') {
        const input = [
          ...prompt.history.map((t) => ({ role: t.role, content: t.text })),
          { role: 'user' as const, content: prompt.input },
        ];
        const events = await this.client.responses.create(
          {
            model: this.model,
            instructions: prompt.instructions,
            input,
            stream: true,
            store: false,
            max_output_tokens: maxTokens,
          },
          { signal: combined },
        );
        touch();
        for await (const event of events) {
          touch();
          if (event.type === 'response.output_text.delta') yield { type: 'delta', text: event.delta };
          else if (event.type === 'response.completed') {
            const usage = event.response.usage;
            yield { type: 'done', usage: { input: usage?.input_tokens ?? 0, output: usage?.output_tokens ?? 0 } };
            return;
          } else if (
            event.type === 'response.failed' ||
            event.type === 'response.incomplete' ||
            event.type === 'error'
          ) {
            throw new LlmError('rejected', `stream ended with ${event.type}`);
          }
        }
        // The SDK ends the iteration quietly when the request is aborted (deadline or silence).
        if (combined.aborted) throw combined.reason;
        throw new LlmError('malformed', 'the stream ended without response.completed');
      }
      const messages = [
        { role: 'system' as const, content: prompt.instructions },
        ...prompt.history.map((t) => ({ role: t.role, content: t.text })),
        { role: 'user' as const, content: prompt.input },
      ];
      const chunks = await this.client.chat.completions.create(
        { model: this.model, messages, stream: true, stream_options: { include_usage: true }, max_tokens: maxTokens },
        { signal: combined },
      );
      touch();
      let usage: LlmUsage = { input: 0, output: 0 };
      let finished = false;
      for await (const chunk of chunks) {
        touch();
        const choice = chunk.choices[0];
        if (choice?.delta?.content) yield { type: 'delta', text: choice.delta.content };
        if (choice?.finish_reason) finished = true;
        if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
      }
      if (combined.aborted) throw combined.reason;
      if (!finished) throw new LlmError('malformed', 'the stream ended without a finish_reason');
      yield { type: 'done', usage };
    } catch (error) {
      throw toLlmError(error, signal, idle.signal);
    } finally {
      clearTimeout(timer);
    }
  }
}

function toLlmError(error: unknown, outer: AbortSignal, idle: AbortSignal): LlmError {
  if (error instanceof LlmError) return error;
  if (idle.aborted && idle.reason instanceof LlmError) return idle.reason;
  if (outer.aborted || error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError)
    return new LlmError('timeout', 'deadline passed', { cause: error });
  if (error instanceof RateLimitError)
    return new LlmError('rate_limited', 'rate limited after retries', { cause: error });
  if (error instanceof APIConnectionError)
    return new LlmError('connection', 'could not reach the model', { cause: error });
  if (error instanceof APIError && (error.status ?? 0) >= 500)
    return new LlmError('server_error', `status ${error.status}`, { cause: error });
  if (error instanceof APIError && error.status === undefined)
    return new LlmError('rejected', 'error event in the stream', { cause: error });
  if (error instanceof APIError) return new LlmError('rejected', `status ${error.status}`, { cause: error });
  if (error instanceof SyntaxError) return new LlmError('malformed', 'a stream event was not JSON', { cause: error });
  return new LlmError('malformed', error instanceof Error ? error.message : String(error), { cause: error });
}
