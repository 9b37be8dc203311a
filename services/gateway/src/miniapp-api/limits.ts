import { createRateLimiter, type RateLimit, type RateLimiter } from '@mb/service-kit';

/**
 * What one Mini App user may do: every change (mutation) counts against `writes`, every read against `reads`; a batch
 * carries at most `maxBatch` procedures and a body at most `maxBodyBytes` (attachments never travel this way).
 */
export type MiniAppLimits = { writes: RateLimit; reads: RateLimit; maxBatch: number; maxBodyBytes: number };

export const MINIAPP_LIMITS: MiniAppLimits = {
  // A person taps; 20 changes a minute is far above that, and 100 requests in one go is far below it.
  writes: { points: 20, durationSeconds: 60 },
  // Each screen reads a few things at once; a page reloaded every second still fits.
  reads: { points: 300, durationSeconds: 60 },
  maxBatch: 10,
  maxBodyBytes: 64 * 1024,
};

export type MiniAppLimiters = { writes: RateLimiter; reads: RateLimiter };

/** The two per-user limiters; with `redis` (REDIS_URL) every replica counts in the same place. */
export function createMiniAppLimiters(opts: {
  limits?: Partial<MiniAppLimits>;
  redis?: unknown;
  prefix: string;
}): MiniAppLimiters {
  const limits = { ...MINIAPP_LIMITS, ...opts.limits };
  const shared = { prefix: opts.prefix, ...(opts.redis ? { redis: opts.redis } : {}) };
  return {
    writes: createRateLimiter({ name: 'miniapp-writes', ...limits.writes, ...shared }),
    reads: createRateLimiter({ name: 'miniapp-reads', ...limits.reads, ...shared }),
  };
}
