import { randomBytes } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import {
  createHttpServer,
  createRegistry,
  type Logger,
  type ReadinessCheck,
  registerLogSecrets,
  runWithContext,
} from '@mb/service-kit';
import { Api } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { Counter, Gauge, Histogram } from 'prom-client';
import { createAssistantChat } from './assistant/index.ts';
import type { StreamPacing } from './assistant/stream-to-chat.ts';
import { setupCommands } from './bot/commands.ts';
import { createFunnelMetrics } from './bot/funnel-metrics.ts';
import { createI18n } from './bot/i18n.ts';
import { createBot } from './bot/index.ts';
import { staffChatId as resolveStaffChat } from './bot/staff-chat.ts';
import { type BroadcastOptions, createBroadcasting } from './broadcast/setup.ts';
import { createClients } from './clients/index.ts';
import { EventConsumer } from './events/consumer.ts';
import { createEventHandlers } from './events/handlers/index.ts';
import { privacyHandlers } from './events/handlers/privacy.ts';
import { ticketHandlers } from './events/handlers/tickets.ts';
import { miniAppApiRoute } from './miniapp-api/http.ts';
import { createMiniAppLimiters, MINIAPP_LIMITS, type MiniAppLimits } from './miniapp-api/limits.ts';
import { miniAppContextFactory } from './miniapp-api/trpc.ts';
import { keyPrefix } from './redis/connection.ts';
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
};

export type GatewayRole = 'webhook' | 'handler' | 'all';

