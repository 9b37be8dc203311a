import type { GatewayAppOptions } from '../app.ts';
import { HandlerWorkerMetrics, HandlerWorkerPool, type WorkerPoolOptions } from './worker-pool.ts';

/**
 * The handler workers of the embedded gateway (GATEWAY_HANDLER_WORKERS > 0 and `possible`: no Redis, no sandbox), or
 * undefined to handle on the main thread. Each worker gets the app's options that can cross to a thread and builds the
 * same bot from them. The workers' metrics are registered either way.
 */
export function startHandlerWorkers(
  opts: GatewayAppOptions,
  parts: Pick<WorkerPoolOptions, 'gate' | 'registry' | 'onStaffKick' | 'onBroadcastWake'> & { possible: boolean },
): HandlerWorkerPool | undefined {
  const { logger, readiness: _readiness, handlerWorkers, handlerThread, ...options } = opts;
  const { possible, ...pool } = parts;
  const metrics = new HandlerWorkerMetrics(parts.registry);
  if (!possible || !handlerWorkers || handlerThread) return undefined;
  return new HandlerWorkerPool({
    ...pool,
    metrics,
    size: handlerWorkers,
    logger,
    // Neither the change-event consumer nor the broadcast sender runs in a worker: the main thread has them.
    workerData: {
      options: { ...options, events: { enabled: false }, broadcast: { ...options.broadcast, sender: false } },
      logLevel: logger.level,
    },
  });
}
