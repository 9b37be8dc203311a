import { randomBytes } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import {
  createHttpServer,
  createRegistry,
  type Logger,
  openSqlite,
  type ReadinessCheck,
  registerLogSecrets,
  runWithContext,
} from '@mb/service-kit';
import { Api } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { createAssistantChat } from './assistant-chat/index.ts';
import type { StreamPacing } from './assistant-chat/stream-to-chat.ts';
import { setupCommands } from './bot/commands.ts';
import { createFunnelMetrics } from './bot/funnel-metrics.ts';
import { botI18n } from './bot/i18n.ts';
import { createBot } from './bot/index.ts';
import { staffChatId as resolveStaffChat } from './bot/staff-chat.ts';
import type { RateGate } from './broadcast/rate-gate.ts';
import { type BroadcastOptions, createBroadcasting } from './broadcast/setup.ts';
import { createClients } from './clients/index.ts';
import { EventConsumer } from './events/consumer.ts';
import { createEventHandlers } from './events/handlers/index.ts';
import { privacyHandlers } from './events/handlers/privacy.ts';
import { ticketHandlers } from './events/handlers/tickets.ts';
import { startHandlerWorkers } from './handlers/index.ts';
import { createUpdateMetrics } from './metrics.ts';
import { miniAppApiRoute } from './miniapp-api/http.ts';
import { createMiniAppLimiters, MINIAPP_LIMITS, type MiniAppLimits } from './miniapp-api/limits.ts';
import { miniAppContextFactory } from './miniapp-api/trpc.ts';
import { createSharedState } from './redis/shared-state.ts';
import { RedisUpdateConsumer } from './redis/update-consumer.ts';
import { SANDBOX_STAFF_CHAT_ID, SandboxTelegram } from './sandbox/emulator.ts';
import { sandboxRoutes } from './sandbox/routes.ts';
import { SANDBOX_PEOPLE, sandboxWorkbook } from './sandbox/workbook.ts';
import { DEFAULT_WEBAPP_DIST, webappRoute } from './static.ts';
import { SqliteStorage } from './storage/sqlite-storage.ts';
import { apiMetricsTransformer } from './telegram/api-metrics.ts';
import { blockedUserTransformer } from './telegram/blocked.ts';
import type { FloodLimit } from './telegram/flood-control.ts';
import { SANDBOX_BOT } from './telegram/sandbox-api.ts';
import { createWebhookInfoPoller } from './telegram/webhook-info.ts';
import { TicketDesk } from './tickets/desk.ts';
import { TicketStore } from './tickets/staff-store.ts';
import { ChatDispatcher, type UpdateHandling } from './webhook/dispatcher.ts';
import { SqliteInbox } from './webhook/inbox.ts';
import { isDependencyError, privateChatOf, type RetryPolicy, rootError, UpdateRetrier } from './webhook/retry.ts';
import { updateType, webhookRoute } from './webhook/route.ts';

