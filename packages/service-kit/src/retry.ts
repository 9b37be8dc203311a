import pRetry from 'p-retry';

export type RetryOptions = {
  /** First pause (ms, above 0); doubled after each failure up to `maxMs`. */
  minMs: number;
  maxMs: number;
  /** Retries after the first attempt (default: no limit; `signal` or `shouldRetry` ends it). */
  retries?: number;
  /** Each pause multiplied by a random 1–2 (default), so many waiters do not come back in step. */
  jitter?: boolean;
  /** Aborting ends the wait at once and rejects with the signal's reason (a shutdown). */
  signal?: AbortSignal;
  /** Pending pauses do not keep the process alive. */
  unref?: boolean;
  /** After each failure that will be retried: log or count it. `attempt` is 1 for the first failure. */
  onRetry?: (failure: { error: unknown; attempt: number; delayMs: number }) => void | Promise<void>;
  /**
   * false: give up now with this error (not retryable, or no longer worth waiting `delayMs` more). Default: retry
   * every error. Asked once per failure, before onRetry.
   */
  shouldRetry?: (failure: { error: unknown; attempt: number; delayMs: number }) => boolean;
};

/**
 * The one retry-with-backoff of every service (p-retry underneath): calls `fn` until it resolves, pausing `minMs`,
 * doubling to `maxMs`, with jitter unless `jitter: false`. Rejects with the last error when `shouldRetry` says no or
 * `retries` run out, or with the abort reason when `signal` aborts. A TypeError that is not a network error is a bug
 * and is never retried (p-retry's rule).
 */
export function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  // Decided once per failure, where p-retry tells the pause (0: it will not retry: a bug, or retries used up).
  let retrying = false;
  return pRetry(fn, {
    retries: opts.retries ?? Number.POSITIVE_INFINITY,
    factor: 2,
    minTimeout: opts.minMs,
    maxTimeout: opts.maxMs,
    randomize: opts.jitter ?? true,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.unref ? { unref: true } : {}),
    onFailedAttempt: async ({ error, attemptNumber, retryDelay }) => {
      retrying = retryDelay > 0 && (opts.shouldRetry?.({ error, attempt: attemptNumber, delayMs: retryDelay }) ?? true);
      if (retrying) await opts.onRetry?.({ error, attempt: attemptNumber, delayMs: retryDelay });
    },
    shouldRetry: () => retrying,
  });
}
