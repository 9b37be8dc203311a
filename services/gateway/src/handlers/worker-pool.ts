import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@mb/service-kit';
import { HANDLER_WORKER_LIMITS } from '@mb/service-kit/runtime-flags';
import type { Update } from 'grammy/types';
import { AggregatorRegistry, Counter, Gauge, type Registry } from 'prom-client';
import type { RateGate } from '../broadcast/rate-gate.ts';
import type { GatewayEnv } from '../env.ts';
import { chatKeyOf } from '../webhook/dispatcher.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { GateServer } from './thread-gate.ts';

/** GATEWAY_HANDLER_WORKERS unset: every core but the one the webhook keeps, at least one. */
export const defaultHandlerWorkers = () => Math.max(1, availableParallelism() - 1);

/**
 * The handler workers a gateway with `env` runs: none in the sandbox (its emulated Bot API lives on the main thread)
 * or with REDIS_URL (handler processes scale instead), else GATEWAY_HANDLER_WORKERS or the default. The launchers
 * choose the process's V8 flags by the same rule from the raw env (`gatewayHandsOffUpdates`, runtime-flags.ts).
 */
export const handlerWorkerCount = (
  env: Pick<GatewayEnv, 'TELEGRAM_BOT_TOKEN' | 'REDIS_URL' | 'GATEWAY_HANDLER_WORKERS'>,
): number => (env.TELEGRAM_BOT_TOKEN && !env.REDIS_URL ? (env.GATEWAY_HANDLER_WORKERS ?? defaultHandlerWorkers()) : 0);

// The worker entry beside this module, with this module's extension: `.ts` in development, `.js` when built.
const WORKER_URL = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export type WorkerPoolOptions = {
  size: number;
  /** What each worker builds its handler from (structured-cloned to the thread). */
  workerData: unknown;
  /** The one sending budget; workers take their slots from it through messages. */
  gate: RateGate;
  logger: Logger;
  /** Where the pool's gauges and restarts are counted (registered whether or not there is a pool). */
  metrics: HandlerWorkerMetrics;
  registry: Registry;
  /** A worker queued a staff-chat job / created a broadcast: wake the main thread's queue / sender. */
  onStaffKick?: () => void;
  onBroadcastWake?: () => void;
  /** How long `close` waits for the workers to finish before it terminates them (default 10 s). */
  closeTimeoutMs?: number;
};

type Pending = { update: Update; resolve: () => void; reject: (error: Error) => void };

/** Thrown for an update whose worker stopped it (shutdown during a retry's wait): it stays in the inbox. */
export class UpdateNotHandledError extends Error {
  override readonly name = 'UpdateNotHandledError';
  constructor(updateId: number) {
    super(`update ${updateId} was not handled; it stays in the inbox`);
  }
}

/** One worker thread and what it has been given and not yet finished, in the order given. */
class Slot {
  worker!: Worker;
  gate!: GateServer;
  readonly pending = new Map<number, Pending>();
  /** Starts in a row that died before they were ready: the next start waits longer. */
  failedStarts = 0;
  ready = false;
  closing = false;
  exited: Promise<void> = Promise.resolve();
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
}

/**
 * Handler workers (node:worker_threads) of the embedded gateway: the main thread verifies, dedupes, stores and
 * acknowledges; each worker runs the bot on the updates it is given. A chat always goes to the same worker (its key
 * hashed), and the dispatcher in front gives a chat's next update only after the previous one finished, so per-chat
 * order holds; `handle` resolves only when the worker has handled the update, so the inbox marks it handled then.
 *
 * A worker that dies (an uncaught error, `terminate()`) is replaced at once; what it had been given and not finished
 * is given to the replacement in the same order. The update it was in the middle of is handled again (at least once:
 * its reply may already have been sent), everything else exactly once.
 */
export class HandlerWorkerPool {
  private readonly opts: WorkerPoolOptions;
  private readonly slots: Slot[];
  private closing = false;
  private readyWaiters: Array<() => void> = [];
  private nextAsk = 1;
  private readonly asked = new Map<number, (metrics: object[]) => void>();
  private readonly restarts: Counter<'reason'>;

