import { listen } from '@mb/service-kit';
import {
  type BotApiDouble,
  callbackUpdate,
  TEST_SECRET,
  type TelegramLimits,
  type TestUser,
  textUpdate,
} from '@mb/testing';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createGatewayApp } from '../src/app.ts';
import { createRedis, keyPrefix } from '../src/redis/connection.ts';
import { HANDLER_GROUP, RedisInbox, streamKeys } from '../src/redis/inbox.ts';
import { STAFF, seedRecipients, startLimitedStack, startRedis, waitUntil } from './broadcast-fixtures.ts';
import { eventsHandled } from './events-handled.ts';
import { createReplica, type Stack } from './stack.ts';

let redis: Awaited<ReturnType<typeof startRedis>>;
let api: BotApiDouble;
let limits: TelegramLimits;
let stack: Stack;
let closeStack: () => Promise<void>;
let replicaB: ReturnType<typeof createGatewayApp>;
let urlA: string;
let urlB: string;
let redisClient: ReturnType<typeof createRedis>;

beforeAll(async () => {
  redis = await startRedis();
  // No per-chat gap in the double: a staff member's next step may follow the bot's prompt at once (a short burst
  // Telegram tolerates); broadcast.test.ts and the bench hold the pacing.
  ({
    api,
    limits,
    stack,
    close: closeStack,
  } = await startLimitedStack({ redisUrl: redis.url, replicaId: 'gw-a' }, { perChatMs: 0 }));
  redisClient = createRedis(redis.url);
  urlA = stack.gatewayUrl;
  // A second gateway replica: its own inbox file, the same sheets, assistant and Redis, the same bot.
  replicaB = createReplica(stack, 'gw-b', {
    apiRoot: api.url,
    redisUrl: redis.url,
    broadcast: { pollMs: 100 },
    events: { idleMs: 100 },
  });
  urlB = `http://127.0.0.1:${await listen(replicaB.server, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  replicaB.server.closeAllConnections();
  await new Promise<void>((r) => replicaB.server.close(() => r()));
  await replicaB.close();
  await closeStack();
  await redisClient.quit();
  await redis.stop();
});

const post = (url: string, update: unknown) =>
  fetch(`${url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_SECRET },
    body: JSON.stringify(update),
  });
const leaderOf = () => (stack.gateway.shared.leader!.isLeader ? stack.gateway : replicaB);
const field = (reply: unknown[], name: string) => reply[reply.indexOf(name) + 1];
/**
 * Every update in the Redis inbox handled: the handlers group has read the stream to its last entry and acknowledged
 * every entry (a consumer acknowledges a chat's entries once the chat's updates are handled), and both replicas' queues
 * are idle. A repeated update that got in would have been handled by then.
 */
async function settle(): Promise<void> {
  const { stream } = streamKeys(keyPrefix(stack.gateway.bot.botInfo.id));
  await waitUntil(
    async () => {
      const last = field((await redisClient.xinfo('STREAM', stream)) as unknown[], 'last-generated-id');
      const group = ((await redisClient.xinfo('GROUPS', stream)) as unknown[][]).find(
        (g) => field(g, 'name') === HANDLER_GROUP,
      );
      return !!group && field(group, 'last-delivered-id') === last && field(group, 'pending') === 0;
    },
    10_000,
    'the Redis inbox to be handled',
  );
  await Promise.all([stack.gateway.dispatcher.idle(), replicaB.dispatcher.idle()]);
}

