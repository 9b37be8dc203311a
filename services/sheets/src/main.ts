import { boundHost, installShutdown, listen, runService } from '@mb/service-kit';
import { createSheetsApp } from './app.ts';
import { readEnv } from './env.ts';
import { syncConfigFromEnv } from './sync/config.ts';

await runService(
  'sheets',
  () => readEnv(process.env),
  async (env, logger) => {
    const sync = syncConfigFromEnv(env);
    // With a spreadsheet, the Sheet is the source: no demo seed, and bot writes queue for it; without, SQLite is all.
    const app = createSheetsApp({
      dbPath: env.SHEETS_DB_PATH,
      internalToken: env.INTERNAL_TOKEN,
      logger,
      ...(sync ? { sync, seed: false } : { outbox: false }),
    });
    const port = await listen(app.server, env.SHEETS_PORT, env.BIND_HOST);
    logger.info(
      { host: boundHost(app.server), port, db: env.SHEETS_DB_PATH, sync: sync ? 'google' : 'off' },
      'sheets listening',
    );
    app.sync?.start();
    installShutdown({ logger, servers: [app.server], cleanups: [app.close] });
  },
);
