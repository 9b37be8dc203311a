import type { GatewayAppOptions } from '../app.ts';

/** What a handler worker is started with: the main thread's app options that can cross to a thread. */
export type HandlerWorkerData = {
  options: Omit<GatewayAppOptions, 'logger' | 'readiness' | 'handlerWorkers' | 'handlerThread'>;
  logLevel: string;
};
