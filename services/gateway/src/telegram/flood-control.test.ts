import type { Context } from 'grammy';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../test/broadcast-fixtures.ts';
import { floodControl } from './flood-control.ts';

let redis: { url: string; stop(): Promise<void> };
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  await client.quit();
  await redis.stop();
});

const update = (userId: number, chatType = 'private') =>
  ({ chat: { type: chatType }, from: { id: userId }, update: { update_id: 1 } }) as unknown as Context;

/** Runs `count` updates through the given middlewares in turn; returns how many got through. */
async function through(
  middlewares: Array<ReturnType<typeof floodControl>>,
  userId: number,
  count: number,
  chatType?: string,
) {
  let passed = 0;
  for (let i = 0; i < count; i++)
    await middlewares[i % middlewares.length]!(update(userId, chatType), async () => void passed++);
  return passed;
}

describe('flood control', () => {
  it('counts a user across replicas sharing Redis, separately per user and per bot', async () => {
    const opts = { limit: 4, timeFrameMs: 60_000, redis: client, prefix: 'bot111' };
    const replicas = [floodControl(opts), floodControl(opts)];
    expect(await through(replicas, 1, 10)).toBe(4);
    expect(await through(replicas, 2, 3)).toBe(3);
    expect(await through([floodControl({ ...opts, prefix: 'bot222' })], 1, 2)).toBe(2);
    expect(await client.pttl('bot111:flood:1')).toBeGreaterThan(0);
  });

  it('never limits group chats (the staff chat is many people), and in process counts per user', async () => {
    const local = floodControl({ limit: 2, timeFrameMs: 60_000 });
    expect(await through([local], 3, 5, 'supergroup')).toBe(5);
    expect(await through([local], 3, 5)).toBe(2);
  });
});