/** Builds the gateway (bot, webhook, Mini App API, static app) without listening; main.ts and tests share it. */
export function createGatewayApp(opts: GatewayAppOptions) {
  const sandbox = !opts.botToken;
  // In sandbox mode the token only signs Mini App initData; it never leaves the process.
  const botToken = opts.botToken ?? `${SANDBOX_BOT.id}:sandbox-${randomBytes(18).toString('base64url')}`;
  const webhookSecret = opts.webhookSecret ?? randomBytes(32).toString('base64url');
  const botInfo = opts.botInfo ?? SANDBOX_BOT;
  // No log line of this process carries these, whatever object or message they hid in (service-kit logger).
  registerLogSecrets(botToken, webhookSecret, opts.internalToken);
  const metrics = createRegistry('gateway');
  const { registry } = metrics;
  const clients = createClients({
    sheetsUrl: opts.sheetsUrl,
    assistantUrl: opts.assistantUrl,
    token: opts.internalToken,
    metrics,
    ...(opts.serviceTimeouts ? { timeouts: opts.serviceTimeouts } : {}),
  });
  // Sandbox: Telegram emulated in-process (Bot API answers, chats for the /sandbox page, updates to our webhook).
  const sandboxApi = sandbox ? new SandboxTelegram(botInfo) : undefined;
  for (const person of sandboxApi ? SANDBOX_PEOPLE : []) sandboxApi!.addUser(person);
  const staffChatId = opts.staffChatId ?? (sandbox ? SANDBOX_STAFF_CHAT_ID : undefined);

  const apiMetrics = apiMetricsTransformer(registry);
  // Broadcasts, the shared sending budget and (with REDIS_URL) the state replicas share; see docs/scaling.md.
  const broadcasting = createBroadcasting({
    ...opts.broadcast,
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
    ...(opts.replicaId ? { replica: opts.replicaId } : {}),
    journalPath: opts.dbPath,
    token: botToken,
    botId: botInfo.id,
    botUsername: botInfo.username,
    apiRoot: opts.apiRoot,
    sheets: clients.sheets,
    logger: opts.logger,
    registry,
    t: (locale, key) => i18n.t(locale, key),
    apiTransformers: [apiMetrics, ...(sandboxApi ? [sandboxApi.transformer] : [])],
  });
  const funnel = createFunnelMetrics(registry);
  // Requests: the staff-chat queue calls Telegram without auto-retry, so a 429 comes back to the queue (docs/requests.md).
  const staffApi = new Api(botToken, { apiRoot: opts.apiRoot });
  for (const t of [apiMetrics, ...(sandboxApi ? [sandboxApi.transformer] : [])]) staffApi.config.use(t);
  const desk = new TicketDesk({
    staffApi,
    sheets: clients.sheets,
    store: new TicketStore(opts.dbPath),
    staffChat: (): Promise<number | null> => resolveStaffChat(botDeps),
    i18n: createI18n(),
    logger: opts.logger,
    registry,
  });
  const requests = {
    desk,
    conversations:
      broadcasting.sharedStorage<never>('conversations') ?? new SqliteStorage<never>(opts.dbPath, 'conversations'),
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
    requests,
    assistantChat,
    ...(staffChatId !== undefined ? { staffChatOverride: staffChatId } : {}),
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
    // With REDIS_URL every replica counts a user's updates in the same window.
    flood: { ...opts.flood, ...(broadcasting.redis ? { redis: broadcasting.redis } : {}) },
    transformers: [apiMetrics, broadcasting.priority, ...retryAndBlocked],
    conversationTransformers: retryAndBlocked,
  });

  // Pending updates and delivery errors as Telegram sees them; main.ts starts the polling.
  const webhookInfo = createWebhookInfoPoller({ api: bot.api, registry, logger: opts.logger });

  const handlerDuration = new Histogram({
    name: 'gateway_update_handler_duration_seconds',
    help: 'Time to handle one update after it was acknowledged, by update type.',
    labelNames: ['type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'gateway_update_retries_total',
    help: 'Handling attempts of an update that failed on a dependency (sheets, assistant) and were retried, by type.',
    labelNames: ['type'],
    registers: [registry],
  });
  const handlerErrors = new Counter({
    name: 'gateway_update_errors_total',
    help: 'Updates whose handler failed, by type.',
    labelNames: ['type'],
    registers: [registry],
  });
  const role = opts.role ?? 'all';
  if (role !== 'all' && !broadcasting.redis)
    throw new Error(`GATEWAY_ROLE=${role} needs REDIS_URL: without it one process acknowledges and handles`);
  const handles = role !== 'webhook';
  const serves = role !== 'handler';
  const handleOnce = async (update: Update): Promise<void> => {
    const type = updateType(update);
    const end = handlerDuration.startTimer({ type });
    await runWithContext({ requestId: `update-${update.update_id}`, updateId: update.update_id }, async () => {
      try {
        await bot.handleUpdate(update);
      } catch (error) {
        // A dependency error goes back to the retrier: the update is kept and handled again.
        if (isDependencyError(error)) throw error;
        handlerErrors.inc({ type });
        opts.logger.error({ err: rootError(error), updateId: update.update_id, updateType: type }, 'update failed');
      } finally {
        end();
      }
    });
  };
  const i18n = createI18n();
  // Sheets or the assistant down or stalled: the update is kept and retried with backoff, its chat waiting behind it.
  const retrier = new UpdateRetrier({
    handle: handleOnce,
    ...(opts.retry ? { policy: opts.retry } : {}),
    notify: async (update, what) => {
      const chat = privateChatOf(update);
      if (chat === undefined) return;
      await bot.api.sendMessage(chat.id, i18n.t(chat.locale, what === 'waiting' ? 'update-waiting' : 'update-gave-up'));
    },
    onRetry: (update, error, attempt, pauseMs) => {
      retries.inc({ type: updateType(update) });
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
  const inbox = broadcasting.inbox ?? new SqliteInbox(opts.dbPath);
  let dispatcher: UpdateHandling;
  let consumer: RedisUpdateConsumer | undefined;
  if (broadcasting.redis) {
    // REDIS_URL: the inbox is a Redis stream; any number of handler processes consume it (docs/scaling.md).
    const c = new RedisUpdateConsumer({
      redis: broadcasting.redis,
      prefix: keyPrefix(botInfo.id),
      name: broadcasting.replica,
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
        await handleUpdate(update);
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
  new Gauge({
    name: 'gateway_updates_queued',
    help: 'Updates acknowledged and waiting for or in their handler.',
    registers: [registry],
    collect() {
      this.set(dispatcher.queued);
    },
  });
  const webhookMetrics = {
    received: new Counter({
      name: 'gateway_updates_total',
      help: 'Updates accepted from Telegram, by type.',
      labelNames: ['type'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'gateway_updates_duplicate_total',
      help: 'Repeated update_ids dropped.',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'gateway_webhook_rejected_total',
      help: 'Webhook requests refused, by reason (secret, malformed, too_large, aborted).',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };

  const miniAppLimits = { ...MINIAPP_LIMITS, ...opts.miniAppLimits };
  const limiters = createMiniAppLimiters({
    limits: miniAppLimits,
    prefix: keyPrefix(botInfo.id),
    ...(broadcasting.redis ? { redis: broadcasting.redis } : {}),
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
              metrics: webhookMetrics,
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
      ...(broadcasting.redis ? { redis: async () => ({ ok: (await broadcasting.redis!.ping()) === 'PONG' }) } : {}),
    },
  });

  // Change events from sheets (approvals, Sheet edits, participations) turned into messages; see docs/bot.md.
  const events = new EventConsumer({
    sheets: clients.sheets,
    handlers: { ...createEventHandlers(), ...ticketHandlers(desk), ...privacyHandlers(clients.assistant, requests) },
    deps: {
      api: bot.api,
      sheets: clients.sheets,
      logger: opts.logger,
      t: (l, k, v) => i18n.t(l, k, v),
      publicUrl: opts.publicUrl,
      staffChat: () => resolveStaffChat(botDeps),
    },
    logger: opts.logger,
    registry,
    ...(opts.events?.idleMs !== undefined ? { idleMs: opts.events.idleMs } : {}),
  });
  // With REDIS_URL only the replica holding the leader lock consumes events; the others take over if it goes away.
  if (opts.events?.enabled !== false && handles)
    server.on('listening', () =>
      broadcasting.leader
        ? broadcasting.leader.run(
            () => events.start(),
            () => events.stop(),
          )
        : events.start(),
    );
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
    await events.stop();
    await desk.queue.stop();
    // Updates waiting for a retry stay in the inbox: handled after the next start (or by another consumer).
    retrier.stop();
    // The Redis consumer finishes the update of each chat it is in and hands the rest to the group.
    await (consumer ? consumer.stop() : dispatcher.idle());
    await assistantChat.jobs.idle();
    await inbox.close();
    await broadcasting.quit();
    desk.store.close();
    if (requests.conversations instanceof SqliteStorage) requests.conversations.close();
  };
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
    retrier,
    role,
    inbox,
    resume,
    close,
    webhookInfo,
    events,
    setup,
    broadcasting,
    desk,
  };
}
