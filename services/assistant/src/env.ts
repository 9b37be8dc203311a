import { internalToken, logLevel, parseEnv, port, url } from '@mb/service-kit';
import { z } from 'zod';

const schema = z.object({
  ASSISTANT_PORT: port(8082),
  SHEETS_URL: url('http://127.0.0.1:8081'),
  INTERNAL_TOKEN: internalToken,
  LOG_LEVEL: logLevel,
  ASSISTANT_DB_PATH: z.string().default('./data/assistant.sqlite'),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().default('gpt-4.1-mini'),
});

export type AssistantEnv = z.infer<typeof schema>;
export const readEnv = (source: Record<string, string | undefined>): AssistantEnv => parseEnv('assistant', schema, source);