describe('several gateway replicas on Redis', () => {
  it('has one effect for the same update delivered to both replicas', async () => {
    const user: TestUser = { id: 8_000_001, first_name: 'Анна', language_code: 'ru' };
    const update = textUpdate(user, '/start');
    const answers = await Promise.all([post(urlA, update), post(urlB, update), post(urlB, update)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await api.waitFor(() => api.textsTo(user.id).length > 0, 10_000, 'the reply');
    await settle();
    expect(api.textsTo(user.id)).toHaveLength(1);
  });

  it('continues a staff conversation step by step on alternating replicas', async () => {
    const ids = seedRecipients(stack.sheets.wb, { from: 40_000_000, count: 3, segment: 'relay' });
    const said = () => api.textsTo(STAFF.id);
    await post(urlA, textUpdate(STAFF, '/broadcast'));
    await waitUntil(() => said().some((t) => t.includes('Пришлите текст рассылки')), 10_000, 'the text prompt');
    await post(urlB, textUpdate(STAFF, 'Привет из двух реплик'));
    await waitUntil(() => said().some((t) => t.includes('Кому отправить?')), 10_000, 'the segment prompt');
    await post(urlA, textUpdate(STAFF, 'relay'));
    await waitUntil(() => said().some((t) => t.includes('получателей — 3. Отправить?')), 10_000, 'the preview');
    await post(urlB, callbackUpdate(STAFF, 'bc:send'));
    await waitUntil(
      () => said().some((t) => /Рассылка B-\d+ запущена, получателей — 3/.test(t)),
      10_000,
      'the start confirmation',
    );
    const bId = /Рассылка (B-\d+) запущена/.exec(said().find((t) => /Рассылка B-\d+ запущена/.test(t))!)![1]!;
    // Done: every recipient's outcome is recorded and none is left to claim, on either replica.
    await waitUntil(() => stack.sheets.wb.get('Broadcasts', bId)!.status === 'done', 15_000, 'the broadcast');
    for (const id of ids) expect(api.textsTo(id)).toEqual(['Привет из двух реплик']);
  }, 40_000);

  it('consumes change events on one replica only (the leader lock holder): one approval message, not two', async () => {
    const ids = seedRecipients(stack.sheets.wb, { from: 42_000_000, count: 5, segment: 'events' });
    expect([stack.gateway.shared.leader!.isLeader, replicaB.shared.leader!.isLeader].filter(Boolean)).toHaveLength(1);
    for (const id of ids)
      stack.sheets.wb.emit('user.status_changed', {
        userId: `UT-${id}`,
        telegramId: id,
        from: 'pending',
        to: 'active',
        by: 'sheet',
      });
    await waitUntil(() => ids.every((id) => api.textsTo(id).length >= 1), 10_000, 'the approval messages');
    await eventsHandled({ sheets: stack.sheets, gateway: leaderOf() });
    // Each event handled once, by the leader: two consumers on one cursor could have told a user twice.
    for (const id of ids) expect(api.textsTo(id)).toHaveLength(1);
  }, 30_000);

  it('sends one broadcast from both replicas together within the global limit, each recipient once', async () => {
    const ids = seedRecipients(stack.sheets.wb, { from: 41_000_000, count: 360, segment: 'both' });
    const before = limits.tooManyRequests;
    const startedAt = limits.acceptedAt.length;
    const b = await stack.gateway.clients.sheets.broadcasts.create.mutate({
      staffTelegramId: STAFF.id,
      text: 'Две реплики',
      segment: 'both',
    });
    stack.gateway.broadcasting.sender.wake();
    replicaB.broadcasting.sender.wake();
    await waitUntil(
      () => stack.sheets.wb.get('Broadcasts', b.id)!.status === 'done',
      60_000,
      'the broadcast to finish',
    );
    for (const id of ids) expect(limits.delivered.get(id) ?? 0, `recipient ${id}`).toBe(1);
    const workers = stack.sheets.wb.db
      .prepare('SELECT worker, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY worker')
      .all(b.id) as Array<{ worker: string; n: number }>;
    expect([...new Set(workers.map((w) => w.worker.split('/')[0]))].sort()).toEqual(['gw-a', 'gw-b']);
    const accepted = limits.acceptedAt.slice(startedAt);
    let max = 0;
    for (let i = 0, j = 0; i < accepted.length; i++) {
      while (accepted[i]! - accepted[j]! >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    expect(max).toBeLessThanOrEqual(30);
    expect(limits.tooManyRequests - before).toBeLessThan(10);
  }, 60_000);

  it('hands an update a webhook-only process acknowledged to the handlers, once', async () => {
    const user: TestUser = { id: 8_000_002, first_name: 'Ирина', language_code: 'ru' };
    const update = textUpdate(user, '/start') as unknown as Update;
    const inbox = new RedisInbox({ redis: redisClient, prefix: keyPrefix(stack.gateway.bot.botInfo.id) });
    // A third process with GATEWAY_ROLE=webhook: it acknowledges into the stream and handles nothing itself.
    const webhookOnly = createReplica(stack, 'gw-c', { apiRoot: api.url, redisUrl: redis.url, role: 'webhook' });
    const urlC = `http://127.0.0.1:${await listen(webhookOnly.server, 0, '127.0.0.1')}`;
    try {
      expect((await post(urlC, update)).status).toBe(200);
      expect(await inbox.accept(update)).toBe(false);
      await api.waitFor(() => api.textsTo(user.id).length > 0, 10_000, 'the reply from a handler');
      await webhookOnly.dispatcher.idle();
      expect(webhookOnly.consumer?.handled ?? 0).toBe(0);
      // The same update delivered again (Telegram's retry) has no second effect anywhere.
      await post(urlA, update);
      await settle();
      expect(api.textsTo(user.id)).toHaveLength(1);
    } finally {
      webhookOnly.server.closeAllConnections();
      await new Promise<void>((r) => webhookOnly.server.close(() => r()));
      await webhookOnly.close();
    }
  }, 30_000);
});
