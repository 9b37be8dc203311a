import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createLogger } from '@mb/service-kit';
import type { Update } from 'grammy/types';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisInbox, streamKeys } from '../src/redis/inbox.ts';
import { RedisUpdateConsumer } from '../src/redis/update-consumer.ts';
import { startRedis, waitUntil } from './broadcast-fixtures.ts';

const CHILD = join(import.meta.dirname, 'update-consumer-child.ts');
const logger = createLogger('test', 'silent');

let server: Awaited<ReturnType<typeof startRedis>>;
let redis: Redis;
const consumers: RedisUpdateConsumer[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterEach(async () => {
  for (const c of consumers.splice(0)) await c.stop();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL');
});
afterAll(async () => {
  await redis.quit();
  await server.stop();
});

let nextUpdateId = 1;
/** `perChat` text updates for each of `chats` chats, interleaved (chat 1, chat 2, …, chat 1, chat 2, …). */
function updates(chats: number, perChat: number): Update[] {
  const out: Update[] = [];
  for (let i = 0; i < perChat; i++)
    for (let c = 1; c <= chats; c++)
      out.push({
        update_id: nextUpdateId++,
        message: { message_id: i, date: 0, chat: { id: c, type: 'private', first_name: 'x' }, text: `m${i}` },
      } as unknown as Update);
  return out;
}
const chatOf = (u: Update) => u.message!.chat.id;

/** Per chat, the ids in the order they were handled (first handling of each). */
function orderPerChat(handled: number[], byId: Map<number, Update>): Map<number, number[]> {
  const seen = new Set<number>();
  const out = new Map<number, number[]>();
  for (const id of handled) {
    if (seen.has(id)) continue;
    seen.add(id);
    const chat = chatOf(byId.get(id)!);
    out.set(chat, [...(out.get(chat) ?? []), id]);
  }
  return out;
}

describe('the update inbox in Redis, consumed by several handler processes', () => {
  it('keeps per-chat order and handles each update once across two consumers', async () => {
    const prefix = 'mb:order';
    const inbox = new RedisInbox({ redis, prefix });
    const handled: Array<{ id: number; by: string }> = [];
    const active = new Set<number>();
    let overlaps = 0;
    for (const name of ['a', 'b']) {
      const c: RedisUpdateConsumer = new RedisUpdateConsumer({
        redis,
        prefix,
        name,
        logger,
        // Each takes at most 5 chats at a time, so both must take part.
        maxConcurrent: 5,
        handle: async (u) => {
          // Two handlers of one chat at once would break its order.
          if (active.has(chatOf(u))) overlaps++;
          active.add(chatOf(u));
          await new Promise((r) => setTimeout(r, (u.update_id * 7) % 5));
          handled.push({ id: u.update_id, by: c.name });
          active.delete(chatOf(u));
        },
      });
      consumers.push(c);
      c.start();
    }
    const all = updates(20, 15);
    const byId = new Map(all.map((u) => [u.update_id, u]));
    const fresh = await Promise.all(all.map((u) => inbox.accept(u)));
    expect(fresh.every(Boolean)).toBe(true);
    // Telegram's repeats are dropped at the door.
    expect(await inbox.accept(all[0]!)).toBe(false);
    await waitUntil(() => handled.length >= all.length, 20_000, 'every update handled');
    await consumers[0]!.idle();
    expect(handled).toHaveLength(all.length);
    expect(new Set(handled.map((h) => h.id)).size).toBe(all.length);
    expect(overlaps).toBe(0);
    for (const [, ids] of orderPerChat(
      handled.map((h) => h.id),
      byId,
    ))
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // Both consumers took part.
    expect(new Set(handled.map((h) => h.by)).size).toBe(2);
    expect(await redis.xlen(`${prefix}:updates`)).toBe(0);
  }, 30_000);

  it('retries an update whose handler failed, with the chat waiting behind it', async () => {
    const prefix = 'mb:retry';
    const inbox = new RedisInbox({ redis, prefix });
    const handled: number[] = [];
    let failures = 2;
    const c = new RedisUpdateConsumer({
      redis,
      prefix,
      name: 'r',
      logger,
      retryMs: { first: 10, max: 40 },
      handle: async (u) => {
        if (u.message!.text === 'm0' && failures-- > 0) throw new Error('sheets is down');
        handled.push(u.update_id);
      },
    });
    consumers.push(c);
    c.start();
    const all = updates(1, 3);
    for (const u of all) await inbox.accept(u);
    await waitUntil(() => handled.length === 3, 10_000, 'the chat handled after the retries');
    expect(handled).toEqual(all.map((u) => u.update_id));
  });

  it('loses nothing when a consumer is killed -9 mid-stream: another claims its chats and goes on in order', async () => {
    const prefix = 'mb:kill';
    const inbox = new RedisInbox({ redis, prefix });
    const lockMs = 600;
    const spawnChild = (name: string) => {
      const child = spawn(
        process.execPath,
        [CHILD, JSON.stringify({ redisUrl: server.url, prefix, name, lockMs, delayMs: 3 })],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.push(child);
      return new Promise<ChildProcess>((resolve) =>
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child)),
      );
    };
    const a = await spawnChild('a');
    const b = await spawnChild('b');
    const all = updates(12, 40);
    const byId = new Map(all.map((u) => [u.update_id, u]));
    for (const u of all) await inbox.accept(u);
    await waitUntil(async () => (await redis.llen(`${prefix}:test:handled`)) >= 120, 20_000, 'handling under way');
    process.kill(a.pid!, 'SIGKILL');
    await new Promise((r) => a.once('exit', r));
    // b and a fresh consumer c take over a's chats once its locks expire.
    await spawnChild('c');
    await waitUntil(
      async () => new Set(await redis.lrange(`${prefix}:test:handled`, 0, -1)).size === all.length,
      30_000,
      'every update handled after the kill',
    );
    await waitUntil(async () => (await redis.xlen(`${prefix}:updates`)) === 0, 10_000, 'the stream drained');
    process.kill(b.pid!, 'SIGKILL');
    const handled = (await redis.lrange(`${prefix}:test:handled`, 0, -1)).map(Number);
    const started = (await redis.lrange(`${prefix}:test:started`, 0, -1)).map((s) => s.split(' '));
    // Nothing lost, each chat in order.
    expect(new Set(handled).size).toBe(all.length);
    for (const [, ids] of orderPerChat(handled, byId)) expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // Handled twice (at least once, not exactly once, for these): only what a was in the middle of when it died —
    // per chat at most the last update a started there.
    const lastOfA = new Map<number, number>();
    for (const [by, id] of started) if (by === 'a') lastOfA.set(chatOf(byId.get(Number(id))!), Number(id));
    const counts = new Map<number, number>();
    for (const id of handled) counts.set(id, (counts.get(id) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    for (const id of twice) expect(lastOfA.get(chatOf(byId.get(id)!))).toBe(id);
    expect(twice.length).toBeLessThanOrEqual(lastOfA.size);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
  }, 60_000);
  it('drops a stored body that is not an update and goes on with the chat (what comes back is checked)', async () => {
    const prefix = 'mb:poisoned';
    const inbox = new RedisInbox({ redis, prefix });
    const handled: number[] = [];
    const c = new RedisUpdateConsumer({
      redis,
      prefix,
      name: 'p',
      logger,
      handle: async (u) => {
        handled.push(u.update_id);
      },
    });
    consumers.push(c);
    // Something other than our webhook wrote to the chat's list: not JSON, then JSON that is no update.
    await redis.rpush(streamKeys(prefix).chat('1'), '{not json', JSON.stringify({ update_id: 'x', message: {} }));
    const [good] = updates(1, 1);
    expect(await inbox.accept(good!)).toBe(true);
    c.start();
    await waitUntil(() => handled.length === 1, 10_000, 'the real update handled');
    await c.idle();
    expect(handled).toEqual([good!.update_id]);
    expect(c.dropped).toBe(2);
    expect(await redis.llen(streamKeys(prefix).chat('1'))).toBe(0);
  });
});
