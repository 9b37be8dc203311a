import { hostname } from 'node:os';
import type { Logger } from '@mb/service-kit';
import type { StorageAdapter } from 'grammy';
import { createRedis, keyPrefix } from './connection.ts';
import { RedisInbox } from './inbox.ts';
import { LeaderLock } from './leader.ts';
import { createSessionStorage } from './session-storage.ts';

export type SharedStateOptions = {
  /** REDIS_URL: unset, one replica keeps its state in process (and in its SQLite file). */
  redisUrl?: string;
  botId: number;
  /** GATEWAY_REPLICA_ID: stable name of this replica (default: the host name). */
  replica?: string;
  logger: Logger;
};

export type SharedState = ReturnType<typeof createSharedState>;

/**
 * What the gateway's replicas share (docs/scaling.md). Without `redisUrl`: nothing; one replica, sessions in memory,
 * the update inbox left to the caller (SQLite), no leader election. With it: one Redis connection holding the update
 * inbox, sessions and conversations, and the leader lock for work that must run once.
 */
export function createSharedState(opts: SharedStateOptions) {
  const replica = opts.replica ?? hostname();
  const prefix = keyPrefix(opts.botId);
  const redis = opts.redisUrl ? createRedis(opts.redisUrl) : undefined;
  return {
    redis,
    prefix,
    replica,
    /** The Redis update inbox (dedupe and the stream the handlers consume); undefined with one replica. */
    inbox: redis ? new RedisInbox({ redis, prefix }) : undefined,
    /** With several replicas, work that must run once (the change-event consumer) runs on the lock's holder only. */
    leader: redis
      ? new LeaderLock({
          redis,
          key: `${prefix}:leader:events`,
          owner: `${replica}:${process.pid}`,
          logger: opts.logger,
        })
      : undefined,
    /** grammY session storage under `name` (none: the bot's own keys): in Redis when shared, else in memory. */
    sessions<T>(name: string | undefined, ttlSeconds: number): StorageAdapter<T> {
      return createSessionStorage<T>(redis, { prefix: name ? `${prefix}:${name}` : prefix, ttlSeconds });
    },
    /** Closes the connection, after everything using it has stopped. */
    async quit() {
      await redis?.quit().catch(() => undefined);
    },
  };
}
