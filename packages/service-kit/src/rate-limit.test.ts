import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

describe('createRateLimiter (in memory; the Redis store is tested through the gateway with a real redis-server)', () => {
  it('allows `points` per window for each key and then refuses with the time until the next point', async () => {
    const limiter = createRateLimiter({ name: 'test', points: 3, durationSeconds: 60 });
    const first = await Promise.all([1, 2, 3].map(() => limiter.consume('user-1')));
    expect(first.map((d) => d.allowed)).toEqual([true, true, true]);
    expect(first.at(-1)).toEqual({ allowed: true, remaining: 0 });
    const refused = await limiter.consume('user-1');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    // Another key has its own count.
    expect(await limiter.consume('user-2')).toEqual({ allowed: true, remaining: 2 });
  });

  it('takes several points at once and refuses a take larger than what is left', async () => {
    const limiter = createRateLimiter({ name: 'batch', points: 10, durationSeconds: 60 });
    expect(await limiter.consume(42, 8)).toEqual({ allowed: true, remaining: 2 });
    expect((await limiter.consume(42, 3)).allowed).toBe(false);
  });

  it('names a bad limit at construction', () => {
    expect(() => createRateLimiter({ name: 'x', points: 0, durationSeconds: 1 })).toThrow(/points/);
    expect(() => createRateLimiter({ name: 'x', points: 1, durationSeconds: 0.5 })).toThrow(/durationSeconds/);
  });
});
