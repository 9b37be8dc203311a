import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type SyncMetrics = ReturnType<typeof createSyncMetrics>;

/** The sync's metrics on the sheets registry; gauges that read state are wired by the engine (`collect`). */
export function createSyncMetrics(registry: Registry) {
  const registers = [registry];
  return {
    googleRequests: new Counter({
      name: 'sheets_google_requests_total',
      help: 'Google Sheets API requests made, by method (values.batchGet, values.append, ...) and HTTP status (or network).',
      labelNames: ['method', 'status'],
      registers,
    }),
    quotaErrors: new Counter({
      name: 'sheets_google_quota_errors_total',
      help: 'Google Sheets API answers 429 RESOURCE_EXHAUSTED.',
      registers,
    }),
    pullDuration: new Histogram({
      name: 'sheets_pull_duration_seconds',
      help: 'One pull: the batchGet of every tab and applying the managers\u2019 changes.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    pullLastSuccess: new Gauge({
      name: 'sheets_pull_last_success_timestamp_seconds',
      help: 'When a pull last succeeded (Unix time).',
      registers,
    }),
    writeLag: new Histogram({
      name: 'sheets_write_lag_seconds',
      help: 'From a write entering the outbox to it landing in the Sheet.',
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers,
    }),
    cellsUsed: new Gauge({
      name: 'sheets_cells_used',
      help: 'Cells of the spreadsheet\u2019s grids (every tab, empty cells included): what Google counts toward its limit.',
      registers,
    }),
    cellsLimit: new Gauge({
      name: 'sheets_cells_limit',
      help: 'Cells Google allows in one spreadsheet (10 million).',
      registers,
    }),
    archivedRows: new Counter({
      name: 'sheets_archived_rows_total',
      help: 'Rows the archive took out of the Sheet (SQLite keeps them), by tab.',
      labelNames: ['tab'],
      registers,
    }),
    rows: new Gauge({
      name: 'sheets_rows',
      help: 'Rows per tab in the Sheet, as of the last pull.',
      labelNames: ['tab'],
      registers,
    }),
  };
}
