import type http from 'node:http';
import type { Logger } from './logger.ts';

/**
 * Graceful stop on SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish, then run the
 * service's own cleanups (drain queues, close databases) in order. A second signal or `timeoutMs` forces exit.
 */
export function installShutdown(opts: {
  logger: Logger;
  servers: http.Server[];
  cleanups?: Array<() => unknown>;
  timeoutMs?: number;
}): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      opts.logger.info('shutting down: draining in-flight work');
      const force = setTimeout(() => {
        opts.logger.error('shutdown timed out; exiting');
        process.exit(1);
      }, opts.timeoutMs ?? 10_000);
      force.unref();
      await Promise.all(
        opts.servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
            }),
        ),
      );
      for (const cleanup of opts.cleanups ?? []) {
        try {
          await cleanup();
        } catch (error) {
          opts.logger.error({ err: error }, 'cleanup failed during shutdown');
        }
      }
      opts.logger.info('stopped');
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    opts.logger.info({ signal }, 'signal received');
    void stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return stop;
}
