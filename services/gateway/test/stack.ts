import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AssistantAppOptions, createAssistantApp } from '@mb/assistant/app';
import { createLogger, listen } from '@mb/service-kit';
import { createSheetsApp } from '@mb/sheets/app';
import { TEST_INTERNAL_TOKEN, TEST_SECRET, TEST_TOKEN, testBotInfo } from '@mb/testing';
import { createGatewayApp, type GatewayAppOptions } from '../src/app.ts';

export type Stack = Awaited<ReturnType<typeof startStack>>;

/**
 * All three services in this process on free ports, with a fresh workbook, as `npm start` wires them; the gateway's
 * Bot API is whatever `apiRoot` points at (a BotApiDouble), or the sandbox when `botToken` is null.
 */
export async function startStack(
  opts: {
    apiRoot?: string;
    botToken?: string | null;
    gateway?: Partial<GatewayAppOptions>;
    assistant?: Partial<AssistantAppOptions>;
    dir?: string;
  } = {},
) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'mb-stack-'));
  const logger = createLogger('test', process.env['LOG_LEVEL'] ?? 'silent');
  const sheets = createSheetsApp({ dbPath: join(dir, 'workbook.sqlite'), internalToken: TEST_INTERNAL_TOKEN, logger });
  const sheetsUrl = `http://127.0.0.1:${await listen(sheets.server, 0, '127.0.0.1')}`;
  const assistant = createAssistantApp({ sheetsUrl, internalToken: TEST_INTERNAL_TOKEN, logger, ...opts.assistant });
  const assistantUrl = `http://127.0.0.1:${await listen(assistant.server, 0, '127.0.0.1')}`;
  const token = opts.botToken === null ? undefined : (opts.botToken ?? TEST_TOKEN);
  const gateway = createGatewayApp({
    logger,
    ...(token
      ? {
          botToken: token,
          botInfo: testBotInfo(token),
        }
      : {}),
    webhookSecret: TEST_SECRET,
    apiRoot: opts.apiRoot ?? 'http://127.0.0.1:9',
    publicUrl: 'https://bot.example.com',
    sheetsUrl,
    assistantUrl,
    internalToken: TEST_INTERNAL_TOKEN,
    dbPath: join(dir, 'gateway.sqlite'),
    ...opts.gateway,
  });
  const gatewayUrl = `http://127.0.0.1:${await listen(gateway.server, 0, '127.0.0.1')}`;

  /** Posts an update to the webhook as Telegram would. */
  const post = (update: unknown, secret: string = TEST_SECRET) =>
    fetch(`${gatewayUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: typeof update === 'string' ? update : JSON.stringify(update),
    });

  const close = async () => {
    for (const s of [gateway.server, assistant.server, sheets.server]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await gateway.close();
    await assistant.close();
    await sheets.close();
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };
  return { dir, sheets, assistant, gateway, sheetsUrl, assistantUrl, gatewayUrl, post, close };
}

/**
 * Another gateway of the same stack, as a second replica or process runs one: the same bot, secret, sheets and
 * assistant, its own SQLite file in the stack's folder, named by `replicaId`. Built, not listening.
 */
export function createReplica(
  stack: Stack,
  replicaId: string,
  opts: Partial<GatewayAppOptions> & { apiRoot: string },
): ReturnType<typeof createGatewayApp> {
  return createGatewayApp({
    logger: createLogger('test', 'silent'),
    botToken: TEST_TOKEN,
    botInfo: stack.gateway.bot.botInfo,
    webhookSecret: TEST_SECRET,
    publicUrl: 'https://bot.example.com',
    sheetsUrl: stack.sheetsUrl,
    assistantUrl: stack.assistantUrl,
    internalToken: TEST_INTERNAL_TOKEN,
    dbPath: join(stack.dir, `${replicaId}.sqlite`),
    replicaId,
    ...opts,
  });
}
