import { connect } from 'node:net';
import { BotApiDouble, captureLogs, TEST_SECRET } from '@mb/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

// Issue 20 point 3: a client that aborts its request mid-body is logged at info, not error.
const { lines, logger } = captureLogs('gateway', 'info');
let api: BotApiDouble;
let stack: Stack;

beforeAll(async () => {
  api = await new BotApiDouble().start();
  stack = await startStack({ apiRoot: api.url, gateway: { logger, events: { enabled: false } } });
});
afterAll(async () => {
  await stack.close();
  await api.close();
});

it('logs a request aborted mid-body at info and nothing at error', async () => {
  const { port } = new URL(stack.gatewayUrl);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((r) => socket.on('connect', r));
  socket.write(
    `POST /telegram/webhook HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n` +
      `x-telegram-bot-api-secret-token: ${TEST_SECRET}\r\ncontent-length: 1000\r\n\r\n{"update_id": 1, "mess`,
  );
  await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
  await expect.poll(() => lines.some((l) => l.includes('aborted by the client'))).toBe(true);
  const levels = lines.map((l) => (JSON.parse(l) as { level: number }).level);
  expect(levels.filter((level) => level >= 50)).toEqual([]);
  expect(lines.find((l) => l.includes('aborted by the client'))).toContain('"level":30');
});
