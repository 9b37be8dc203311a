import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** At most `points` per `durationSeconds`, counted per key (a user, a chat, an address). */
export type RateLimit = { points: number; durationSeconds: number };

export type RateLimiterOptions = RateLimit & {
  /** Names the counter in Redis keys (`<prefix>:<name>:<key>`); two limiters never share a name. */
  name: string;
  /**
   * An ioredis client: the count is shared by every process using the same Redis and name. Unset: counted in this
   * process. While Redis fails, counting falls back to this process (a limit per replica, never none).
   */
  redis?: unknown;
  /** Key prefix in Redis (several bots may share one server). */
  prefix?: string;
};

export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export type RateLimiter = {
  readonly limit: RateLimit;
  /** Takes `points` (default 1) for `key`; refused when that would go over the limit. Never throws for a refusal. */
  consume(key: string | number, points?: number): Promise<RateLimitDecision>;
};

/**
 * The one rate limiter of the project (rate-limiter-flexible), with the same API in memory and on Redis. A refusal is
 * a value, not an exception, so callers cannot mistake it for an outage.
 */
export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  if (!Number.isInteger(opts.points) || opts.points < 1) throw new RangeError(`rate limit ${opts.name}: points ≥ 1`);
  if (!Number.isInteger(opts.durationSeconds) || opts.durationSeconds < 1)
    throw new RangeError(`rate limit ${opts.name}: durationSeconds ≥ 1`);
  const keyPrefix = opts.prefix ? `${opts.prefix}:${opts.name}` : opts.name;
  const base = { keyPrefix, points: opts.points, duration: opts.durationSeconds };
  const memory = new RateLimiterMemory(base);
  const limiter = opts.redis
    ? new RateLimiterRedis({ ...base, storeClient: opts.redis, insuranceLimiter: memory })
    : memory;
  return {
    limit: { points: opts.points, durationSeconds: opts.durationSeconds },
    async consume(key, points = 1) {
      try {
        const res = await limiter.consume(String(key), points);
        return { allowed: true, remaining: res.remainingPoints };
      } catch (error) {
        if (error instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, error.msBeforeNext) };
        throw error;
      }
    },
  };
}
