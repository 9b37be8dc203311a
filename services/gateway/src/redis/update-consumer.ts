import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger, retryWithBackoff } from '@mb/service-kit';
import type { Update } from 'grammy/types';
import type { Redis } from 'ioredis';
import { parseUpdate } from '../webhook/parse-update.ts';
import { ensureHandlerGroup, HANDLER_GROUP, streamKeys } from './inbox.ts';

/** KEYS: lock. ARGV: me, ttl. 1 = taken now, 2 = already ours, 0 = another consumer holds it. */
const LOCK = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 2 end
return 0`;
/** KEYS: lock, list. ARGV: me, ttl. The handled head leaves the list, only while the lock is still ours. */
const FINISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1`;
/** KEYS: lock, list. ARGV: me. 1 = released (the list is empty), 0 = more arrived meanwhile, -1 = not ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('LLEN', KEYS[2]) == 0 then redis.call('DEL', KEYS[1]) return 1 end
return 0`;
/** KEYS: lock, list, stream. ARGV: me, chat. Leaving early (shutdown): free the chat and tell the group it has work. */
const HAND_OVER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('LLEN', KEYS[2]) > 0 then redis.call('XADD', KEYS[3], '*', 'chat', ARGV[2]) end
return 1`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end return 0`;

type Entry = { id: string; chat: string; claimed: boolean };

export type UpdateConsumerOptions = {
  redis: Redis;
  /** `mb:<bot id>`. */
  prefix: string;
  /** This process's name in the group (made unique with a random suffix). */
  name: string;
  /** Handles one update; a rejection means "not now" (a dependency is down): retried with backoff, the chat waits. */
  handle: (update: Update) => Promise<void>;
  logger: Logger;
  /** Chats handled at once by this process (default 256). */
  maxConcurrent?: number;
  /** A chat's lock lives this long without renewal; a dead consumer's chats are taken over after it (default 30 s). */
  lockMs?: number;
  /** Stream entries idle this long are claimed from a consumer presumed dead (default: lockMs). */
  claimIdleMs?: number;
  /** Longest wait of one blocking read (default 1 s); also the longest a stop waits for the read. */
  blockMs?: number;
  /** Backoff of a retried update: first and longest pause (default 1 s, 30 s). */
  retryMs?: { first: number; max: number };
};

/**
 * A handler process's consumer of the update inbox in Redis (redis/inbox.ts), one of any number in the consumer group
 * `handlers`. Per-chat order across consumers: a stream entry only says "this chat has work"; the consumer that takes
 * the chat's lock handles the chat's list head-first until it is empty and only then acknowledges its entry. A consumer
 * that reads an entry of a chat another holds acknowledges it at once (the holder will reach the body: it is in the list
 * before the entry, and the lock is released only atomically with an empty list). A crashed consumer stops renewing
 * its locks; its unacknowledged entries are claimed (XAUTOCLAIM) by another after `claimIdleMs`, which takes the lock
 * once it has expired and goes on where the dead one stopped. The head leaves the list only after it was handled, so
 * nothing is lost; the one update a consumer was handling when it died is handled again (at least once), and the
 * webhook's dedupe keeps Telegram's repeats out.
 */
export class RedisUpdateConsumer {
  private readonly redis: Redis;
  private reader?: Redis;
  private readonly keys: ReturnType<typeof streamKeys>;
  readonly name: string;
  private readonly opts: UpdateConsumerOptions;
  private readonly maxConcurrent: number;
  private readonly lockMs: number;
  private readonly claimIdleMs: number;
  private readonly blockMs: number;
  private readonly retry: { first: number; max: number };
  /** Chats this process is handling now, with the stream entries to acknowledge when each is done. */
  private readonly draining = new Map<string, { ids: string[]; token: object }>();
  private readonly waiting: Entry[] = [];
  private running = false;
  private loop?: Promise<void>;
  private renewTimer?: NodeJS.Timeout;
  private lastClaim = 0;
  private slotFreed?: () => void;
  private handledCount = 0;
  private droppedCount = 0;

