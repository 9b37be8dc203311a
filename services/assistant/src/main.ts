import { boundHost, createLogger, DEV_INTERNAL_TOKEN, EnvError, installShutdown, listen } from '@mb/service-kit';
import { createAssistantApp } from './app.ts';
import { readEnv } from './env.ts';

try {
  const env = readEnv(process.env);
  const logger = createLogger('assistant', env.LOG_LEVEL);
  if (env.INTERNAL_TOKEN === DEV_INTERNAL_TOKEN)
    logger.warn('INTERNAL_TOKEN is unset: using the development value; set it in production');
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
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
