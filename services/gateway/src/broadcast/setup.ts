import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from '@mb/service-kit';
import { Api, type Transformer } from 'grammy';
import type { Registry } from 'prom-client';
import type { SheetsClient } from '../clients/index.ts';
import { RedisRateGate } from '../redis/rate-gate.ts';
import type { SharedState } from '../redis/shared-state.ts';
import { AttemptJournal } from './attempt-journal.ts';
import type { BroadcastBotDeps, BroadcastDraft } from './deps.ts';
import { createBroadcastMetrics } from './metrics.ts';
import { interactivePriority } from './priority.ts';
import { LocalRateGate, type RateGate } from './rate-gate.ts';
import type { Translate } from './render.ts';
import { BroadcastSender } from './sender.ts';

export type BroadcastOptions = {
  /** Global messages per second (BROADCAST_RATE_PER_SECOND); above 30 needs `allowPaid`. */
  ratePerSecond?: number;
  allowPaid?: boolean;
  pollMs?: number;
  /** Off: this replica sends no broadcasts (it still takes part in the shared budget with its replies). */
  sender?: boolean;
  concurrency?: number;
};

export type BroadcastingOptions = BroadcastOptions & {
  /** What the replicas share: with Redis the sending budget is shared too, and drafts follow the staff member. */
  shared: Pick<SharedState, 'redis' | 'prefix' | 'replica' | 'sessions'>;
  /** The gateway's own SQLite connection (GATEWAY_DB_PATH): the broadcast attempt journal is a table in it. */
  db: DatabaseSync;
  token: string;
  botUsername: string;
  apiRoot: string;
  sheets: SheetsClient;
  logger: Logger;
  registry: Registry;
  t: Translate;
  /** Transformers every Bot API call of the gateway goes through (metrics; the sandbox's in-process API last). */
  apiTransformers: Transformer[];
  /** A handler worker thread's gate (the main thread's, through messages) instead of one of its own. */
  gate?: RateGate;
};

/**
 * Broadcasts: the sender, its attempt journal and the sending budget (the rate gate: in process with one replica, in
 * Redis when replicas share it), which replies take their share of first. The broadcast queue is the recipients table
 * in sheets in both cases (one durable claim per recipient); see docs/scaling.md.
 */
export function createBroadcasting(opts: BroadcastingOptions) {
  const { redis, prefix, replica } = opts.shared;
  const limit = opts.ratePerSecond ?? 30;
  const gate: RateGate =
    opts.gate ?? (redis ? new RedisRateGate({ redis, prefix, limit, replica }) : new LocalRateGate({ limit }));
  const metrics = createBroadcastMetrics(opts.registry);

  const journal = new AttemptJournal(opts.db);
  const bulkApi = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: 30 });
  for (const t of opts.apiTransformers) bulkApi.config.use(t);
  const sender = new BroadcastSender({
    sheets: opts.sheets,
    api: bulkApi,
    gate,
    journal,
    worker: replica,
    botUsername: opts.botUsername,
    t: opts.t,
    logger: opts.logger,
    metrics,
    allowPaid: opts.allowPaid ?? false,
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
  });
  const botDeps: BroadcastBotDeps = {
    drafts: opts.shared.sessions<BroadcastDraft>(undefined, 3600),
    wake: () => sender.wake(),
    conversions: metrics.conversions,
  };
  let started = false;
  return {
    gate,
    sender,
    botDeps,
    /** Installed on the bot's API: replies take their share of the budget first. */
    priority: interactivePriority(gate),
    async start() {
      if (opts.sender === false || started) return;
      started = true;
      await sender.start().catch((error: unknown) => {
        started = false;
        opts.logger.error(
          { err: error },
          'broadcast sender could not start (sheets unreachable?); it starts with the next retry',
        );
        setTimeout(() => void this.start(), 5000).unref();
      });
    },
    /** Stops sending (messages in flight are recorded). */
    async stop() {
      await sender.stop();
    },
    /** Closes the gate, before the caller closes the shared Redis connection. */
    async quit() {
      await gate.close();
    },
  };
}
