import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegistry, createServiceClient, EnvError } from '@mb/service-kit';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.ts';
import type { SheetsRouter } from '../src/router-type.ts';
import { syncConfigFromEnv } from '../src/sync/config.ts';
import { nextArchiveAt } from '../src/sync/engine.ts';
import { GOOGLE_TOKEN, INTERNAL, startSheets, stopSheets, useSyncedSheets } from './sync-harness.ts';

const CLI = fileURLToPath(new URL('../src/cli/sheets.ts', import.meta.url));
const t = useSyncedSheets();

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** `npm run sheets -- <args>` as a child process, on the service's own SQLite file, against the double. */
function sheets(args: string[], env?: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: env ?? {
          PATH: process.env['PATH'] ?? '',
          SHEETS_DB_PATH: join(t.dir, 'workbook.sqlite'),
          GOOGLE_SHEETS_SPREADSHEET_ID: t.double.spreadsheetId,
          GOOGLE_SHEETS_ACCESS_TOKEN: GOOGLE_TOKEN,
          GOOGLE_SHEETS_API_ROOT: t.double.url,
        },
      },
      (error, out, err) => resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

const ids = (tab: string) => t.double.records(tab).map((r) => r['id']);

/**
 * Anna (7001) has an old closed request and a recent closed one; Boris (7002) an old request still open and an old
 * closed one; the Summer promotion is archived (an old and a recent participation), the Winter one live (an old one).
 * Everything is in the Sheet (flushed) and known to the sync (pulled).
 */
async function aYearOfTickets() {
  for (const [id, status] of [
    ['summer', 'archived'],
    ['winter', 'active'],
  ] as const)
    t.double.addRow('Promotions', {
      id,
      title: id,
      starts_at: '2025-01-01',
      ends_at: '2099-01-01',
      segment: 'all',
      status,
      cta: 'participate',
      notify: 'no',
    });
  await t.app.sync.pullNow();
  const ticket = (id: string, telegramId: string, status: string, days: number) => {
    t.app.wb.insert('Tickets', {
      id,
      telegram_id: telegramId,
      name: telegramId === '7001' ? 'Анна' : 'Борис',
      category: 'Вопрос',
      text: `вопрос ${id}`,
      status,
      created_at: ago(days + 1),
      updated_at: ago(days),
    });
    for (const n of [1, 2])
      t.app.wb.insert('TicketMessages', {
        id: `M-${id.slice(2)}${n}`,
        ticket_id: id,
        author: n === 1 ? 'user' : 'staff',
        author_name: n === 1 ? 'client' : 'Оля',
        text: `сообщение ${n}`,
        created_at: ago(days),
      });
  };
  ticket('T-1001', '7001', 'closed', 400);
  ticket('T-1002', '7001', 'closed', 10);
  ticket('T-1003', '7002', 'in_progress', 400);
  ticket('T-1004', '7002', 'closed', 200);
  const participation = (id: string, promotion: string, telegramId: string, days: number) =>
    t.app.wb.insert('Participations', {
      id,
      promotion_id: promotion,
      telegram_id: telegramId,
      name: 'Анна',
      phone: '+79990000001',
      created_at: ago(days),
      status: 'new',
    });
  participation('PA-1', 'summer', '7001', 300);
  participation('PA-2', 'summer', '7002', 20);
  participation('PA-3', 'winter', '7003', 300);
  await t.app.sync.flushNow();
  await t.app.sync.pullNow();
  expect(ids('Tickets')).toEqual(['T-1001', 'T-1002', 'T-1003', 'T-1004']);
  expect(ids('TicketMessages')).toHaveLength(8);
}