export type GatewayAppOptions = {
  logger: Logger;
  /** Unset: sandbox mode, with an in-process Bot API. */
  botToken?: string;
  botInfo?: UserFromGetMe;
  webhookSecret?: string;
  apiRoot: string;
  publicUrl: string;
  sheetsUrl: string;
  assistantUrl: string;
  internalToken: string;
  dbPath: string;
  webappDist?: string;
  /** Updates held in memory before the rest wait in the inbox (default 2000). */
  maxQueuedUpdates?: number;
  /** STAFF_CHAT_ID: overrides `staff_chat_id` in Settings. */
  staffChatId?: number;
  /** Per-user incoming flood limit (default 20 updates per 10 s). */
  flood?: FloodLimit;
  /** How often a streamed assistant answer may update the chat (drafts, edits); tests shorten it. */
  assistantPacing?: Partial<StreamPacing>;
  /** The change-event consumer: on unless `enabled: false` (GATEWAY_EVENT_CONSUMER=off on all but one replica). */
  events?: { enabled?: boolean; idleMs?: number };
  /** REDIS_URL: dedupe, sessions and the rate gate shared by every replica (docs/scaling.md). */
  redisUrl?: string;
  /** GATEWAY_REPLICA_ID: stable name of this replica (default: the host name). */
  replicaId?: string;
  broadcast?: BroadcastOptions;
  /**
   * GATEWAY_ROLE (needs `redisUrl` unless `all`): `webhook` only acknowledges updates into the Redis inbox (and serves
   * the Mini App API); `handler` only handles them (and sends broadcasts, consumes change events); `all` does both.
   */
  role?: GatewayRole;
  /** More /readyz checks (main.ts: what the start is still waiting for). */
  readiness?: Record<string, ReadinessCheck>;
  /** The Redis inbox's consumer (tests shorten the times in which a dead consumer's chats are taken over). */
  consumer?: { lockMs?: number; claimIdleMs?: number; maxConcurrent?: number };
  /** Mini App API volume limits (docs/security.md); tests lower them. */
  miniAppLimits?: Partial<MiniAppLimits>;
  /** Retries of an update that failed on a dependency (webhook/retry.ts); tests shorten them. */
  retry?: Partial<RetryPolicy>;
  /** Per-call timeouts of sheets and assistant calls (defaults 5 s and 30 s); tests shorten them. */
  serviceTimeouts?: { sheetsMs?: number; assistantMs?: number };
  /**
   * GATEWAY_HANDLER_WORKERS (without REDIS_URL, outside the sandbox): updates are handled in this many worker threads
   * while this thread acknowledges (src/handlers/, docs/scaling.md); 0 or unset handles them on this thread.
   */
  handlerWorkers?: number;
  /** Set only inside a handler worker (handlers/worker.ts): the main thread's sending budget, reached by messages. */
  handlerThread?: { gate: RateGate };
};

export type GatewayRole = 'webhook' | 'handler' | 'all';

/**
 * Builds the gateway (bot, webhook, Mini App API, static app) without listening; main.ts and tests share it. Read top
 * to bottom: identity, metrics and translations, clients, shared state, broadcasting, tickets, the bot, update
 * handling, the HTTP server, change events, then start and close.
 */