  constructor(opts: WorkerPoolOptions) {
    this.opts = opts;
    this.slots = Array.from({ length: opts.size }, (_, i) => new Slot(i));
    this.restarts = opts.metrics.restarts;
    opts.metrics.watch(this.slots);
    for (const slot of this.slots) this.spawn(slot);
  }

  get size(): number {
    return this.slots.length;
  }

  /** The worker threads (tests terminate one as the thread's kill -9). */
  get workers(): Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** Resolves when every worker has built its bot and takes updates (tests; updates given before simply wait). */
  ready(): Promise<void> {
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Resolves when the update was handled by a worker; rejects when it was not (it stays in the inbox). */
  handle = (update: Update): Promise<void> => {
    if (this.closing) return Promise.reject(new UpdateNotHandledError(update.update_id));
    const slot = this.slots[hash(chatKeyOf(update)) % this.slots.length]!;
    return new Promise((resolve, reject) => {
      slot.pending.set(update.update_id, { update, resolve, reject });
      slot.worker.postMessage({ t: 'update', update } satisfies ToWorker);
    });
  };

  private spawn(slot: Slot): void {
    const worker = new Worker(WORKER_URL, {
      workerData: this.opts.workerData,
      name: `handler-${slot.index}`,
      resourceLimits: { ...HANDLER_WORKER_LIMITS },
    });
    slot.worker = worker;
    slot.ready = false;
    const gate = new GateServer(this.opts.gate, (m) => worker.postMessage(m));
    slot.gate = gate;
    // Whatever the last worker of this slot was given and did not finish, in the order it was given.
    for (const p of slot.pending.values()) worker.postMessage({ t: 'update', update: p.update } satisfies ToWorker);
    let error: unknown;
    worker.on('message', (message: FromWorker) => {
      if (gate.handle(message)) return;
      switch (message.t) {
        case 'ready':
          slot.ready = true;
          slot.failedStarts = 0;
          if (this.slots.every((s) => s.ready)) for (const resolve of this.readyWaiters.splice(0)) resolve();
          return;
        case 'done':
        case 'failed': {
          const p = slot.pending.get(message.updateId);
          slot.pending.delete(message.updateId);
          if (message.t === 'done') p?.resolve();
          else p?.reject(new UpdateNotHandledError(message.updateId));
          return;
        }
        case 'metrics':
          this.asked.get(message.id)?.(message.metrics);
          this.asked.delete(message.id);
          return;
        case 'staff-kick':
          return this.opts.onStaffKick?.();
        case 'broadcast-wake':
          return this.opts.onBroadcastWake?.();
      }
    });
    worker.on('error', (e) => {
      error = e;
      this.opts.logger.error({ err: e, worker: slot.index }, 'handler worker failed');
    });
    slot.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        resolve();
        gate.releaseAll();
        if (slot.worker !== worker) return;
        const diedStarting = !slot.ready;
        slot.ready = false;
        if (this.closing || slot.closing) {
          // Stopped before it finished (close timed out): what it had stays in the inbox for the next start.
          for (const p of slot.pending.values()) p.reject(new UpdateNotHandledError(p.update.update_id));
          slot.pending.clear();
          return;
        }
        this.restarts.inc({ reason: error ? 'error' : 'exit' });
        this.opts.logger.warn(
          { worker: slot.index, code, unfinished: slot.pending.size },
          'handler worker ended; starting a replacement with its unfinished updates',
        );
        // A worker that cannot even start (bad configuration) is retried with backoff, not in a tight loop.
        if (diedStarting) slot.failedStarts++;
        const delay = slot.failedStarts === 0 ? 0 : Math.min(30_000, 100 * 2 ** slot.failedStarts);
        setTimeout(() => this.closing || this.spawn(slot), delay).unref();
      }),
    );
  }

  /**
   * What /metrics answers: this thread's registry plus every worker's counters and histograms, summed (handling,
   * tRPC and Bot API calls happen in the workers). A worker that does not answer within a second is left out.
   */
  async exposition(): Promise<string> {
    const theirs = await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<object[]>((resolve) => {
            const id = this.nextAsk++;
            const timer = setTimeout(() => {
              this.asked.delete(id);
              resolve([]);
            }, 1000);
            this.asked.set(id, (metrics) => {
              clearTimeout(timer);
              resolve(metrics);
            });
            slot.worker.postMessage({ t: 'metrics', id } satisfies ToWorker);
          }),
      ),
    );
    return AggregatorRegistry.aggregate([await this.opts.registry.getMetricsAsJSON(), ...theirs]).metrics();
  }

  /** Shutdown, first step: updates waiting for a retry give up (rejected, left in the inbox). */
  stopRetries(): void {
    for (const s of this.slots) s.worker.postMessage({ t: 'stop-retries' } satisfies ToWorker);
  }

  /**
   * Shutdown, last step: each worker finishes what it has and closes; any still running after `closeTimeoutMs` is
   * terminated, its unfinished updates left in the inbox for the next start.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.slots) {
      s.closing = true;
      s.worker.postMessage({ t: 'close' } satisfies ToWorker);
    }
    const all = Promise.all(this.slots.map((s) => s.exited));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.opts.closeTimeoutMs ?? 10_000);
    });
    if (await Promise.race([all.then(() => false), timedOut])) {
      this.opts.logger.warn('handler workers did not finish in time; terminating them');
      await Promise.all(this.slots.map((s) => s.worker.terminate()));
    }
    clearTimeout(timer);
  }
}

/** FNV-1a of the chat key: a chat always lands on the same worker. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The handler workers' metrics: registered with or without a pool (0 workers when updates are handled on this thread). */
export class HandlerWorkerMetrics {
  readonly restarts: Counter<'reason'>;
  private slots: ReadonlyArray<{ index: number; ready: boolean; pending: Map<number, unknown>; worker: Worker }> = [];

