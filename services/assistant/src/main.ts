import { createLogger, DEV_INTERNAL_TOKEN, EnvError, installShutdown, listen } from '@mb/service-kit';
import { createAssistantApp } from './app.ts';
import { readEnv } from './env.ts';

try {
  const env = readEnv(process.env);
  const logger = createLogger('assistant', env.LOG_LEVEL);
  if (env.INTERNAL_TOKEN === DEV_INTERNAL_TOKEN) logger.warn('INTERNAL_TOKEN is unset: using the development value; set it in production');
  if (!env.OPENAI_API_KEY) logger.info('OPENAI_API_KEY is unset: answering from retrieval only');
  const app = createAssistantApp({ sheetsUrl: env.SHEETS_URL, internalToken: env.INTERNAL_TOKEN, logger });
  const port = await listen(app.server, env.ASSISTANT_PORT);
  logger.info({ port }, 'assistant listening');
  installShutdown({ logger, servers: [app.server], cleanups: [app.close] });
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
