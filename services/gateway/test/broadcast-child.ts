/**
 * A broadcast sender alone in its own process, for the kill -9 test: `node broadcast-child.ts '<json config>'`.
 * It prints `ready` once its previous run's claims are resolved and it is sending.
 */

import { createLogger, createRegistry, openSqlite } from '@mb/service-kit';
import { Api } from 'grammy';
import { AttemptJournal } from '../src/broadcast/attempt-journal.ts';
import { createBroadcastMetrics } from '../src/broadcast/metrics.ts';
import { LocalRateGate } from '../src/broadcast/rate-gate.ts';
import { BroadcastSender } from '../src/broadcast/sender.ts';
import { createClients } from '../src/clients/index.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as {
  sheetsUrl: string;
  apiRoot: string;
  token: string;
  internalToken: string;
  worker: string;
  journalPath: string;
};
const metrics = createRegistry('gateway');
const { sheets } = createClients({
  sheetsUrl: cfg.sheetsUrl,
  assistantUrl: cfg.sheetsUrl,
  token: cfg.internalToken,
  metrics,
});
const sender = new BroadcastSender({
  sheets,
  api: new Api(cfg.token, { apiRoot: cfg.apiRoot }),
  gate: new LocalRateGate({ limit: 30 }),
  journal: new AttemptJournal(openSqlite(cfg.journalPath)),
  worker: cfg.worker,
  botUsername: 'test_bot',
  t: (_locale, key) => key,
  logger: createLogger('broadcast-child', 'silent'),
  metrics: createBroadcastMetrics(metrics.registry),
  pollMs: 100,
  concurrency: 1,
});
await sender.start();
process.stdout.write('ready\n');
