import type { SheetsEnv } from '../env.ts';
import type { SheetsSyncConfig } from './index.ts';

/** The sync's configuration from the validated env; undefined when no spreadsheet is configured (sync off). */
export function syncConfigFromEnv(env: SheetsEnv): SheetsSyncConfig | undefined {
  if (!env.GOOGLE_SHEETS_SPREADSHEET_ID) return undefined;
  return {
    google: {
      spreadsheetId: env.GOOGLE_SHEETS_SPREADSHEET_ID,
      apiRoot: env.GOOGLE_SHEETS_API_ROOT,
      keyFile: env.GOOGLE_APPLICATION_CREDENTIALS,
      accessToken: env.GOOGLE_SHEETS_ACCESS_TOKEN,
    },
    pullIntervalMs: env.SHEETS_PULL_INTERVAL_MS,
    flushIntervalMs: env.SHEETS_FLUSH_INTERVAL_MS,
    archiveAfterDays: env.SHEETS_ARCHIVE_AFTER_DAYS,
  };
}
