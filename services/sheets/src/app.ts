import { createInternalServer, createRegistry, type Logger, registerLogSecrets } from '@mb/service-kit';
import { Gauge } from 'prom-client';
import { registerBroadcastGauge } from './domain/broadcast-gauge.ts';
import { BadRowRegistry, Catalog } from './domain/catalog.ts';
import { registerParticipationGauge } from './domain/participation-gauge.ts';
import { registerTicketGauge } from './domain/tickets.ts';
import { createSheetsRouter } from './router/index.ts';
import { openDatabase } from './store/db.ts';
import { seedIfEmpty } from './store/seed.ts';
import { Workbook } from './store/workbook.ts';
import { createSheetsSync, type SheetsSyncConfig } from './sync/index.ts';

export type SheetsAppOptions = {
  dbPath: string;
  internalToken: string;
  logger: Logger;
  seed?: boolean;
  /** Two-way sync with a Google spreadsheet (main.ts calls `sync.start()`); none: the SQLite workbook is the whole store. */
  sync?: SheetsSyncConfig;
  /** Queue bot writes for a Sheet (default true; main.ts turns it off when no spreadsheet is configured). */
  outbox?: boolean;
};

/** Builds the sheets service (database, router, HTTP server) without listening; main.ts and tests share it. */
export function createSheetsApp(opts: SheetsAppOptions) {
  // No log line of this process carries the internal token, whatever it hid in.
  registerLogSecrets(opts.internalToken);
  const db = openDatabase(opts.dbPath);
  const wb = new Workbook(db, { outbox: opts.outbox ?? true });
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
  registerParticipationGauge(metrics.registry, wb);
  registerBroadcastGauge(metrics.registry, wb);
  const sheetsSync = createSheetsSync({ wb, registry: metrics.registry, logger: opts.logger, badRows }, opts.sync);
  const router = createSheetsRouter({ wb, catalog, badRows, sync: sheetsSync.sync });
  const server = createInternalServer({
    service: 'sheets',
    router,
    internalToken: opts.internalToken,
    metrics,
    logger: opts.logger,
    readiness: {
      database: async () => {
        db.prepare('SELECT 1').get();
        return { ok: true };
      },
      sheets_sync: sheetsSync.readiness,
    },
  });
  const sync = sheetsSync.sync;
  /** Stops the sync (waiting for its call in flight), then closes the database; synchronous when there is no sync. */
  const close = (): void | Promise<void> => (sync ? sync.stop().then(() => db.close()) : db.close());
  return { server, db, wb, catalog, metrics, router, sync, close };
}
