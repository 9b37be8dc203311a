import type { Logger } from '@mb/service-kit';
import type { Redis } from 'ioredis';

/** KEYS: lock. ARGV: owner, ttl. Takes the lock if free, or extends it if already ours; 1 = we lead. */
const TAKE_OR_RENEW = `
local cur = redis.call('GET', KEYS[1])
if cur == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2])) return 1 end
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * One leader among the replicas for work that must run once (the change-event consumer): a Redis key with a TTL,
 * renewed every ttl/3 by its holder. If the leader dies, another replica takes over within one TTL. Work started on
 * winning is stopped on losing the lock (a Redis outage counts as losing it).
 */
export class LeaderLock {
  private readonly redis: Redis;
  private readonly key: string;
  private readonly owner: string;
  private readonly ttlMs: number;
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private leading = false;
  private stopped = false;
  private onLead: () => void = () => undefined;
  private onLose: () => Promise<void> | void = () => undefined;

  constructor(opts: { redis: Redis; key: string; owner: string; logger: Logger; ttlMs?: number }) {
    this.redis = opts.redis;
    this.key = opts.key;
    this.owner = opts.owner;
    this.logger = opts.logger;
    this.ttlMs = opts.ttlMs ?? 15_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  run(onLead: () => void, onLose: () => Promise<void> | void): void {
    this.onLead = onLead;
    this.onLose = onLose;
    void this.tick();
  }

  private async tick(): Promise<void> {
    let won = false;
    try {
      won = (await this.redis.eval(TAKE_OR_RENEW, 1, this.key, this.owner, this.ttlMs)) === 1;
    } catch (error) {
      this.logger.warn({ err: error }, 'leader lock: Redis unavailable');
    }
    if (this.stopped) return;
    if (won && !this.leading) {
      this.leading = true;
      this.logger.info({ lock: this.key }, 'this replica leads');
      this.onLead();
    } else if (!won && this.leading) {
      this.leading = false;
      this.logger.warn({ lock: this.key }, 'this replica no longer leads');
      await this.onLose();
    }
    this.timer = setTimeout(() => void this.tick(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
  }

  /** Stops renewing and gives the lock up at once (graceful shutdown), so another replica leads without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.leading) await this.onLose();
    this.leading = false;
    await this.redis.eval(RELEASE, 1, this.key, this.owner).catch(() => undefined);
  }
}