export function createGatewayApp(opts: GatewayAppOptions) {
  const role = opts.role ?? 'all';
  if (role !== 'all' && !opts.redisUrl)
    throw new Error(`GATEWAY_ROLE=${role} needs REDIS_URL: without it one process acknowledges and handles`);
  const handles = role !== 'webhook';
  const serves = role !== 'handler';

  // Identity. In sandbox mode the token only signs Mini App initData; it never leaves the process.
  const sandbox = !opts.botToken;
  const botToken = opts.botToken ?? `${SANDBOX_BOT.id}:sandbox-${randomBytes(18).toString('base64url')}`;
  const webhookSecret = opts.webhookSecret ?? randomBytes(32).toString('base64url');
  const botInfo = opts.botInfo ?? SANDBOX_BOT;
  // No log line of this process carries these, whatever object or message they hid in (service-kit logger).
  registerLogSecrets(botToken, webhookSecret, opts.internalToken);
  // The gateway's own SQLite file, one connection: the update inbox, the staff-chat queue, the broadcast attempt
  // journal and (one replica) conversations are tables in it, each store applying its own schema steps.
  const db = openSqlite(opts.dbPath);

  const metrics = createRegistry('gateway');
  const { registry } = metrics;
  const updateMetrics = createUpdateMetrics(registry);
  const funnel = createFunnelMetrics(registry);
  const apiMetrics = apiMetricsTransformer(registry);
  const i18n = botI18n();

  const clients = createClients({
    sheetsUrl: opts.sheetsUrl,
    assistantUrl: opts.assistantUrl,
    token: opts.internalToken,
    metrics,
    ...(opts.serviceTimeouts ? { timeouts: opts.serviceTimeouts } : {}),
  });
  const staffChatOverride = opts.staffChatId ?? (sandbox ? SANDBOX_STAFF_CHAT_ID : undefined);
  const staffChat = (): Promise<number | null> =>
    resolveStaffChat({ sheets: clients.sheets, ...(staffChatOverride !== undefined ? { staffChatOverride } : {}) });
  // Sandbox: Telegram emulated in-process (Bot API answers, chats for the /sandbox page, updates to our webhook).
  const sandboxApi = sandbox ? new SandboxTelegram(botInfo) : undefined;
  for (const person of sandboxApi ? SANDBOX_PEOPLE : []) sandboxApi!.addUser(person);
  const apiTransformers = [apiMetrics, ...(sandboxApi ? [sandboxApi.transformer] : [])];

  // With REDIS_URL: the Redis connection, update inbox, sessions and leader lock the replicas share (docs/scaling.md).
  const shared = createSharedState({
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
    ...(opts.replicaId ? { replica: opts.replicaId } : {}),
    botId: botInfo.id,
    logger: opts.logger,
  });
  const broadcasting = createBroadcasting({
    ...opts.broadcast,
    shared,
    ...(opts.handlerThread ? { gate: opts.handlerThread.gate } : {}),
    db,
    token: botToken,
    botUsername: botInfo.username,
    apiRoot: opts.apiRoot,
    sheets: clients.sheets,
    logger: opts.logger,
    registry,
    t: (locale, key) => i18n.t(locale, key),
    apiTransformers,
  });

  // Requests: the staff-chat queue calls Telegram without auto-retry, so a 429 comes back to the queue (docs/tickets.md).
  const staffApi = new Api(botToken, { apiRoot: opts.apiRoot });
  for (const t of apiTransformers) staffApi.config.use(t);
  const desk = new TicketDesk({
    staffApi,
    sheets: clients.sheets,
    store: new TicketStore(db),
    staffChat,
    i18n,
    logger: opts.logger,
    registry,
  });
  const tickets = {
    desk,
    conversations: shared.redis
      ? shared.sessions<never>('conversations', 7 * 86_400)
      : new SqliteStorage<never>(db, 'conversations'),
  };
  const assistantChat = createAssistantChat({
    logger: opts.logger,
    registry,
    ...(opts.assistantPacing ? { pacing: opts.assistantPacing } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.serviceTimeouts?.assistantMs ? { streamTimeoutMs: opts.serviceTimeouts.assistantMs } : {}),
  });

  const botDeps = {
    ...clients,
    logger: opts.logger,
    publicUrl: opts.publicUrl,
    funnel,
    broadcast: broadcasting.botDeps,
    tickets,
    assistantChat,
    ...(staffChatOverride !== undefined ? { staffChatOverride } : {}),
  };
  const retryAndBlocked = [
    // Bounded: a 429 longer than 30 s or a third failure is given up, never retried forever.
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }),
    // Outside the retries: sees the final answer; a 403 "blocked by the user" marks blocked_bot.
    blockedUserTransformer({
      logger: opts.logger,
      onBlocked: (telegramId) => clients.sheets.users.setBlockedBot.mutate({ telegramId, blocked: true }),
    }),
  ];
  const bot = createBot({
    token: botToken,
    botInfo,
    apiRoot: opts.apiRoot,
    ...(sandboxApi ? { fetch: sandboxApi.fetch } : {}),
    deps: botDeps,
    i18n,
    // With REDIS_URL every replica counts a user's updates in the same window.
    flood: { ...opts.flood, ...(shared.redis ? { redis: shared.redis } : {}) },
    transformers: [apiMetrics, broadcasting.priority, ...retryAndBlocked],
    conversationTransformers: retryAndBlocked,
  });
  // Pending updates and delivery errors as Telegram sees them; main.ts starts the polling.
  const webhookInfo = createWebhookInfoPoller({ api: bot.api, registry, logger: opts.logger });

  // Update handling: one attempt, retried with backoff while sheets or the assistant is down or stalled (the update
  // is kept, its chat waiting behind it).
  const handleOnce = async (update: Update): Promise<void> => {
    const type = updateType(update);
    const end = updateMetrics.handlerDuration.startTimer({ type });
    await runWithContext({ requestId: `update-${update.update_id}`, updateId: update.update_id }, async () => {
      try {
        await bot.handleUpdate(update);
      } catch (error) {
        // A dependency error goes back to the retrier: the update is kept and handled again.
        if (isDependencyError(error)) throw error;
        updateMetrics.handlerErrors.inc({ type });
        opts.logger.error({ err: rootError(error), updateId: update.update_id, updateType: type }, 'update failed');
      } finally {
        end();
      }
    });
  };
  const retrier = new UpdateRetrier({
    handle: handleOnce,
    ...(opts.retry ? { policy: opts.retry } : {}),
    notify: async (update, what) => {
      const chat = privateChatOf(update);
      if (chat === undefined) return;
      await bot.api.sendMessage(chat.id, i18n.t(chat.locale, what === 'waiting' ? 'update-waiting' : 'update-gave-up'));
    },
    onRetry: (update, error, attempt, pauseMs) => {
      updateMetrics.retries.inc({ type: updateType(update) });
      opts.logger.warn(
        { err: error, updateId: update.update_id, updateType: updateType(update), attempt, retryInMs: pauseMs },
        'update waits for a dependency; retried, its chat waits',
      );
    },
    onGiveUp: (update, error, attempts) => {
      funnel.handlerErrors.inc({ kind: 'unavailable' });
      opts.logger.error(
        { err: error, updateId: update.update_id, updateType: updateType(update), attempts },
        'update given up: a dependency stayed unavailable',
      );
    },
  });
  const handleUpdate = retrier.handle;
  const inbox = shared.inbox ?? new SqliteInbox(db);
  // GATEWAY_HANDLER_WORKERS: the bot runs in worker threads; this thread acknowledges (src/handlers/).
  const workers = startHandlerWorkers(opts, {
    // With Redis, handler processes scale instead; the sandbox's emulated Bot API lives on this thread.
    possible: !shared.redis && !sandboxApi,
    gate: broadcasting.gate,
    registry,
    onStaffKick: () => desk.queue.kick(),
    onBroadcastWake: () => broadcasting.botDeps.wake(),
  });
  let dispatcher: UpdateHandling;
  let consumer: RedisUpdateConsumer | undefined;
  if (shared.redis) {
    // REDIS_URL: the inbox is a Redis stream; any number of handler processes consume it (docs/scaling.md).
    const c = new RedisUpdateConsumer({
      redis: shared.redis,
      prefix: shared.prefix,
      name: shared.replica,
      handle: handleUpdate,
      logger: opts.logger,
      ...opts.consumer,
    });
    consumer = c;
    dispatcher = {
      push: () => undefined,
      idle: () => c.idle(),
      get queued() {
        return c.inFlight;
      },
      get inFlight() {
        return c.inFlight;
      },
    };
  } else {
    dispatcher = new ChatDispatcher(
      async (update) => {
        // Rejects only when stopped during a retry's wait: then the update stays in the inbox for the next start.
        await (workers ? workers.handle(update) : handleUpdate(update));
        await Promise.resolve(inbox.done(update.update_id)).catch((error: unknown) =>
          opts.logger.warn({ err: error, updateId: update.update_id }, 'inbox: could not mark handled'),
        );
      },
      {
        // Under overload the in-memory queue stays bounded: the rest wait in the durable inbox, in order.
        maxQueued: opts.maxQueuedUpdates ?? 2000,
        load: (ids) => inbox.bodies(ids),
        onLoadError: (error) => opts.logger.error({ err: error }, 'inbox: could not load queued updates; retrying'),
      },
    );
  }
  updateMetrics.watchQueue(dispatcher);

  const miniAppLimits = { ...MINIAPP_LIMITS, ...opts.miniAppLimits };
  const limiters = createMiniAppLimiters({
    limits: miniAppLimits,
    prefix: shared.prefix,
    ...(shared.redis ? { redis: shared.redis } : {}),
  });
  const miniApi = miniAppApiRoute({
    limits: miniAppLimits,
    createContext: miniAppContextFactory({ botToken, botUsername: botInfo.username, clients, metrics, limiters }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        opts.logger.error({ err: error, procedure: path }, 'Mini App API failed');
    },
  });

  const server = createHttpServer({
    service: 'gateway',
    metrics,
    ...(workers ? { exposition: () => workers.exposition() } : {}),
    logger: opts.logger,
    // A handler process serves only /healthz and /metrics: the webhook and the Mini App are the webhook role's.
    routes: serves
      ? [
          {
            method: 'POST',
            path: '/telegram/webhook',
            name: '/telegram/webhook',
            handler: webhookRoute({
              secret: webhookSecret,
              inbox,
              dispatcher,
              logger: opts.logger,
              metrics: updateMetrics.webhook,
            }),
          },
          { path: '/api/trpc/', prefix: true, name: '/api/trpc', handler: miniApi },
          {
            method: 'GET',
            path: '/app',
            prefix: true,
            name: '/app',
            handler: webappRoute(opts.webappDist ?? DEFAULT_WEBAPP_DIST),
          },
          // Only in sandbox mode: with a real token none of /sandbox exists.
          ...(sandboxApi
            ? sandboxRoutes({ telegram: sandboxApi, botToken, workbook: sandboxWorkbook(clients.sheets) })
            : []),
        ]
      : [],
    readiness: {
      ...opts.readiness,
      sheets: async () => ({ ok: (await clients.sheets.ping.query()).ok }),
      assistant: async () => ({ ok: (await clients.assistant.ping.query()).ok }),
      ...(shared.redis ? { redis: async () => ({ ok: (await shared.redis!.ping()) === 'PONG' }) } : {}),
    },
  });

  // Change events from sheets (approvals, Sheet edits, participations) turned into messages; see docs/bot.md.
  const events = new EventConsumer({
    sheets: clients.sheets,
    handlers: { ...createEventHandlers(), ...ticketHandlers(desk), ...privacyHandlers(clients.assistant, tickets) },
    deps: {
      api: bot.api,
      sheets: clients.sheets,
      logger: opts.logger,
      t: (l, k, v) => i18n.t(l, k, v),
      publicUrl: opts.publicUrl,
      staffChat,
    },
    logger: opts.logger,
    registry,
    ...(opts.events?.idleMs !== undefined ? { idleMs: opts.events.idleMs } : {}),
  });

  // Start: on listening. With REDIS_URL only the replica holding the leader lock consumes events; the others take
  // over if it goes away.
  if (opts.events?.enabled !== false && handles)
    server.on('listening', () =>
      shared.leader
        ? shared.leader.run(
            () => events.start(),
            () => events.stop(),
          )
        : events.start(),
    );
  if (handles) {
    server.on('listening', () => void broadcasting.start());
    server.on('listening', () => desk.queue.start());
    if (consumer) server.on('listening', () => consumer.start());
  }
  // The emulator delivers updates to our own webhook, on whatever port we end up listening.
  server.on('listening', () => {
    const address = server.address();
    if (sandboxApi && address && typeof address === 'object')
      sandboxApi.connect(`http://127.0.0.1:${address.port}/telegram/webhook`, webhookSecret);
  });
  /** Start-up (not in sandbox mode): the bot's commands and the chat menu button that opens the Mini App. */
  const setup = () => setupCommands(bot.api, (l, k) => i18n.t(l, k), opts.publicUrl);
  /** Handles updates a crash left acknowledged but unhandled. */
  const resume = async () => {
    const pending = await inbox.pending();
    for (const update of pending) dispatcher.push(update);
    return pending.length;
  };
  const close = async () => {
    await broadcasting.stop();
    await shared.leader?.stop();
    await events.stop();
    await desk.queue.stop();
    // Updates waiting for a retry stay in the inbox: handled after the next start (or by another consumer).
    retrier.stop();
    workers?.stopRetries();
    // The Redis consumer finishes the update of each chat it is in and hands the rest to the group.
    await (consumer ? consumer.stop() : dispatcher.idle());
    await workers?.close();
    await assistantChat.jobs.idle();
    await inbox.close();
    await broadcasting.quit();
    await shared.quit();
    if (db.isOpen) db.close();
  };
  return {
    server,
    bot,
    botToken,
    webhookSecret,
    sandbox,
    sandboxApi,
    clients,
    metrics,
    dispatcher,
    consumer,
    workers,
    retrier,
    role,
    inbox,
    resume,
    close,
    webhookInfo,
    events,
    setup,
    shared,
    broadcasting,
    desk,
  };
}
