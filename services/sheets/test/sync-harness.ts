import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RawRow, TAB_NAMES, TABS } from '@mb/contracts';
import { createLogger, listen } from '@mb/service-kit';
// Imported by path: @mb/testing depends on this service (its stack helper), so the reverse dependency would be a cycle.
import { SheetsDouble } from '@mb/testing/sheets-double';
import { afterEach, beforeEach } from 'vitest';
import { createSheetsApp } from '../src/app.ts';
import type { SyncOptions } from '../src/sync/index.ts';

export const INTERNAL = 'sheets-sync-test-token-0123';
export const GOOGLE_TOKEN = 'ya29.test-bearer-token';

/** A Sheets double with every tab and its header row, as `npm run sheets -- init` leaves a new spreadsheet. */
export async function startDouble(): Promise<SheetsDouble> {
  const double = await new SheetsDouble({ token: GOOGLE_TOKEN }).start();
  for (const tab of TAB_NAMES) double.setTab(tab, [[...TABS[tab].columns]]);
  return double;
}

/** Compressed time: quick backoff, a generous call budget (the double's quota decides), loops started by the test. */
export const FAST: SyncOptions = {
  pullIntervalMs: 60_000,
  flushIntervalMs: 60_000,
  backoff: { baseMs: 5, maxMs: 50 },
  limits: { readsPerMinute: 60_000, writesPerMinute: 60_000, burst: 1000 },
};

export type SheetsUnderTest = ReturnType<typeof createSheetsApp> & {
  url: string;
  sync: NonNullable<ReturnType<typeof createSheetsApp>['sync']>;
};

/** The sheets service with the sync pointed at the double, listening on a free port; `dir` survives restarts. */
export async function startSheets(
  dir: string,
  double: SheetsDouble,
  opts: Partial<SyncOptions> & { timeoutMs?: number; keyFile?: string; seed?: boolean } = {},
): Promise<SheetsUnderTest> {
  const { timeoutMs, keyFile, seed, ...sync } = opts;
  const auth = keyFile ? { keyFile } : { accessToken: GOOGLE_TOKEN };
  const app = createSheetsApp({
    dbPath: join(dir, 'workbook.sqlite'),
    internalToken: INTERNAL,
    logger: createLogger('sheets', process.env['LOG_LEVEL'] ?? 'silent'),
    seed: seed ?? false,
    sync: {
      google: { spreadsheetId: double.spreadsheetId, apiRoot: double.url, ...auth, timeoutMs: timeoutMs ?? 2000 },
      ...FAST,
      ...sync,
    },
  });
  const url = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
  return Object.assign(app, { url, sync: app.sync! });
}

export async function stopSheets(app: SheetsUnderTest): Promise<void> {
  app.server.closeAllConnections();
  await new Promise<void>((r) => app.server.close(() => r()));
  await app.close();
}

/** A request row as the bot writes it: T-1001 from user 7001, new; `cells` replace the ones a test cares about. */
export const ticketRow = (cells: Partial<RawRow<'Tickets'>> = {}) => ({
  id: 'T-1001',
  telegram_id: '7001',
  name: 'Анна',
  category: 'Вопрос',
  text: 'Когда доставка?',
  status: 'new',
  created_at: '2026-12-01T10:00:00Z',
  ...cells,
});

/** The request's first message, written with it: the user's own text. */
export const openingMessage = (
  ticket: ReturnType<typeof ticketRow>,
  id: string,
): Partial<RawRow<'TicketMessages'>> => ({
  id,
  ticket_id: ticket.id,
  author: 'user',
  author_name: ticket.name,
  text: ticket.text,
  created_at: ticket.created_at,
});

export const tempDir = () => mkdtempSync(join(tmpdir(), 'sheets-sync-'));
export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** Polls `check` every few ms until it holds, or fails after `timeoutMs` naming what it waited for. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Per test: a fresh temp dir, a double with every tab, and (unless `start: false`) the service synced to it; all
 * stopped afterwards. Read the fields inside tests: they are replaced for each test (and `app` on a restart).
 */
export function useSyncedSheets(opts: { start?: boolean } = {}) {
  const ctx = {} as { dir: string; double: SheetsDouble; app: SheetsUnderTest };
  beforeEach(async () => {
    ctx.dir = tempDir();
    ctx.double = await startDouble();
    if (opts.start !== false) ctx.app = await startSheets(ctx.dir, ctx.double);
  });
  afterEach(async () => {
    if (ctx.app) await stopSheets(ctx.app);
    await ctx.double.close();
    removeDir(ctx.dir);
  });
  return ctx;
}
