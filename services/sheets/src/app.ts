import { createHttpServer, createRegistry, createTrpcHandler, internalContextFactory, type Logger } from '@mb/service-kit';
import { Gauge } from 'prom-client';
import { BadRowRegistry, Catalog } from './domain/catalog.ts';
import { registerTicketGauge } from './domain/tickets.ts';
import { createSheetsRouter } from './router/index.ts';
import { openDatabase } from './store/db.ts';
import { seedIfEmpty } from './store/seed.ts';
import { Workbook } from './store/workbook.ts';

export type SheetsAppOptions = { dbPath: string; internalToken: string; logger: Logger; seed?: boolean };

/** Builds the sheets service (database, router, HTTP server) without listening; main.ts and tests share it. */
export function createSheetsApp(opts: SheetsAppOptions) {
  const db = openDatabase(opts.dbPath);
  const wb = new Workbook(db);
  if (opts.seed !== false && seedIfEmpty(wb)) opts.logger.info('seeded an empty workbook with demo data');
  const badRows = new BadRowRegistry();
  const catalog = new Catalog(wb, badRows);
  const metrics = createRegistry('sheets');
  new Gauge({
    name: 'sheets_outbox_pending_rows',
    help: 'Writes waiting in the outbox to reach the Sheet.',
    registers: [metrics.registry],
    collect() {
      this.set(wb.outboxDepth().pending);
    },
  });
  registerTicketGauge(metrics.registry, wb);
  const router = createSheetsRouter({ wb, catalog, badRows });
  const trpc = createTrpcHandler({
    router,
    basePath: '/trpc/',
    createContext: internalContextFactory({ token: opts.internalToken, log: opts.logger, metrics }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') opts.logger.error({ err: error, procedure: path }, 'procedure failed');
    },
  });
  const server = createHttpServer({
    service: 'sheets',
    metrics,
    logger: opts.logger,
    routes: [{ path: '/trpc/', prefix: true, name: '/trpc', handler: trpc }],
    readiness: {
      database: async () => {
        db.prepare('SELECT 1').get();
        return { ok: true };
      },
    },
  });
  const close = () => db.close();
  return { server, db, wb, catalog, metrics, router, close };
}
