import { Redis } from 'ioredis';

/**
 * One ioredis connection for the gateway's shared state. Commands wait for a reconnect rather than fail at once,
 * but not forever (a webhook answer must not hang on a Redis outage).
 */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5000,
    lazyConnect: false,
  });
}

/** Key prefix for every key the gateway keeps in Redis (several bots may share one server). */
export const keyPrefix = (botId: number) => `mb:${botId}`;
