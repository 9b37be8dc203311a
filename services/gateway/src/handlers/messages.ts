import type { Update } from 'grammy/types';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** What the main thread tells a handler worker. */
export type ToWorker =
  | { t: 'update'; update: Update }
  /** Shutdown, first step: updates waiting for a dependency's retry give up (they stay in the inbox). */
  | { t: 'stop-retries' }
  /** Shutdown, last step: finish, close what the worker opened, and exit. */
  | { t: 'close' }
  | { t: 'gate-answer'; id: number; error?: string; value?: number }
  /** /metrics was asked: the worker's counters and histograms, to be added to the main thread's. */
  | { t: 'metrics'; id: number };

/** What a handler worker tells the main thread. */
export type FromWorker =
  | { t: 'ready' }
  /** The update was handled (or failed in a way that is not retried): the inbox may mark it handled. */
  | { t: 'done'; updateId: number }
  /** Not handled (stopped while it waited for a retry): it stays in the inbox. */
  | { t: 'failed'; updateId: number }
  | ({ t: 'gate'; id: number } & GateCall)
  /** An interactive reply took slot `slot` (the worker's number; never waits, so nothing is answered). */
  | { t: 'gate-take'; slot: number; chatId: number }
  | { t: 'gate-release'; slot: number; chatId?: number; used?: boolean }
  /** A staff-chat job was queued in the shared SQLite file: the main thread's queue sends it. */
  | { t: 'staff-kick' }
  /** A broadcast was created: the main thread's sender looks for it now. */
  | { t: 'broadcast-wake' }
  | { t: 'metrics'; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] };

/** A call of the sending budget from a worker that waits (answered by `gate-answer`: a slot's id, or ms). */
export type GateCall = { op: 'holdChat'; chatId: number } | { op: 'acquireBulk' } | { op: 'pause'; ms: number };
