import { type DependencyWait, installShutdown, listen, runService, waitForDependencies } from '@mb/service-kit';
import { gatewayHandsOffUpdates } from '@mb/service-kit/runtime-flags';
import { Api } from 'grammy';
import { createGatewayApp } from './app.ts';
import { readEnv } from './env.ts';
import { handlerWorkerCount } from './handlers/worker-pool.ts';
import { startPolling, WebhookIsSetError } from './polling.ts';

await runService(
  'gateway',
  () => readEnv(process.env),
  async (env, logger) => {
    const botInfo = env.TELEGRAM_BOT_TOKEN
      ? await new Api(env.TELEGRAM_BOT_TOKEN, { apiRoot: env.TELEGRAM_API_ROOT }).getMe()
      : undefined;
    // What the start still waits for, in /readyz (set once the app exists; see waitForDependencies below).
    let dependencies: DependencyWait | undefined;
    const app = createGatewayApp({
      logger,
      readiness: { started: async () => (dependencies ? dependencies.readiness() : { ok: false, detail: 'starting' }) },
      ...(env.TELEGRAM_BOT_TOKEN ? { botToken: env.TELEGRAM_BOT_TOKEN } : {}),
      ...(botInfo ? { botInfo } : {}),
      ...(env.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: env.TELEGRAM_WEBHOOK_SECRET } : {}),
      ...(env.WEBAPP_DIST ? { webappDist: env.WEBAPP_DIST } : {}),
      ...(env.STAFF_CHAT_ID !== undefined ? { staffChatId: env.STAFF_CHAT_ID } : {}),
      apiRoot: env.TELEGRAM_API_ROOT,
      publicUrl: env.PUBLIC_URL,
      sheetsUrl: env.SHEETS_URL,
      assistantUrl: env.ASSISTANT_URL,
      internalToken: env.INTERNAL_TOKEN,
      dbPath: env.GATEWAY_DB_PATH,
      events: { enabled: env.GATEWAY_EVENT_CONSUMER === 'on' },
      ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
      ...(env.GATEWAY_REPLICA_ID ? { replicaId: env.GATEWAY_REPLICA_ID } : {}),
      role: env.GATEWAY_ROLE,
      handlerWorkers: handlerWorkerCount(env),
      broadcast: {
        ratePerSecond: env.BROADCAST_RATE_PER_SECOND,
        allowPaid: env.BROADCAST_ALLOW_PAID,
        pollMs: env.BROADCAST_POLL_INTERVAL_MS,
        sender: env.BROADCAST_SENDER === 'on',
      },
    });
    // The launchers chose this process's V8 flags from the same env (runtime-flags.ts): they must agree with the app.
    if ((app.workers?.size ?? 0) > 0 !== gatewayHandsOffUpdates(process.env))
      logger.warn(
        { handlerWorkers: app.workers?.size ?? 0 },
        'gatewayHandsOffUpdates (runtime-flags.ts) disagrees with the app: the launch flags were chosen for the other shape',
      );
    const port = await listen(app.server, env.GATEWAY_PORT);
    // Start order is not a failure: Redis (the inbox) and sheets may come up after the gateway; it waits for them with
    // backoff, saying so in /readyz, instead of exiting (it exited with MaxRetriesPerRequestError before).
    const redis = app.shared.redis;
    dependencies = waitForDependencies(
      {
        ...(redis ? { redis: () => redis.ping() } : {}),
        sheets: () => app.clients.sheets.ping.query(),
      },
      { logger },
    );
    logger.info(
      {
        port,
        mode: app.sandbox ? 'sandbox' : 'telegram',
        role: app.role,
        handlerWorkers: app.workers?.size ?? 0,
        bot: app.bot.botInfo.username,
      },
      'gateway listening',
    );
    await dependencies.done;
    const resumed = await app.resume();
    if (resumed > 0) logger.info({ resumed }, 'handling updates left unhandled by the last run');
    if (app.sandbox) logger.info('no TELEGRAM_BOT_TOKEN: sandbox mode, Bot API calls are answered in-process');
    app.webhookInfo.start();
    // Commands and the Mini App menu button (idempotent); the sandbox answers these calls itself, so it is skipped there.
    if (!app.sandbox)
      await app
        .setup()
        .catch((err: unknown) => logger.warn({ err }, 'could not set the bot commands and the menu button'));
    let polling: Awaited<ReturnType<typeof startPolling>> | undefined;
    if (env.GATEWAY_MODE === 'polling') {
      try {
        polling = await startPolling({ api: app.bot.api, inbox: app.inbox, dispatcher: app.dispatcher, logger });
        logger.warn('development mode: long polling (GATEWAY_MODE=polling); production uses the webhook');
      } catch (error) {
        if (!(error instanceof WebhookIsSetError)) throw error;
        console.error(error.message);
        process.exit(2);
      }
    }
    installShutdown({
      logger,
      servers: [app.server],
      cleanups: [...(polling ? [polling.stop] : []), app.webhookInfo.stop, app.close],
    });
  },
);
