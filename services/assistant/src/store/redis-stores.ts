import type { Logger } from '@mb/service-kit';
import type { Redis } from 'ioredis';
import { utcDay } from './db.ts';
import type { Turn } from './memory.ts';
import { BoundedMemory, type MemoryLimits, type MemoryStore, type UsageStore } from './stores.ts';

/**
 * Memory in Redis: one list per user, trimmed to the last `turns` turns, whose key expires after `idleMs` without a
 * new turn (Redis does the expiry). Shared by every assistant replica using the same Redis.
 */
export class RedisMemory extends BoundedMemory implements MemoryStore {
  private readonly redis: Redis;
  constructor(redis: Redis, limits: MemoryLimits) {
    super(limits);
    this.redis = redis;
  }

  private key = (telegramId: number) => `assistant:turns:${telegramId}`;

  async recent(telegramId: number): Promise<Turn[]> {
    if (this.limits.turns === 0) return [];
    const raw = await this.redis.lrange(this.key(telegramId), -this.limits.turns, -1);
    return raw.map((r) => JSON.parse(r) as Turn);
  }

  async remember(telegramId: number, question: string, answer: string): Promise<void> {
    const at = Date.now();
    const key = this.key(telegramId);
    await this.redis
      .multi()
      .rpush(
        key,
        JSON.stringify({ role: 'user', text: question, at }),
        JSON.stringify({ role: 'assistant', text: answer, at }),
      )
      .ltrim(key, -this.kept, -1)
      .pexpire(key, this.limits.idleMs)
      .exec();
  }

  async reset(telegramId: number): Promise<number> {
    const result = await this.redis.multi().llen(this.key(telegramId)).del(this.key(telegramId)).exec();
    return Number(result?.[0]?.[1] ?? 0);
  }
}

// INCR under the limit or not at all, in one step on the server, so two replicas cannot both take the last message.
const TAKE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], 172800) end
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return 0
end
return 1`;

/** Quotas and token spend in Redis, per UTC day; keys expire after two (messages) or eight (tokens) days. */
export class RedisUsage implements UsageStore {
  private readonly redis: Redis;
  constructor(redis: Redis) {
    this.redis = redis;
  }

  async tryTakeMessage(telegramId: number, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    return (await this.redis.eval(TAKE, 1, `assistant:messages:${utcDay(Date.now())}:${telegramId}`, limit)) === 1;
  }

  async addTokens(model: string, input: number, output: number): Promise<void> {
    const key = `assistant:tokens:${utcDay(Date.now())}`;
    await this.redis
      .multi()
      .hincrby(key, `${model}:input`, input)
      .hincrby(key, `${model}:output`, output)
      .expire(key, 8 * 86_400)
      .exec();
  }

  async tokensToday(): Promise<number> {
    const values = await this.redis.hvals(`assistant:tokens:${utcDay(Date.now())}`);
    return values.reduce((sum, v) => sum + Number(v), 0);
  }
}

/**
 * Redis that fails (down, timeout) must not stop answers: no memory, no quota counted, no tokens counted, each logged
 * (a failed command; while disconnected, quietly).
 * `reset` still fails loudly, so "/reset" never claims to have forgotten what it did not.
 */
export function failOpen(
  memory: MemoryStore,
  usage: UsageStore,
  logger: Logger,
  ready: () => boolean,
): { memory: MemoryStore; usage: UsageStore } {
  const soft = async <T>(what: string, fn: () => T | Promise<T>, fallback: T): Promise<T> => {
    // While disconnected, skip at once rather than wait for the reconnection per command.
    if (!ready()) return fallback;
    try {
      return await fn();
    } catch (error) {
      logger.warn({ err: error, what }, 'redis unavailable: answering without it');
      return fallback;
    }
  };
  return {
    memory: {
      recent: (id) => soft('memory', () => memory.recent(id), []),
      remember: (id, q, a) => soft('memory', () => memory.remember(id, q, a), undefined),
      reset: (id) => memory.reset(id),
    },
    usage: {
      tryTakeMessage: (id, limit) => soft('quota', () => usage.tryTakeMessage(id, limit), true),
      addTokens: (model, input, output) => soft('tokens', () => usage.addTokens(model, input, output), undefined),
      tokensToday: () => soft('tokens', () => usage.tokensToday(), 0),
    },
  };
}