  constructor(opts: UpdateConsumerOptions) {
    this.opts = opts;
    this.redis = opts.redis;
    this.keys = streamKeys(opts.prefix);
    this.name = `${opts.name}:${randomBytes(4).toString('hex')}`;
    this.maxConcurrent = opts.maxConcurrent ?? 256;
    this.lockMs = opts.lockMs ?? 30_000;
    this.claimIdleMs = opts.claimIdleMs ?? this.lockMs;
    this.blockMs = opts.blockMs ?? 1000;
    this.retry = opts.retryMs ?? { first: 1000, max: 30_000 };
  }

  /** Updates this process handled since it started. */
  get handled(): number {
    return this.handledCount;
  }

  /** Stored bodies that were not updates (never written by our webhook), dropped so their chat goes on. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Chats being handled by this process now. */
  get inFlight(): number {
    return this.draining.size;
  }

  /** Starts consuming (the group is created if missing; a Redis outage is retried by the loop). */
  start(): void {
    if (this.running) return;
    this.running = true;
    // A blocking read holds its connection: the reads get one of their own.
    this.reader = this.redis.duplicate();
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.lockMs / 3)));
    this.renewTimer.unref();
    this.loop = this.readLoop();
  }

  /** Stops reading, lets each chat finish the update it is in, and hands the rest of those chats to the group. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.slotFreed?.();
    await this.loop;
    await this.idleLocal();
    clearInterval(this.renewTimer);
    this.reader?.disconnect();
  }

  /** Resolves when every update accepted into the stream so far has been handled, by any consumer. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.draining.size === 0 && this.waiting.length === 0 && (await this.redis.xlen(this.keys.stream)) === 0)
        return;
      await sleep(20);
    }
  }

  private async idleLocal(): Promise<void> {
    while (this.draining.size > 0) await sleep(20);
  }

  private async readLoop(): Promise<void> {
    let grouped = false;
    while (this.running) {
      try {
        if (!grouped) {
          await ensureHandlerGroup(this.redis, this.keys.stream);
          grouped = true;
        }
        if (this.waiting.length > 0) await this.startWaiting();
        if (this.draining.size >= this.maxConcurrent) {
          await new Promise<void>((resolve) => {
            this.slotFreed = resolve;
          });
          continue;
        }
        if (Date.now() - this.lastClaim >= Math.max(50, this.claimIdleMs / 2)) {
          this.lastClaim = Date.now();
          await this.claimStale();
        }
        const room = this.maxConcurrent - this.draining.size;
        const res = (await this.reader!.xreadgroup(
          'GROUP',
          HANDLER_GROUP,
          this.name,
          'COUNT',
          Math.min(room, 100),
          'BLOCK',
          Math.min(this.blockMs, Math.max(50, this.claimIdleMs / 2)),
          'STREAMS',
          this.keys.stream,
          '>',
        )) as Array<[string, Array<[string, string[]]>]> | null;
        for (const [, entries] of res ?? []) for (const [id, fields] of entries) this.waiting.push(entryOf(id, fields));
      } catch (error) {
        if (!this.running) break;
        this.opts.logger.warn({ err: error, consumer: this.name }, 'update stream: read failed; retrying');
        await sleep(1000);
      }
    }
  }

  /** Entries a consumer took and did not acknowledge within `claimIdleMs`: that consumer is presumed dead. */
  private async claimStale(): Promise<void> {
    let cursor = '0-0';
    for (let round = 0; round < 10; round++) {
      const [next, entries] = (await this.redis.xautoclaim(
        this.keys.stream,
        HANDLER_GROUP,
        this.name,
        this.claimIdleMs,
        cursor,
        'COUNT',
        100,
      )) as [string, Array<[string, string[]] | null>];
      for (const e of entries) if (e) this.waiting.push({ ...entryOf(e[0], e[1]), claimed: true });
      if (next === '0-0') return;
      cursor = next;
    }
  }

  private async startWaiting(): Promise<void> {
    while (this.waiting.length > 0 && this.draining.size < this.maxConcurrent) {
      const entry = this.waiting.shift()!;
      const got = await this.redis.eval(LOCK, 1, this.keys.lock(entry.chat), this.name, this.lockMs);
      if (got === 1) {
        const token = {};
        this.draining.set(entry.chat, { ids: [entry.id], token });
        void this.drain(entry.chat, token);
      } else if (got === 2) {
        // Ours in Redis: the drain running here has not released it, so it will reach this chat's new body.
        const mine = this.draining.get(entry.chat);
        if (mine) mine.ids.push(entry.id);
        else await this.ack([entry.id]);
      } else if (!entry.claimed) {
        // Another live or dead holder: its own entry stays unacknowledged until its drain ends, and is claimed if it died.
        await this.ack([entry.id]);
      }
      // A claimed entry whose chat is still locked stays ours, unacknowledged: claimed again once it idles.
    }
  }

  private async drain(chat: string, token: object): Promise<void> {
    const lock = this.keys.lock(chat);
    const list = this.keys.chat(chat);
    let release = true;
    try {
      for (;;) {
        if (!this.running) {
          await this.redis.eval(HAND_OVER, 3, lock, list, this.keys.stream, this.name, chat);
          break;
        }
        const body = await this.redis.lindex(list, 0);
        if (body === null) {
          const released = await this.redis.eval(RELEASE, 2, lock, list, this.name);
          if (released === 0) continue;
          if (released === -1) release = false;
          break;
        }
        const update = parseUpdate(body);
        if (!update) {
          // Not written by our webhook (it stores only checked updates): drop it rather than block the chat forever.
          this.opts.logger.error(
            { consumer: this.name, chat, bytes: body.length },
            'update stream: dropped a body that is not an update',
          );
          this.droppedCount++;
        } else if (!(await this.handleWithRetry(update))) continue;
        if ((await this.redis.eval(FINISH, 2, lock, list, this.name, this.lockMs)) !== 1) {
          // The lock expired under us (a stall longer than lockMs): another consumer has the chat now.
          this.opts.logger.warn({ consumer: this.name, chat }, 'update stream: lost a chat lock; leaving it');
          release = false;
          break;
        }
        if (update) this.handledCount++;
      }
      const mine = this.draining.get(chat);
      if (release && mine?.token === token) await this.ack(mine.ids);
    } catch (error) {
      // Redis unreachable: the entries stay unacknowledged and the lock expires; the chat is claimed again.
      this.opts.logger.error({ err: error, consumer: this.name, chat }, 'update stream: chat left to be claimed');
    } finally {
      if (this.draining.get(chat)?.token === token) this.draining.delete(chat);
      this.slotFreed?.();
      this.slotFreed = undefined;
    }
  }

  /** `false`: stopped while the update waited for a retry (it stays at the head of its chat's list). */
  private async handleWithRetry(update: Update): Promise<boolean> {
    try {
      await retryWithBackoff(() => this.opts.handle(update), {
        minMs: this.retry.first,
        maxMs: this.retry.max,
        jitter: false,
        shouldRetry: () => this.running,
        onRetry: ({ error, delayMs }) =>
          this.opts.logger.warn(
            { err: error, updateId: update.update_id, retryInMs: delayMs },
            'update not handled; the chat waits and it is retried',
          ),
      });
      return true;
    } catch (error) {
      if (!this.running) return false;
      throw error;
    }
  }

  private async ack(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis
      .multi()
      .xack(this.keys.stream, HANDLER_GROUP, ...ids)
      .xdel(this.keys.stream, ...ids)
      .exec();
  }

  private async renew(): Promise<void> {
    for (const chat of this.draining.keys()) {
      await this.redis.eval(RENEW, 1, this.keys.lock(chat), this.name, this.lockMs).catch(() => undefined);
    }
  }
}

function entryOf(id: string, fields: string[]): Entry {
  const i = fields.indexOf('chat');
  return { id, chat: i >= 0 ? fields[i + 1]! : 'none', claimed: false };
}
