import { callErrorCode, type Logger } from '@mb/service-kit';
import { TRPCClientError } from '@trpc/client';
import { GrammyError, HttpError } from 'grammy';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StaffJob, TicketStore } from './staff-store.ts';

/** At most `perMinute` sends a minute to the staff group (Telegram allows 20 per group), with bursts up to that. */
export class MinuteLimiter {
  private readonly perMinute: number;
  private tokens: number;
  private last: number;
  constructor(perMinute: number, now = Date.now()) {
    this.perMinute = perMinute;
    this.tokens = perMinute;
    this.last = now;
  }
  /** Milliseconds to wait before the next send (0 when one may go now, and then it is counted). */
  take(now = Date.now()): number {
    this.tokens = Math.min(this.perMinute, this.tokens + (Math.max(0, now - this.last) * this.perMinute) / 60_000);
    this.last = Math.max(this.last, now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
  }
}

const MAX_TELEGRAM_ATTEMPTS = 5;

export type StaffQueueOptions = {
  store: TicketStore;
  run: (job: StaffJob) => Promise<void>;
  logger: Logger;
  registry: Registry;
};

/**
 * The staff-chat queue: jobs are stored in SQLite before anything is sent and run one at a time, oldest first.
 * A 429 holds the queue for `retry_after` and retries the same job (nothing is dropped); network and service
 * errors back off and retry without limit; a job Telegram refuses outright (400/403) five times is set aside as
 * failed (kept in the table, counted in the gauge).
 */
export class StaffQueue {
  private readonly opts: StaffQueueOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private readonly retries: Counter;

  constructor(opts: StaffQueueOptions) {
    this.opts = opts;
    const store = opts.store;
    new Gauge({
      name: 'gateway_staff_queue_jobs',
      help: 'Staff-chat jobs (request topics, messages, renames, notices) by state: pending or failed.',
      labelNames: ['state'],
      registers: [opts.registry],
      collect() {
        const c = store.counts();
        this.set({ state: 'pending' }, c.pending);
        this.set({ state: 'failed' }, c.failed);
      },
    });
    this.retries = new Counter({
      name: 'gateway_staff_queue_retries_total',
      help: 'Staff-chat jobs put back for a retry, by reason (429, telegram, network, other).',
      labelNames: ['reason'],
      registers: [opts.registry],
    });
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Wakes the worker (after an enqueue); a delayed head of the queue stays delayed. */
  kick(): void {
    if (this.stopped || this.running) return;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.step().finally(() => {
        this.running = null;
      });
    }, ms);
  }

  private async step(): Promise<void> {
    if (this.stopped) return;
    const { store, logger } = this.opts;
    const job = store.head();
    if (!job) return;
    const wait = job.notBefore - Date.now();
    if (wait > 0) return this.schedule(wait);
    try {
      await this.opts.run(job);
      store.done(job.id);
    } catch (error) {
      const { at, reason, give_up } = this.verdict(job, error);
      if (give_up) {
        store.fail(job.id, String(error));
        logger.error({ err: error, job: job.kind, jobId: job.id }, 'staff-chat job given up');
      } else {
        store.retryAt(job.id, at, String(error));
        this.retries.inc({ reason });
        logger.warn(
          { err: error, job: job.kind, jobId: job.id, retryInMs: at - Date.now() },
          'staff-chat job will be retried',
        );
      }
    }
    if (!this.stopped) this.schedule(0);
  }

  private verdict(job: StaffJob, error: unknown): { at: number; reason: string; give_up: boolean } {
    const backoff = (cap: number) => Date.now() + Math.min(cap, 1000 * 2 ** Math.min(job.attempts, 16));
    if (error instanceof GrammyError && error.error_code === 429) {
      return { at: Date.now() + (error.parameters.retry_after ?? 5) * 1000, reason: '429', give_up: false };
    }
    if (error instanceof GrammyError && error.error_code < 500) {
      return { at: backoff(60_000), reason: 'telegram', give_up: job.attempts + 1 >= MAX_TELEGRAM_ATTEMPTS };
    }
    // The request no longer exists (or the input is refused): retrying cannot help.
    if (error instanceof TRPCClientError && ['NOT_FOUND', 'BAD_REQUEST'].includes(callErrorCode(error)))
      return { at: 0, reason: 'other', give_up: true };
    if (error instanceof HttpError) return { at: backoff(60_000), reason: 'network', give_up: false };
    return { at: backoff(300_000), reason: 'other', give_up: false };
  }
}
