import type { ReadinessCheck } from './http-server.ts';
import type { Logger } from './logger.ts';
import { retryWithBackoff } from './retry.ts';

export type DependencyChecks = Record<string, () => Promise<unknown>>;

export type DependencyWait = {
  /** Resolves once every dependency has answered; rejects only when `stop()` is called first. */
  done: Promise<void>;
  /** For /readyz: not ready while any dependency has not answered yet, with what is awaited and why. */
  readiness: ReadinessCheck;
  stop(): void;
};

/**
 * Start order is not a failure: asks each dependency (a Redis ping, another service's ping) until it answers, with
 * exponential backoff and jitter (retryWithBackoff: `minMs` doubling to `maxMs`, each pause ×1–2), logging each failure once per attempt with the next
 * delay. The service listens meanwhile; /readyz says what it is waiting for, and the work that needs the
 * dependencies starts when `done` resolves.
 */
export function waitForDependencies(
  checks: DependencyChecks,
  opts: { logger: Logger; minMs?: number; maxMs?: number },
): DependencyWait {
  const controller = new AbortController();
  const minMs = opts.minMs ?? 250;
  const maxMs = opts.maxMs ?? 10_000;
  const waiting = new Map<string, { since: string; attempts: number; lastError: string }>();
  const since = new Date().toISOString();
  const one = async (name: string, check: () => Promise<unknown>) => {
    await retryWithBackoff(check, {
      minMs,
      maxMs,
      signal: controller.signal,
      onRetry: ({ error, attempt, delayMs }) => {
        const lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        waiting.set(name, { since, attempts: attempt, lastError });
        opts.logger.warn(
          { dependency: name, attempt, error: lastError, retryInMs: delayMs },
          'waiting for a dependency',
        );
      },
    });
    const attempts = (waiting.get(name)?.attempts ?? 0) + 1;
    if (attempts > 1) opts.logger.info({ dependency: name, attempts }, 'dependency answers: going on');
    waiting.delete(name);
  };
  for (const name of Object.keys(checks)) waiting.set(name, { since, attempts: 0, lastError: 'not asked yet' });
  const done = Promise.all(Object.entries(checks).map(([name, check]) => one(name, check))).then(() => undefined);
  // A stop while waiting is not an error anyone has to handle twice.
  done.catch(() => undefined);
  return {
    done,
    readiness: async () =>
      waiting.size === 0 ? { ok: true } : { ok: false, detail: { waitingFor: Object.fromEntries(waiting) } },
    stop: () => controller.abort(),
  };
}
