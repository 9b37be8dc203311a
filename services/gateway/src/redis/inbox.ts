import type { Update } from 'grammy/types';
import type { Redis } from 'ioredis';
import type { UpdateInbox } from '../webhook/inbox.ts';

const DAY_SECONDS = 86_400;

/** KEYS: seen key, pending hash. ARGV: update id, body, ttl. 1 = fresh (stored), 0 = seen before. One atomic step. */
const ACCEPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[3])) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
return 0`;

/**
 * The inbox for several replicas: update ids are remembered in Redis for 24 h (SET NX), so the same update delivered
 * to two replicas has one effect; the replica that won keeps the body in its own pending hash until handled, and
 * hands it to its dispatcher again after a restart (`replica` must be stable across restarts, e.g. the host name).
 */
export class RedisInbox implements UpdateInbox {
  private readonly redis: Redis;
  private readonly seenPrefix: string;
  private readonly pendingKey: string;

  constructor(opts: { redis: Redis; prefix: string; replica: string }) {
    this.redis = opts.redis;
    this.seenPrefix = `${opts.prefix}:update:`;
    this.pendingKey = `${opts.prefix}:inbox:${opts.replica}`;
  }

  async accept(update: Update): Promise<boolean> {
    const fresh = await this.redis.eval(
      ACCEPT,
      2,
      `${this.seenPrefix}${update.update_id}`,
      this.pendingKey,
      update.update_id,
      JSON.stringify(update),
      DAY_SECONDS,
    );
    return fresh === 1;
  }

  async done(updateId: number): Promise<void> {
    await this.redis.hdel(this.pendingKey, String(updateId));
  }

  async pending(): Promise<Update[]> {
    const bodies = await this.redis.hvals(this.pendingKey);
    return bodies.map((b) => JSON.parse(b) as Update).sort((a, b) => a.update_id - b.update_id);
  }

  async bodies(ids: number[]): Promise<Update[]> {
    if (ids.length === 0) return [];
    const bodies = await this.redis.hmget(this.pendingKey, ...ids.map(String));
    return bodies.flatMap((b) => (b === null ? [] : [JSON.parse(b) as Update]));
  }

  async close(): Promise<void> {}
}