describe('npm run sheets -- archive', { timeout: 60_000 }, () => {
  it("archive keeps the user's history", async () => {
    await aYearOfTickets();
    // Between the archive's read of the ids and its delete, a manager adds a note row at the top and sorts the tab:
    // the positions it read are stale, so it must look again rather than delete someone else's row.
    let reads = 0;
    t.double.afterCall = (method) => {
      if (method !== 'values.batchGet' || ++reads !== 2) return; // 1: headers, 2: the first read of the ids
      t.double.insertRow('Tickets', 1, ['', '', 'Менеджер', '', 'перезвонить Борису в пятницу']);
      t.double.sortBy('Tickets', 'status', 'desc');
    };
    const run = await sheets(['archive']);
    t.double.afterCall = null;
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Tickets\s+2 rows taken out of the Sheet/);
    expect(run.out).toMatch(/TicketMessages\s+4 rows taken out of the Sheet/);
    expect(run.out).toMatch(/Participations\s+1 rows taken out of the Sheet/);

    // Out of the Sheet: the old closed requests, their messages, the old participation of the archived promotion.
    // Still there: the manager's note, the recent closed request, the old request still open, the rest.
    expect(ids('Tickets').sort()).toEqual(['', 'T-1002', 'T-1003']);
    expect(t.double.records('Tickets').find((r) => r['id'] === '')).toMatchObject({
      name: 'Менеджер',
      text: 'перезвонить Борису в пятницу',
    });
    expect(ids('TicketMessages').sort()).toEqual(['M-10021', 'M-10022', 'M-10031', 'M-10032']);
    expect(ids('Participations').sort()).toEqual(['PA-2', 'PA-3']);

    // SQLite keeps everything: Anna still sees her old request and its thread through the sheets procedures.
    const client = createServiceClient<SheetsRouter>({
      target: 'sheets',
      url: t.app.url,
      token: INTERNAL,
      metrics: createRegistry('t'),
    });
    const mine = await client.tickets.mine.query({ telegramId: 7001 });
    expect(mine.items.map((x) => x.id).sort()).toEqual(['T-1001', 'T-1002']);
    const old = await client.tickets.get.query({ ticketId: 'T-1001', telegramId: 7001 });
    expect(old.messages.map((m) => m.text)).toEqual(['сообщение 1', 'сообщение 2']);

    // The sync does not take their absence for a deletion, nor write them back, even when the bot touches one.
    await t.app.sync.pullNow();
    t.app.wb.update('Tickets', 'T-1001', { rating: '5' });
    const flush = await t.app.sync.flushNow();
    expect(flush.dropped).toBe(0);
    await t.app.sync.pullNow();
    expect(ids('Tickets').sort()).toEqual(['', 'T-1002', 'T-1003']);
    expect((await client.tickets.mine.query({ telegramId: 7001 })).items).toHaveLength(2);
    expect(t.app.wb.outboxDepth().pending).toBe(0);

    // Twice changes nothing the second time: no write call, every row where it was.
    const before = { writes: t.double.count('spreadsheets.batchUpdate'), tickets: t.double.table('Tickets') };
    const again = await sheets(['archive']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Tickets\s+0 rows taken out of the Sheet \(2 already out\)/);
    expect(t.double.count('spreadsheets.batchUpdate')).toBe(before.writes);
    expect(t.double.table('Tickets')).toEqual(before.tickets);
  });

  it('--older-than moves the line; a bad value or no spreadsheet is refused with a clear message', async () => {
    await aYearOfTickets();
    for (const bad of [['--older-than', 'soon'], ['--older-than', '0'], ['--older-than', '-5'], ['--older-than']]) {
      const run = await sheets(['archive', ...bad]);
      expect(run.code).toBe(2);
      expect(run.err).toContain('--older-than expects a whole number of days, 1 or more');
    }
    expect((await sheets(['archive', '--olderthan', '3'])).err).toContain('archive: unknown argument --olderthan');
    expect(ids('Tickets')).toHaveLength(4);

    const none = await sheets(['archive'], {
      PATH: process.env['PATH'] ?? '',
      SHEETS_DB_PATH: join(t.dir, 'x.sqlite'),
    });
    expect(none.code).toBe(2);
    expect(none.err).toContain('GOOGLE_SHEETS_SPREADSHEET_ID is not set: there is no spreadsheet to archive from');

    const year = await sheets(['archive', '--older-than', '365']);
    expect(year.code).toBe(0);
    expect(ids('Tickets').sort()).toEqual(['T-1002', 'T-1003', 'T-1004']);
    expect(ids('Participations').sort()).toEqual(['PA-1', 'PA-2', 'PA-3']);
  });
});

describe('the nightly archive policy (SHEETS_ARCHIVE_AFTER_DAYS)', { timeout: 60_000 }, () => {
  const google = {
    GOOGLE_SHEETS_SPREADSHEET_ID: 'test-spreadsheet-0001',
    GOOGLE_SHEETS_ACCESS_TOKEN: GOOGLE_TOKEN,
  };

  it('is off by default: nothing is scheduled and nothing leaves the Sheet', async () => {
    expect(syncConfigFromEnv(readEnv(google))?.archiveAfterDays).toBeUndefined();
    expect(() => readEnv({ ...google, SHEETS_ARCHIVE_AFTER_DAYS: 'never' })).toThrow(EnvError);
    expect(() => readEnv({ ...google, SHEETS_ARCHIVE_AFTER_DAYS: 'never' })).toThrow(
      /SHEETS_ARCHIVE_AFTER_DAYS.*expected a whole number of days, 1 or more/s,
    );
    await aYearOfTickets();
    t.app.sync.start();
    expect(t.app.sync.archiveScheduledFor).toBeNull();
    await expect(t.app.sync.archiveNow()).rejects.toThrow('the archive policy is off');
    expect(ids('Tickets')).toHaveLength(4);
  });

  it('on, it runs at 03:00 UTC in the sync, and counts what it archived', async () => {
    expect(syncConfigFromEnv(readEnv({ ...google, SHEETS_ARCHIVE_AFTER_DAYS: '90' }))?.archiveAfterDays).toBe(90);
    expect(nextArchiveAt(new Date('2026-12-03T02:59:00Z')).toISOString()).toBe('2026-12-03T03:00:00.000Z');
    expect(nextArchiveAt(new Date('2026-12-03T03:00:00Z')).toISOString()).toBe('2026-12-04T03:00:00.000Z');
    await aYearOfTickets();
    await stopSheets(t.app);
    t.app = await startSheets(t.dir, t.double, { archiveAfterDays: 180 });
    t.app.sync.start();
    expect(t.app.sync.archiveScheduledFor?.toISOString()).toBe(nextArchiveAt(new Date()).toISOString());
    const summary = await t.app.sync.archiveNow(); // what the nightly timer calls
    expect(summary.removed).toEqual({ Tickets: 2, TicketMessages: 4, Participations: 1 });
    expect(ids('Tickets')).toEqual(['T-1002', 'T-1003']);
    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toMatch(/sheets_archived_rows_total{tab="Tickets"[^}]*} 2\n/);
    expect(metrics).toMatch(/sheets_archived_rows_total{tab="TicketMessages"[^}]*} 4\n/);
    expect(metrics).toMatch(/sheets_archived_rows_total{tab="Participations"[^}]*} 1\n/);
  });
});
