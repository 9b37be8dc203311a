/**
 * A handler worker thread (GATEWAY_HANDLER_WORKERS): builds the gateway's bot with the same options as the main
 * thread and handles the updates the main thread gives it, one message each way per update. It shares nothing with
 * the main thread but the services (over HTTP), the gateway's SQLite file (conversations, the staff-chat queue) and
 * the sending budget (owned by the main thread, reached through messages: thread-gate.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '@mb/service-kit';
import { createGatewayApp } from '../app.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { ThreadRateGate } from './thread-gate.ts';
import type { HandlerWorkerData } from './worker-data.ts';

const port = parentPort!;
const data = workerData as HandlerWorkerData;
const post = (message: FromWorker) => port.postMessage(message);
const gate = new ThreadRateGate(port);
const app = createGatewayApp({
  ...data.options,
  logger: createLogger('gateway', data.logLevel),
  handlerWorkers: 0,
  handlerThread: { gate },
});
// The staff-chat queue and the broadcast sender run on the main thread; what this worker queues wakes them there.
app.desk.queue.kick = () => post({ t: 'staff-kick' });
app.broadcasting.botDeps.wake = () => post({ t: 'broadcast-wake' });

const inFlight = new Set<Promise<void>>();
port.on('message', (message: ToWorker) => {
  switch (message.t) {
    case 'gate-answer':
      return gate.answer(message);
    case 'metrics':
      // Only what this thread counts itself: counters and histograms, not the process's (CPU, memory: the main
      // thread reports those) nor gauges (they read the same process or SQLite file as the main thread's).
      void app.metrics.registry.getMetricsAsJSON().then((all) =>
        post({
          t: 'metrics',
          id: message.id,
          metrics: all.filter((m) => String(m.type) !== 'gauge' && !/^(process|nodejs)_/.test(m.name)),
        }),
      );
      return;
    case 'update': {
      const { update_id: updateId } = message.update;
      const work = app.retrier.handle(message.update).then(
        () => post({ t: 'done', updateId }),
        // Only a stop during a retry's wait rejects: the update stays in the inbox, unhandled.
        () => post({ t: 'failed', updateId }),
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      return;
    }
    case 'stop-retries':
      return app.retrier.stop();
    case 'close':
      void (async () => {
        app.retrier.stop();
        await Promise.all(inFlight);
        await app.close();
        // Ends this thread only (keep-alive sockets to the services would otherwise hold it open).
        process.exit(0);
      })();
      return;
  }
});
post({ t: 'ready' });
