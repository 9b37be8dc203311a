import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { type RateGate, replyReserve, type Slot } from '../broadcast/rate-gate.ts';

/** A reservation a dead replica never released stops counting after this long. */
const IN_FLIGHT_MS = 30_000;
const MAX_POLL_MS = 50;

// Server time (TIME) keeps replicas with skewed clocks in one window.
const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: window, pause. ARGV: limit, windowMs, member, inFlightMs, force. Returns ms to wait (0: slot taken). */
const ACQUIRE = `${NOW}
local limit, windowMs, member, inFlight, force = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5] == '1'
if not force then
  local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
  if pausedUntil > now then return pausedUntil - now end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
if not force and redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + windowMs - now)
end
redis.call('ZADD', KEYS[1], now + inFlight, member)
redis.call('PEXPIRE', KEYS[1], windowMs + inFlight)
return 0`;

/** KEYS: window, chat (or ''). ARGV: member, used, chatGapMs. Stamps the finish time (or drops an unused slot). */
const RELEASE = `${NOW}
if ARGV[2] == '1' then redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1]) else redis.call('ZREM', KEYS[1], ARGV[1]) end
if KEYS[2] ~= '' then redis.call('SET', KEYS[2], now, 'PX', tonumber(ARGV[3])) end
return 0`;

/** KEYS: pause. ARGV: ms. Only ever extends a pause in force. */
const PAUSE = `${NOW}
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return 0`;

/** KEYS: chat. ARGV: chatGapMs, inFlightMs. Returns ms to wait (0: the chat is now held). */
const HOLD_CHAT = `${NOW}
local last = redis.call('GET', KEYS[1])
if last then
  local ttl = redis.call('PTTL', KEYS[1])
  return math.max(1, ttl)
end
redis.call('SET', KEYS[1], 'in-flight', 'PX', tonumber(ARGV[2]))
return 0`;

/**
 * The gate shared by every replica: the one-second window is a sorted set in Redis, updated by Lua scripts (atomic),
 * so two replicas together stay within the limit; a 429's pause and the per-chat gap are Redis keys too.
 */
export class RedisRateGate implements RateGate {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly chatGapMs: number;
  private readonly replica: string;
  private seq = 0;

  constructor(opts: {
    redis: Redis;
    prefix: string;
    limit: number;
    replica: string;
    windowMs?: number;
    chatGapMs?: number;
  }) {
    this.redis = opts.redis;
    this.prefix = `${opts.prefix}:rate`;
    this.limit = opts.limit;
    this.replica = opts.replica;
    this.windowMs = opts.windowMs ?? 1000;
    this.chatGapMs = opts.chatGapMs ?? 1000;
  }

  private chatKey = (chatId: number) => `${this.prefix}:chat:${chatId}`;

  private async take(force: boolean): Promise<{ wait: number; member: string }> {
    const member = `${this.replica}:${process.pid}:${++this.seq}`;
    const limit = force ? this.limit : this.limit - replyReserve(this.limit);
    const wait = (await this.redis.eval(
      ACQUIRE,
      2,
      `${this.prefix}:window`,
      `${this.prefix}:pause`,
      limit,
      this.windowMs,
      member,
      IN_FLIGHT_MS,
      force ? '1' : '0',
    )) as number;
    return { wait, member };
  }

  private slot(member: string, heldChat?: number): Slot {
    return {
      release: async (opts = {}) => {
        const chatId = opts.chatId ?? heldChat;
        await this.redis.eval(
          RELEASE,
          2,
          `${this.prefix}:window`,
          chatId === undefined ? '' : this.chatKey(chatId),
          member,
          opts.used === false ? '0' : '1',
          this.chatGapMs,
        );
      },
    };
  }

  async acquireBulk(signal?: AbortSignal): Promise<Slot> {
    for (;;) {
      if (signal?.aborted) throw new Error('aborted');
      const { wait, member } = await this.take(false);
      if (wait === 0) return this.slot(member);
      await sleep(Math.min(wait, MAX_POLL_MS), undefined, { signal });
    }
  }

  async holdChat(chatId: number): Promise<number> {
    return (await this.redis.eval(HOLD_CHAT, 1, this.chatKey(chatId), this.chatGapMs, IN_FLIGHT_MS)) as number;
  }

  async takeInteractive(chatId: number): Promise<Slot> {
    await this.redis.set(this.chatKey(chatId), 'in-flight', 'PX', IN_FLIGHT_MS);
    const { member } = await this.take(true);
    return this.slot(member, chatId);
  }

  async pause(ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, `${this.prefix}:pause`, ms);
  }

  async close(): Promise<void> {}
}
