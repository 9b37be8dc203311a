import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { postUpdate, TEST_INTERNAL_TOKEN, TEST_SECRET, TEST_TOKEN } from '@mb/testing';
import { BotApiDouble } from '@mb/testing/bot-api-double';
import { freePort } from '@mb/testing/ports';
import { textUpdate } from '@mb/testing/updates';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRecipients, startRedis, waitUntil } from './broadcast-fixtures.ts';
import { type Stack, startStack } from './stack.ts';

// The production shape with REDIS_URL, as real processes: a webhook process (GATEWAY_ROLE=webhook) that only stores
// and acknowledges, and a handler process (GATEWAY_ROLE=handler) consuming the Redis inbox. The webhook process is
// killed -9 while updates arrive; Telegram sends again every update it did not see answered 200, to the same URL.
const GATEWAY_MAIN = new URL('../src/main.ts', import.meta.url).pathname;

/** What the bot answers to each update sent, by the start of its text (a signed-in Russian-speaking client). */
const SENT = [
  { text: '/help', answer: /^Я бот компании/ },
  { text: '/promotions', answer: /^Акции \(1 из \d+\)/ },
  { text: '📋 Мои обращения', answer: /^У вас пока нет обращений\./ },
];
const CHATS = 40;
const PER_CHAT = 6;

let redis: Awaited<ReturnType<typeof startRedis>>;
let api: BotApiDouble;
let stack: Stack;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  api = await new BotApiDouble().start();
  stack = await startStack({ apiRoot: api.url });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL');
  await stack.close();
  await api.close();
  await redis.stop();
});

/** A gateway process (`node src/main.ts`) in `role`; resolves once it listens. */
async function startGateway(role: 'webhook' | 'handler', port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      GATEWAY_ROLE: role,
      GATEWAY_PORT: String(port),
      GATEWAY_REPLICA_ID: role,
      GATEWAY_DB_PATH: join(stack.dir, `gateway-${role}.sqlite`),
      GATEWAY_EVENT_CONSUMER: 'off',
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
      TELEGRAM_API_ROOT: api.url,
      INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
      SHEETS_URL: stack.sheetsUrl,
      ASSISTANT_URL: stack.assistantUrl,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${role} process exited (${code}):\n${output.slice(-3000)}`)));
    const read = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
      if (output.includes('"gateway listening"')) resolve();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

describe('the webhook process killed -9 mid-stream (Redis inbox, a handler process consuming)', () => {
  it('after its restart, every acknowledged update is handled once, each chat in order', async () => {
    const ids = seedRecipients(stack.sheets.wb, { from: 60_000_000, count: CHATS, segment: 'all' });
    const port = await freePort();
    await startGateway('handler', 0);
    let webhook = await startGateway('webhook', port);
    const url = `http://127.0.0.1:${port}`;

    // Per chat, its updates in turn; each chat's list is what it must be answered, in this order.
    const plan = new Map(
      ids.map((id, c) => [
        id,
        Array.from({ length: PER_CHAT }, (_, i) => SENT[(c + i) % SENT.length]!).map((s) => ({
          ...s,
          update: textUpdate({ id, first_name: 'Клиент', language_code: 'ru' }, s.text),
        })),
      ]),
    );
    let acknowledged = 0;
    let resent = 0;
    let restarted: Promise<void> | undefined;
    const killAt = Math.floor((CHATS * PER_CHAT) / 3);
    /** SIGKILL now, while the other chats' updates are in flight, and start the webhook again on the same port. */
    const kill = () => {
      const dying = webhook;
      process.kill(dying.pid!, 'SIGKILL');
      restarted = exited(dying).then(async () => {
        webhook = await startGateway('webhook', port);
      });
    };
    // As Telegram: a chat's next update only once the last was answered 200; one that was not is sent again.
    const deliver = async (update: unknown) => {
      for (;;) {
        let status = await postUpdate(url, update).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200 && !restarted && acknowledged + 1 === killAt) {
          // The worst moment: the update is stored, and its 200 is lost as the process dies (to Telegram, the same
          // as dying between storing and answering). Telegram sends it again to the restarted process.
          kill();
          status = 0;
        }
        if (status === 200) break;
        resent++;
        // Telegram waits before it tries again (1 s and more); a short pause is enough here.
        await sleep(20);
      }
      acknowledged++;
    };
    await Promise.all(
      [...plan.values()].map(async (updates) => {
        for (const { update } of updates) await deliver(update);
      }),
    );
    await restarted;
    expect(children.filter((c) => c.signalCode === 'SIGKILL')).toHaveLength(1);
    // The kill hit the stream: at least the update whose answer was lost was sent again.
    expect(resent).toBeGreaterThan(0);

    const answersTo = (id: number) =>
      api.calls.filter((c) => c.method === 'sendMessage' && Number(c.payload['chat_id']) === id);
    await waitUntil(
      () => ids.every((id) => answersTo(id).length >= PER_CHAT),
      60_000,
      'an answer to every acknowledged update',
    );
    // Handled means gone from the stream; after that nothing more can be sent.
    const client = new Redis(redis.url);
    try {
      const [stream] = await client.keys('mb:*:updates');
      await waitUntil(async () => (await client.xlen(stream!)) === 0, 30_000, 'the inbox drained');
    } finally {
      client.disconnect();
    }
    for (const [id, updates] of plan) {
      const texts = answersTo(id).map((c) => String(c.payload['text']));
      expect(texts, `chat ${id}`).toHaveLength(updates.length);
      texts.forEach((text, i) => expect(text, `chat ${id}, answer ${i + 1}`).toMatch(updates[i]!.answer));
    }
  }, 120_000);
});
