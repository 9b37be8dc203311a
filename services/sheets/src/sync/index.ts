import type { Logger, ReadinessCheck } from '@mb/service-kit';
import { Gauge, type Registry } from 'prom-client';
import type { BadRowRegistry } from '../domain/catalog.ts';
import type { Workbook } from '../store/workbook.ts';
import { SheetsSync, type SyncOptions } from './engine.ts';
import { createSheetsApi, type GoogleConfig } from './google-client.ts';
import { createSyncMetrics } from './metrics.ts';
import { Outbox } from './outbox.ts';

export { SheetsSync, type SyncOptions, type SyncStatus } from './engine.ts';
export type SheetsSyncConfig = { google: GoogleConfig } & SyncOptions;

/**
 * The sync's parts on the service's registry: the engine (when a spreadsheet is configured), the outbox-age and
 * bad-row gauges (always: the catalog's parse problems count too), and a /readyz check.
 */
export function createSheetsSync(
  deps: { wb: Workbook; registry: Registry; logger: Logger; badRows: BadRowRegistry },
  config: SheetsSyncConfig | undefined,
) {
  const metrics = createSyncMetrics(deps.registry);
  const sync = config
    ? new SheetsSync(
        { wb: deps.wb, api: createSheetsApi(config.google, metrics), metrics, logger: deps.logger },
        config,
      )
    : null;
  const outbox = new Outbox(deps.wb.db);
  new Gauge({
    name: 'sheets_outbox_oldest_age_seconds',
    help: 'Age of the oldest write still waiting in the outbox (0 when empty).',
    registers: [deps.registry],
    collect() {
      this.set(outbox.oldestAgeSeconds());
    },
  });
  new Gauge({
    name: 'sheets_bad_rows',
    help: 'Rows skipped because a cell could not be read (junk in a date or enum cell, a missing id), by tab.',
    labelNames: ['tab'],
    registers: [deps.registry],
    collect() {
      this.reset();
      const counts: Record<string, number> = { ...deps.badRows.countByTab() };
      for (const [tab, n] of Object.entries(sync?.badRowCounts() ?? {})) counts[tab] = (counts[tab] ?? 0) + n;
      for (const [tab, n] of Object.entries(counts)) this.set({ tab }, n);
    },
  });
  new Gauge({
    name: 'sheets_bad_values',
    help: 'Cells of the Sheet holding a value their column does not allow (their rows are not applied), by tab and column.',
    labelNames: ['tab', 'column'],
    registers: [deps.registry],
    collect() {
      this.reset();
      for (const { tab, column, n } of sync?.badValueCounts() ?? []) this.set({ tab, column }, n);
    },
  });
  /** Ready while the replica serves; the detail tells whether Google answers, and what is wrong with the Sheet. */
  const readiness: ReadinessCheck = async () => {
    if (!sync)
      return {
        ok: true,
        detail: { mode: 'local', note: 'no spreadsheet configured: the SQLite workbook is the whole store' },
      };
    const s = sync.status();
    return {
      ok: true,
      detail: {
        mode: 'google',
        google: s.reachable ? 'reachable' : 'unreachable',
        lastPullAt: s.lastPullAt,
        lastError: s.lastError,
        outbox: s.outbox,
        problems: s.problems,
        badRows: s.badRows.length,
        // what a manager has to correct: tab, row id, column and the value typed (the first 50)
        badValues: s.badValues.slice(0, 50).map(({ tab, id, column, value }) => ({ tab, id, column, value })),
      },
    };
  };
  return { sync, metrics, readiness };
}
