import {
  createInternalServer,
  createRegistry,
  createServiceClient,
  type Logger,
  registerLogSecrets,
} from '@mb/service-kit';
import type { SheetsRouter } from '@mb/sheets/router-type';
import { Redis } from 'ioredis';
import { createAsker } from './ask.ts';
import { Knowledge } from './knowledge.ts';
import { RetrievalAnswerer } from './llm/answerer.ts';
import { OpenAiLlm, type OpenAiLlmOptions } from './llm/llm-client.ts';
import { createAssistantMetrics } from './metrics.ts';
import { SemanticIndex } from './retrieval/semantic.ts';
import { createAssistantRouter } from './router.ts';
import { openAssistantDb } from './store/db.ts';
import { ConversationMemory } from './store/memory.ts';
import { failOpen, RedisMemory, RedisUsage } from './store/redis-stores.ts';
import type { MemoryStore, UsageStore } from './store/stores.ts';
import { UsageLedger } from './store/usage.ts';

export type AssistantAppOptions = {
  sheetsUrl: string;
  internalToken: string;
  logger: Logger;
  /** The assistant's own SQLite (memory, quotas); `:memory:` when unset (tests). */
  dbPath?: string;
  /** Unset: no model, retrieval answers only. */
  llm?: OpenAiLlmOptions;
  /** The provider's embedding model, to widen the model's context (needs `llm`); unset: lexical retrieval only. */
  embeddingModel?: string;
  deadlineMs?: number;
  /** Memory and quotas in Redis (shared by several assistant replicas) instead of the SQLite file. */
  redisUrl?: string;
  memoryTurns?: number;
  memoryIdleMs?: number;
  maxQuestionChars?: number;
  /** How long FAQ, promotions and settings are cached (ms). */
  knowledgeTtlMs?: number;
};

/** Builds the assistant service without listening; main.ts and tests share it. */
export function createAssistantApp(opts: AssistantAppOptions) {
  // No log line of this process carries the internal token, whatever it hid in.
  registerLogSecrets(opts.internalToken);
  const metrics = createRegistry('assistant');
  const assistantMetrics = createAssistantMetrics(metrics.registry);
  const sheets = createServiceClient<SheetsRouter>({
    target: 'sheets',
    url: opts.sheetsUrl,
    token: opts.internalToken,
    metrics,
  });
  const knowledge = new Knowledge(sheets, opts.knowledgeTtlMs);
  const db = openAssistantDb(opts.dbPath ?? ':memory:');
  const memoryLimits = { turns: opts.memoryTurns ?? 6, idleMs: opts.memoryIdleMs ?? 3_600_000 };
  const sqliteMemory = new ConversationMemory(db, memoryLimits);
  const sqliteUsage = new UsageLedger(db);
  // Bounded: a Redis that is down costs a command two seconds at most, then answers go on without memory or quota.
  const redis = opts.redisUrl
    ? new Redis(opts.redisUrl, {
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        commandTimeout: 2000,
        lazyConnect: false,
      })
    : undefined;
  redis?.on('error', (error: Error) => opts.logger.warn({ err: error }, 'redis error'));
  const { memory, usage }: { memory: MemoryStore; usage: UsageStore } = redis
    ? failOpen(new RedisMemory(redis, memoryLimits), new RedisUsage(redis), opts.logger, () => redis.status === 'ready')
    : { memory: sqliteMemory, usage: sqliteUsage };
  const semantic =
    opts.llm && opts.embeddingModel
      ? new SemanticIndex({
          apiKey: opts.llm.apiKey,
          ...(opts.llm.baseURL ? { baseURL: opts.llm.baseURL } : {}),
          model: opts.embeddingModel,
          timeoutMs: Math.min(opts.llm.timeoutMs, 2000),
          onUsage: (model, tokens) => {
            void Promise.resolve(usage.addTokens(model, tokens, 0)).catch(() => undefined);
            assistantMetrics.tokens.inc({ model, kind: 'embedding' }, tokens);
          },
          onResult: (result) => assistantMetrics.embeddings.inc({ result }),
        })
      : undefined;
  const asker = createAsker({
    ...(semantic ? { semantic } : {}),
    knowledge,
    fallback: new RetrievalAnswerer(),
    llm: opts.llm ? new OpenAiLlm(opts.llm) : undefined,
    memory,
    usage,
    metrics: assistantMetrics,
    logger: opts.logger,
    recordUnanswered: async (question) => {
      await sheets.unanswered.record.mutate({ question });
    },
    maxQuestionChars: opts.maxQuestionChars ?? 1000,
    deadlineMs: opts.deadlineMs ?? 25_000,
  });
  const router = createAssistantRouter({ asker, memory });
  const server = createInternalServer({
    service: 'assistant',
    router,
    internalToken: opts.internalToken,
    metrics,
    logger: opts.logger,
    readiness: {
      sheets: async () => ({ ok: (await sheets.ping.query()).ok }),
      ...(redis ? { redis: async () => ({ ok: (await redis.ping()) === 'PONG' }) } : {}),
    },
  });
  // Expired conversations and old counters are removed hourly (reads expire lazily too).
  const sweeper = setInterval(() => {
    sqliteMemory.sweep();
    sqliteUsage.prune(7);
  }, 3_600_000);
  sweeper.unref();
  const close = async () => {
    clearInterval(sweeper);
    db.close();
    await redis?.quit().catch(() => undefined);
  };
  return { server, metrics, assistantMetrics, router, memory, usage, close };
}
