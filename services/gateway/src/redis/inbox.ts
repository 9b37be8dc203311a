import type { Update } from 'grammy/types';
import type { Redis } from 'ioredis';
import { chatKeyOf } from '../webhook/dispatcher.ts';
import type { UpdateInbox } from '../webhook/inbox.ts';

const DAY_SECONDS = 86_400;

/** The consumer group every handler process reads the update stream with. */
export const HANDLER_GROUP = 'handlers';

/** The Redis keys of the update inbox of one bot (`prefix` = `mb:<bot id>`). */
export function streamKeys(prefix: string) {
  return {
    stream: `${prefix}:updates`,
    seen: (updateId: number | string) => `${prefix}:update:${updateId}`,
    chat: (chat: string) => `${prefix}:chat:${chat}`,
    lock: (chat: string) => `${prefix}:chatlock:${chat}`,
  };
}

/**
 * KEYS: seen key, the chat's list, the stream. ARGV: update id, body, ttl, chat. 1 = fresh (stored), 0 = seen before.
 * One atomic step: the body goes to the end of its chat's list before the stream learns that the chat has work, so
 * whoever reads the stream entry finds the body.
 */
const ACCEPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[3])) then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('XADD', KEYS[3], '*', 'chat', ARGV[4], 'update', ARGV[1])
  return 1
end
return 0`;

/** Creates the handlers' consumer group (from the stream's start, so nothing added before it is skipped). */
export async function ensureHandlerGroup(redis: Redis, stream: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, HANDLER_GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
  }
}

/**
 * The inbox with `REDIS_URL`, shared by every webhook and handler process: update ids are remembered for 24 h
 * (SET NX), so the same update delivered to two webhook replicas has one effect; the body waits in its chat's list
 * (`<prefix>:chat:<id>`) and a stream entry (`<prefix>:updates`) tells the handlers' consumer group that the chat has
 * work. Handling is `RedisUpdateConsumer` (update-consumer.ts), in any number of processes.
 */
export class RedisInbox implements UpdateInbox {
  private readonly redis: Redis;
  private readonly keys: ReturnType<typeof streamKeys>;
  private group?: Promise<void>;

  constructor(opts: { redis: Redis; prefix: string }) {
    this.redis = opts.redis;
    this.keys = streamKeys(opts.prefix);
  }

  async accept(update: Update, raw?: string): Promise<boolean> {
    this.group ??= ensureHandlerGroup(this.redis, this.keys.stream).catch((error: unknown) => {
      this.group = undefined;
      throw error;
    });
    await this.group;
    const chat = chatKeyOf(update);
    const fresh = await this.redis.eval(
      ACCEPT,
      3,
      this.keys.seen(update.update_id),
      this.keys.chat(chat),
      this.keys.stream,
      update.update_id,
      raw ?? JSON.stringify(update),
      DAY_SECONDS,
      chat,
    );
    return fresh === 1;
  }

  /** Handled updates leave their chat's list in the consumer's own step (update-consumer.ts). */
  done(): void {}

  /** Nothing waits in this process: a crashed consumer's updates are claimed from the stream by another. */
  pending(): Update[] {
    return [];
  }

  bodies(): Update[] {
    return [];
  }

  close(): void {}
}
