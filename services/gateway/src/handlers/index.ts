import type { GatewayAppOptions } from '../app.ts';
import { HandlerWorkerPool, type WorkerPoolOptions } from './worker-pool.ts';

/**
 * The handler workers of the embedded gateway (GATEWAY_HANDLER_WORKERS > 0), or undefined to handle on the main
 * thread. Each worker gets the app's options that can cross to a thread and builds the same bot from them.
 */
export function startHandlerWorkers(
  opts: GatewayAppOptions,
  parts: Pick<WorkerPoolOptions, 'gate' | 'registry' | 'onStaffKick' | 'onBroadcastWake'>,
): HandlerWorkerPool | undefined {
  const { logger, readiness: _readiness, handlerWorkers, handlerThread, ...options } = opts;
  if (!handlerWorkers || handlerThread) return undefined;
  return new HandlerWorkerPool({
    ...parts,
    size: handlerWorkers,
    logger,
    // Neither the change-event consumer nor the broadcast sender runs in a worker: the main thread has them.
    workerData: {
      options: { ...options, events: { enabled: false }, broadcast: { ...options.broadcast, sender: false } },
      logLevel: logger.level,
    },
  });
}
