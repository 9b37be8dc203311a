import { hostname } from 'node:os';
import type { Logger } from '@mb/service-kit';
import { Api, type StorageAdapter, type Transformer } from 'grammy';
import type { Registry } from 'prom-client';
import type { SheetsClient } from '../clients/index.ts';
import { createRedis, keyPrefix } from '../redis/connection.ts';
import { RedisInbox } from '../redis/inbox.ts';
import { LeaderLock } from '../redis/leader.ts';
import { RedisRateGate } from '../redis/rate-gate.ts';
import { createSessionStorage } from '../redis/session-storage.ts';
import type { UpdateInbox } from '../webhook/inbox.ts';
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
  redisUrl?: string;
  /** Stable name of this replica (GATEWAY_REPLICA_ID, default the host name): its inbox and its broadcast claims. */
  replica?: string;
  /** The gateway's own SQLite file (GATEWAY_DB_PATH): the broadcast attempt journal is a table in it. */
  journalPath: string;
  token: string;
  botId: number;
  botUsername: string;
  apiRoot: string;
  sheets: SheetsClient;
  logger: Logger;
  registry: Registry;
  t: Translate;
  /** Transformers every Bot API call of the gateway goes through (metrics; the sandbox's in-process API last). */
  apiTransformers: Transformer[];
};

/**
 * The shared-state side of the gateway. Without `redisUrl`: one replica, the rate gate in process, sessions in
 * memory, the update inbox left to the caller (SQLite). With it: dedupe/inbox, sessions and the rate gate in Redis,
 * so any number of replicas run behind a load balancer. The broadcast queue is the recipients table in sheets in
 * both cases (one durable claim per recipient); see docs/scaling.md.
 */
export function createBroadcasting(opts: BroadcastingOptions) {
  const replica = opts.replica ?? hostname();
  const redis = opts.redisUrl ? createRedis(opts.redisUrl) : undefined;
  const prefix = keyPrefix(opts.botId);
  const limit = opts.ratePerSecond ?? 30;
  const gate: RateGate = redis ? new RedisRateGate({ redis, prefix, limit, replica }) : new LocalRateGate({ limit });
  const inbox: UpdateInbox | undefined = redis ? new RedisInbox({ redis, prefix }) : undefined;
  const metrics = createBroadcastMetrics(opts.registry);

  const journal = new AttemptJournal(opts.journalPath);
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
    drafts: createSessionStorage<BroadcastDraft>(redis, { prefix, ttlSeconds: 3600 }),
    wake: () => sender.wake(),
    conversions: metrics.conversions,
  };
  // With several replicas, work that must run once (the change-event consumer) runs on the lock's holder only.
  const leader = redis
    ? new LeaderLock({ redis, key: `${prefix}:leader:events`, owner: `${replica}:${process.pid}`, logger: opts.logger })
    : undefined;
  let started = false;
  return {
    redis,
    gate,
    inbox,
    sender,
    botDeps,
    replica,
    leader,
    /** Storage shared by the replicas (Redis) for grammY sessions or conversations; undefined with one replica. */
    sharedStorage<T>(name: string, ttlSeconds = 7 * 86_400): StorageAdapter<T> | undefined {
      return redis ? createSessionStorage<T>(redis, { prefix: `${prefix}:${name}`, ttlSeconds }) : undefined;
    },
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
    /** Stops sending (messages in flight are recorded); `quit` closes Redis after the caller is done with it. */
    async stop() {
      await sender.stop();
      await leader?.stop();
    },
    async quit() {
      journal.close();
      await gate.close();
      await redis?.quit().catch(() => undefined);
    },
  };
}
