import type { OpenAiDouble } from './openai-double.ts';

/**
 * The assistant's `llm` options for a model served by a started `double`: model gpt-test over the Responses API, no
 * retries; `limits` bound one attempt (`timeoutMs`) and the longest silence in a stream (`idleMs`).
 */
export function llmOnDouble(double: OpenAiDouble, limits: { timeoutMs: number; idleMs: number }) {
  return {
    apiKey: 'sk-test',
    baseURL: double.url,
    model: 'gpt-test',
    api: 'responses' as const,
    maxRetries: 0,
    ...limits,
  };
}
