/**
 * A token bucket per kind of call: `perMinute` tokens a minute, at most `burst` saved up, so no 60-second window
 * sees more than perMinute + burst calls. Google allows 60 reads and 60 writes a minute per service account.
 */
export class CallBudget {
  private readonly buckets: Record<'read' | 'write', { tokens: number; rate: number; burst: number; at: number }>;
  private readonly now: () => number;
  constructor(
    limits: { readsPerMinute: number; writesPerMinute: number; burst?: number },
    now: () => number = Date.now,
  ) {
    this.now = now;
    const bucket = (perMinute: number) => ({
      tokens: limits.burst ?? 3,
      rate: perMinute / 60_000,
      burst: limits.burst ?? 3,
      at: now(),
    });
    this.buckets = { read: bucket(limits.readsPerMinute), write: bucket(limits.writesPerMinute) };
  }

  /** Takes one call's token if there is one. */
  take(kind: 'read' | 'write'): boolean {
    const b = this.buckets[kind];
    const t = this.now();
    b.tokens = Math.min(b.burst, b.tokens + (t - b.at) * b.rate);
    b.at = t;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token of this kind is available. */
  waitMs(kind: 'read' | 'write'): number {
    const b = this.buckets[kind];
    const tokens = Math.min(b.burst, b.tokens + (this.now() - b.at) * b.rate);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / b.rate);
  }
}

/** Truncated exponential backoff with jitter: min(base·2^n + random(0..base), max). */
export const backoffMs = (failures: number, baseMs: number, maxMs: number, random: () => number = Math.random) =>
  Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1) + random() * baseMs);
