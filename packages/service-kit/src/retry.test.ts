import { describe, expect, it } from 'vitest';
import { retryWithBackoff } from './retry.ts';

describe('retryWithBackoff', () => {
  it('calls again until it works, telling each failure with its attempt and a pause within min..2×max', async () => {
    const seen: Array<{ attempt: number; delayMs: number; message: string }> = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        if (attempt < 4) throw new Error(`down ${attempt}`);
        return 'up';
      },
      {
        minMs: 1,
        maxMs: 4,
        onRetry: ({ error, attempt, delayMs }) => {
          seen.push({ attempt, delayMs, message: (error as Error).message });
        },
      },
    );
    expect(result).toBe('up');
    expect(seen.map((s) => [s.attempt, s.message])).toEqual([
      [1, 'down 1'],
      [2, 'down 2'],
      [3, 'down 3'],
    ]);
    for (const s of seen) {
      expect(s.delayMs).toBeGreaterThanOrEqual(1);
      expect(s.delayMs).toBeLessThanOrEqual(4);
    }
  });

  it('doubles the pause without jitter, up to the maximum', async () => {
    const delays: number[] = [];
    await expect(
      retryWithBackoff(
        async () => {
          throw new Error('still down');
        },
        { minMs: 1, maxMs: 4, jitter: false, retries: 4, onRetry: ({ delayMs }) => void delays.push(delayMs) },
      ),
    ).rejects.toThrow('still down');
    expect(delays).toEqual([1, 2, 4, 4]);
  });

  it('gives up at once with the error when shouldRetry says no, without reporting a retry', async () => {
    let calls = 0;
    let reported = 0;
    const refused = new Error('bad input');
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw refused;
        },
        { minMs: 1, maxMs: 2, shouldRetry: ({ error }) => error !== refused, onRetry: () => void reported++ },
      ),
    ).rejects.toBe(refused);
    expect([calls, reported]).toEqual([1, 0]);
  });

  it('stops waiting when aborted (a shutdown), rejecting with the reason', async () => {
    const stop = new AbortController();
    const stopped = new Error('shutting down');
    const waiting = retryWithBackoff(
      async () => {
        throw new Error('down');
      },
      { minMs: 60_000, maxMs: 60_000, signal: stop.signal, onRetry: () => stop.abort(stopped) },
    );
    await expect(waiting).rejects.toBe(stopped);
  });

  it('never retries a programming error (a TypeError)', async () => {
    let calls = 0;
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw new TypeError('x is not a function');
        },
        { minMs: 1, maxMs: 2 },
      ),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });
});
