import { RedisAdapter } from '@grammyjs/storage-redis';
import { MemorySessionStorage, type StorageAdapter } from 'grammy';
import type { Redis } from 'ioredis';

/**
 * Where conversation state (grammY sessions) lives: in Redis when replicas share it, so a conversation begun on one
 * replica continues on another; in process otherwise. Entries expire after `ttlSeconds` without a write.
 */
export function createSessionStorage<T>(
  redis: Redis | undefined,
  opts: { prefix: string; ttlSeconds?: number },
): StorageAdapter<T> {
  const ttl = opts.ttlSeconds ?? 86_400;
  if (!redis) return new MemorySessionStorage<T>(ttl * 1000);
  const adapter = new RedisAdapter<T>({ instance: redis, ttl });
  const key = (k: string) => `${opts.prefix}:session:${k}`;
  return {
    read: (k) => adapter.read(key(k)),
    write: (k, v) => adapter.write(key(k), v),
    delete: (k) => adapter.delete(key(k)),
  };
}
