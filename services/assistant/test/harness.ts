import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createServiceClient, listen } from '@mb/service-kit';
import { createSheetsApp } from '@mb/sheets/app';
import type { SheetsRouter } from '@mb/sheets/router-type';
import { OpenAiDouble, TEST_INTERNAL_TOKEN } from '@mb/testing';
import { afterAll, beforeAll } from 'vitest';
import { type AssistantAppOptions, createAssistantApp } from '../src/app.ts';
import type { AssistantRouter } from '../src/router-type.ts';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * Sheets (fresh seeded workbook) and the assistant on free ports, the assistant's model an OpenAiDouble reached through
 * the real SDK. `restartAssistant()` closes the assistant and opens a new one on the same SQLite file.
 */
export async function startHarness(
  opts: { api?: 'responses' | 'chat'; llm?: boolean; assistant?: Partial<AssistantAppOptions> } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'mb-assistant-'));
  const logger = createLogger('test', process.env['LOG_LEVEL'] ?? 'silent');
  const sheets = createSheetsApp({ dbPath: join(dir, 'workbook.sqlite'), internalToken: TEST_INTERNAL_TOKEN, logger });
  const sheetsUrl = `http://127.0.0.1:${await listen(sheets.server, 0, '127.0.0.1')}`;
  const model = await new OpenAiDouble().start();
  const options = (): AssistantAppOptions => ({
    sheetsUrl,
    internalToken: TEST_INTERNAL_TOKEN,
    logger,
    dbPath: join(dir, 'assistant.sqlite'),
    knowledgeTtlMs: 0,
    ...(opts.llm === false
      ? {}
      : {
          llm: {
            apiKey: 'sk-test',
            baseURL: model.url,
            model: 'gpt-test',
            api: opts.api ?? 'responses',
            timeoutMs: 1500,
            maxRetries: 1,
            idleMs: 1000,
          },
        }),
    deadlineMs: 4000,
    ...opts.assistant,
  });
  let assistant = createAssistantApp(options());
  let assistantUrl = `http://127.0.0.1:${await listen(assistant.server, 0, '127.0.0.1')}`;
  const closeAssistant = async () => {
    assistant.server.closeAllConnections();
    await new Promise<void>((r) => assistant.server.close(() => r()));
    await assistant.close();
  };
  const h = {
    dir,
    sheets,
    model,
    get assistant() {
      return assistant;
    },
    client: () =>
      createServiceClient<AssistantRouter>({
        target: 'assistant',
        url: assistantUrl,
        token: TEST_INTERNAL_TOKEN,
        timeoutMs: 20_000,
      }),
    sheetsClient: () =>
      createServiceClient<SheetsRouter>({ target: 'sheets', url: sheetsUrl, token: TEST_INTERNAL_TOKEN }),
    async restartAssistant(extra: Partial<AssistantAppOptions> = {}) {
      await closeAssistant();
      assistant = createAssistantApp({ ...options(), ...extra });
      assistantUrl = `http://127.0.0.1:${await listen(assistant.server, 0, '127.0.0.1')}`;
    },
    /** A metric's value from the assistant's /metrics text (sum over matching label sets). */
    async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
      const text = await (await fetch(`${assistantUrl}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
          sum += Number(line.split(' ').at(-1));
      }
      return sum;
    },
    async close() {
      await closeAssistant();
      sheets.server.closeAllConnections();
      await new Promise<void>((r) => sheets.server.close(() => r()));
      await sheets.close();
      await model.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/**
 * The harness for the tests of a file or `describe` block: started before them, closed after them. The object is
 * filled in by the `beforeAll` (its getters and methods copied over), so read it inside tests and hooks.
 */
export function useHarness(opts: Parameters<typeof startHarness>[0] = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.defineProperties(h, Object.getOwnPropertyDescriptors(await startHarness(opts)));
  });
  afterAll(async () => {
    if ('close' in h) await h.close();
  });
  return h;
}

/** Consumes askStream: the deltas as they came and the final result. */
export async function streamAnswer(
  client: ReturnType<Harness['client']>,
  input: { telegramId: number; question: string; language?: 'ru' | 'en'; segment?: string | null },
) {
  const deltas: string[] = [];
  const iterable = await client.askStream.mutate({ language: 'ru', ...input }, { context: { stream: true } });
  for await (const event of iterable) {
    if (event.type === 'delta') deltas.push(event.text);
    else return { deltas, result: event.result };
  }
  throw new Error('the stream ended without a final event');
}