  constructor(registry: Registry) {
    const self = this;
    new Gauge({
      name: 'gateway_handler_workers',
      help: 'Handler worker threads running and ready (GATEWAY_HANDLER_WORKERS; 0: updates are handled on the main thread).',
      registers: [registry],
      collect() {
        this.set(self.slots.filter((s) => s.ready).length);
      },
    });
    new Gauge({
      name: 'gateway_handler_worker_updates',
      help: 'Updates given to a handler worker and not yet handled, by worker index.',
      labelNames: ['worker'],
      registers: [registry],
      collect() {
        for (const s of self.slots) this.set({ worker: String(s.index) }, s.pending.size);
      },
    });
    // prom-client's nodejs_heap_* are the main thread's; each worker is an isolate with a heap of its own.
    new Gauge({
      name: 'gateway_handler_worker_heap_bytes',
      help: "A handler worker's V8 heap at scrape time, by worker index and what: used (live and not yet collected), total (reserved).",
      labelNames: ['worker', 'what'],
      registers: [registry],
      async collect() {
        this.reset();
        const ready = self.slots.filter((s) => s.ready);
        const heaps = await Promise.allSettled(ready.map((s) => s.worker.getHeapStatistics()));
        heaps.forEach((heap, i) => {
          // A worker that died between the filter and the answer has no heap to show.
          if (heap.status !== 'fulfilled') return;
          const worker = String(ready[i]!.index);
          this.set({ worker, what: 'used' }, heap.value.used_heap_size);
          this.set({ worker, what: 'total' }, heap.value.total_heap_size);
        });
      },
    });
    this.restarts = new Counter({
      name: 'gateway_handler_worker_restarts_total',
      help: 'Handler workers replaced after they died, by reason (error: uncaught error; exit: ended otherwise).',
      labelNames: ['reason'],
      registers: [registry],
    });
  }

  watch(slots: HandlerWorkerMetrics['slots']): void {
    this.slots = slots;
  }
}
