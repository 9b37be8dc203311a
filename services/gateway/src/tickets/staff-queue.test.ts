import { describe, expect, it } from 'vitest';
import { MinuteLimiter } from './staff-queue.ts';

describe('MinuteLimiter', () => {
  it('lets a burst of the limit through, then spaces sends evenly over the minute', () => {
    const t0 = 1_000_000;
    const limiter = new MinuteLimiter(20, t0);
    for (let i = 0; i < 20; i++) expect(limiter.take(t0)).toBe(0);
    expect(limiter.take(t0)).toBe(3000);
    expect(limiter.take(t0 + 1500)).toBe(1500);
    expect(limiter.take(t0 + 3000)).toBe(0);
    expect(limiter.take(t0 + 3000)).toBe(3000);
  });

  it('refills up to the limit, not beyond', () => {
    const limiter = new MinuteLimiter(20, 0);
    for (let i = 0; i < 20; i++) limiter.take(0);
    let allowed = 0;
    while (limiter.take(3_600_000) === 0) allowed++;
    expect(allowed).toBe(20);
  });
});
