import { boundHost, installShutdown, listen, runService } from '@mb/service-kit';
import { createAssistantApp } from './app.ts';
import { readEnv } from './env.ts';

await runService(
  'assistant',
  () => readEnv(process.env),
  async (env, logger) => {
    if (!env.OPENAI_API_KEY) logger.info('OPENAI_API_KEY is unset: answering from retrieval only');
    const app = createAssistantApp({
      sheetsUrl: env.SHEETS_URL,
      internalToken: env.INTERNAL_TOKEN,
      logger,
      dbPath: env.ASSISTANT_DB_PATH,
      ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
      ...(env.OPENAI_API_KEY
        ? {
            llm: {
              apiKey: env.OPENAI_API_KEY,
              ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
              model: env.OPENAI_MODEL,
              api: env.OPENAI_API_STYLE,
              timeoutMs: env.OPENAI_TIMEOUT_MS,
              maxRetries: env.OPENAI_MAX_RETRIES,
              idleMs: env.ASSISTANT_STREAM_IDLE_MS,
            },
          }
        : {}),
      ...(env.OPENAI_EMBEDDING_MODEL !== 'off' ? { embeddingModel: env.OPENAI_EMBEDDING_MODEL } : {}),
      deadlineMs: env.ASSISTANT_ANSWER_DEADLINE_MS,
      memoryTurns: env.ASSISTANT_MEMORY_TURNS,
      memoryIdleMs: env.ASSISTANT_MEMORY_IDLE_MINUTES * 60_000,
      maxQuestionChars: env.ASSISTANT_MAX_QUESTION_CHARS,
    });
    const port = await listen(app.server, env.ASSISTANT_PORT, env.BIND_HOST);
    logger.info(
      {
        host: boundHost(app.server),
        port,
        model: env.OPENAI_API_KEY ? env.OPENAI_MODEL : null,
        api: env.OPENAI_API_STYLE,
      },
      'assistant listening',
    );
    installShutdown({ logger, servers: [app.server], cleanups: [app.close] });
  },
);
