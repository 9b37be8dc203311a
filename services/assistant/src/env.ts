import { bindHost, parseEnv, port, refuseWeakInternalTokenInProduction, serviceEnv, url } from '@mb/service-kit';
import { z } from 'zod';

const ms = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z
  .object({
    ASSISTANT_PORT: port(8082),
    BIND_HOST: bindHost,
    ...serviceEnv,
    SHEETS_URL: url('http://127.0.0.1:8081'),
    ASSISTANT_DB_PATH: z.string().default('./data/assistant.sqlite'),
    /** Memory and quotas in Redis, shared by several assistant replicas (a redis:// URL or a Unix socket path). */
    REDIS_URL: z.string().optional(),
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.url().optional(),
    OPENAI_MODEL: z.string().default('gpt-4.1-mini'),
    /** The provider's embedding model, widening the context beyond lexical matches; `off` for lexical retrieval only. */
    OPENAI_EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
    /** `responses` (OpenAI) or `chat` (Chat Completions, for Ollama, vLLM, llama.cpp and other compatible servers). */
    OPENAI_API_STYLE: z.enum(['responses', 'chat']).default('responses'),
    /** Per attempt, until the response headers arrive. */
    OPENAI_TIMEOUT_MS: ms(10_000, 100, 120_000),
    OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
    /** The whole answer, retries included; past it the retrieval answer is given. */
    ASSISTANT_ANSWER_DEADLINE_MS: ms(25_000, 200, 120_000),
    /** Longest silence inside a stream before it counts as hung. */
    ASSISTANT_STREAM_IDLE_MS: ms(8_000, 100, 60_000),
    ASSISTANT_MEMORY_TURNS: z.coerce.number().int().min(0).max(50).default(6),
    ASSISTANT_MEMORY_IDLE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
    ASSISTANT_MAX_QUESTION_CHARS: z.coerce.number().int().min(50).max(4000).default(1000),
  })
  .superRefine(refuseWeakInternalTokenInProduction);

export type AssistantEnv = z.infer<typeof schema>;
export const readEnv = (source: Record<string, string | undefined>): AssistantEnv =>
  parseEnv('assistant', schema, source);
