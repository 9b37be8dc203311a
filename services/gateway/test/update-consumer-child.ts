/**
 * A handler process of the Redis update inbox alone, for the kill -9 test: `node update-consumer-child.ts '<json>'`.
 * Each update it handles is noted in Redis when it starts (`<prefix>:test:started`, `<name> <id>`) and when its
 * handler returned (`<prefix>:test:handled`, `<id>`); it prints `ready` once it consumes.
 */

import { createLogger } from '@mb/service-kit';
import { Redis } from 'ioredis';
import { RedisUpdateConsumer } from '../src/redis/update-consumer.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as {
  redisUrl: string;
  prefix: string;
  name: string;
  lockMs: number;
  delayMs: number;
};
const redis = new Redis(cfg.redisUrl);
const consumer = new RedisUpdateConsumer({
  redis,
  prefix: cfg.prefix,
  name: cfg.name,
  lockMs: cfg.lockMs,
  logger: createLogger('update-consumer-child', 'silent'),
  handle: async (update) => {
    await redis.rpush(`${cfg.prefix}:test:started`, `${cfg.name} ${update.update_id}`);
    await new Promise((r) => setTimeout(r, cfg.delayMs));
    await redis.rpush(`${cfg.prefix}:test:handled`, String(update.update_id));
  },
});
consumer.start();
process.stdout.write('ready\n');
