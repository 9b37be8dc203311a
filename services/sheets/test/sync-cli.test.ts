import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BroadcastStatus, Role, TABS, TicketStatus, UnansweredStatus, UserStatus } from '@mb/contracts';
import { SheetsDouble } from '@mb/testing/sheets-double';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOGLE_TOKEN } from './sync-harness.ts';

const CLI = fileURLToPath(new URL('../src/cli/sheets.ts', import.meta.url));
let double: SheetsDouble;

beforeEach(async () => {
  double = await new SheetsDouble({ token: GOOGLE_TOKEN }).start();
});
afterEach(() => double.close());

/** Runs `npm run sheets -- <args>` as a child process against the double (asynchronously: the double lives here). */
function sheets(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          GOOGLE_SHEETS_SPREADSHEET_ID: double.spreadsheetId,
          GOOGLE_SHEETS_ACCESS_TOKEN: GOOGLE_TOKEN,
          GOOGLE_SHEETS_API_ROOT: double.url,
          ...env,
        },
      },
      (error, out, err) => resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

describe('npm run sheets -- init|check', { timeout: 60_000 }, () => {
  it('check reports what differs (exit 1); init creates missing tabs and headers without touching data (exit 0 when all is fixed)', async () => {
    double.setTab('Users', [[...TABS.Users.columns], ['U-1', '', '+79990000001', 'Anna']]);
    double.setTab('FAQ', []);
    double.setTab('Notes', [['anything']]);
    const check = await sheets(['check']);
    expect(check.code).toBe(1);
    expect(check.out).toContain('ok      Users');
    expect(check.out).toContain('missing Tickets');
    expect(check.out).toContain('FAQ: no header row');
    expect(check.out).toContain('other tabs (left alone): Notes');

    const init = await sheets(['init']);
    expect(init.code).toBe(0);
    expect(init.out).toMatch(
      /created tabs: Promotions, Participations, Tickets, TicketMessages, Broadcasts, Unanswered, Settings/,
    );
    expect(init.out).toMatch(/wrote header rows: .*FAQ/);
    expect(double.table('Tickets')).toEqual([[...TABS.Tickets.columns]]);
    expect(double.table('FAQ')).toEqual([[...TABS.FAQ.columns]]);
    expect(double.records('Users')).toEqual([
      expect.objectContaining({ id: 'U-1', phone: '+79990000001', name: 'Anna' }),
    ]);
    expect(double.table('Notes')).toEqual([['anything']]);
    expect((await sheets(['check'])).code).toBe(0);
    expect((await sheets(['init'])).out).toContain('no tabs were missing');
  });

  it('leaves a renamed column for a human and exits 1', async () => {
    for (const [tab, def] of Object.entries(TABS)) double.setTab(tab, [[...def.columns]]);
    double.renameColumn('Tickets', 'answer', 'Ответ');
    const init = await sheets(['init']);
    expect(init.code).toBe(1);
    expect(init.out).toContain('Tickets: unexpected column "Ответ" in H (renamed?)');
    expect(double.table('Tickets')[0]).toContain('Ответ');
  });

  it('init adds dropdowns on every fixed-value column and marks the bot columns, touching no data, once', async () => {
    for (const [tab, def] of Object.entries(TABS)) double.setTab(tab, [[...def.columns]]);
    double.moveColumn('Tickets', 'status', 1); // found by header, wherever a manager put it
    double.addRow('Tickets', { id: 'T-1', telegram_id: '7', status: 'new', text: 'привет' });
    const before = double.records('Tickets');
    const init = await sheets(['init']);
    expect(init.code).toBe(0);
    expect(init.out).toContain('dropdowns: Users.role, Users.status, Promotions.status, Promotions.cta');
    for (const [tab, column, values] of [
      ['Users', 'status', UserStatus.options],
      ['Users', 'role', Role.options],
      ['Tickets', 'status', TicketStatus.options],
      ['Promotions', 'notify', ['yes', 'no']],
      ['FAQ', 'active', ['yes', 'no']],
      ['Unanswered', 'status', UnansweredStatus.options],
      ['Broadcasts', 'status', BroadcastStatus.options],
    ] as const)
      expect(double.validation(tab, column), `${tab}.${column}`).toEqual({
        values: [...values],
        strict: true,
        showCustomUi: true,
        from: 1,
      });
    expect(double.validation('Users', 'segment')).toBeUndefined();
    expect(double.note('Tickets', 0, 'text')).toMatch(/Written by the bot/);
    expect(double.note('Tickets', 0, 'status')).toBeUndefined();
    const ticketGuards = double.protectedRanges('Tickets');
    expect(ticketGuards.map((p) => p.columns[0]).sort()).toEqual(
      ['category', 'created_at', 'id', 'name', 'rating', 'telegram_id', 'text', 'updated_at'].sort(),
    );
    expect(ticketGuards.every((p) => p.warningOnly)).toBe(true);
    expect(double.records('Tickets')).toEqual(before);
    await sheets(['init']);
    expect(double.protectedRanges('Tickets')).toHaveLength(ticketGuards.length);
  });

  it('check prints what moving in takes and what it refuses, before anything is written', async () => {
    for (const [tab, def] of Object.entries(TABS)) double.setTab(tab, [[...def.columns]]);
    const user = (id: string, telegramId: string, phone: string) =>
      TABS.Users.columns.map((c) => ({ id, telegram_id: telegramId, phone, status: 'active' })[c as string] ?? '');
    double.setTab('Users', [
      [...TABS.Users.columns],
      user('U-1', '101', '+79030000001'),
      user('U-2', '102', '+79030000002'),
      user('U-3', '101', '+79030000003'),
    ]);
    double.setTab('Tickets', [
      [...TABS.Tickets.columns],
      TABS.Tickets.columns.map((c) => ({ id: 'T-1', telegram_id: '101', status: 'в работе!!' })[c as string] ?? ''),
    ]);
    const writes = double.count('spreadsheets.batchUpdate') + double.count('values.batchUpdate');
    const check = await sheets(['check']);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/Users\s+2 rows taken, 1 refused/);
    expect(check.out).toMatch(/Tickets\s+0 rows taken, 1 refused/);
    expect(check.out).toContain('Users U-3: conflict: telegram_id 101 is also on U-1; not imported');
    expect(check.out).toContain('Tickets T-1: status:');
    expect(double.count('spreadsheets.batchUpdate') + double.count('values.batchUpdate')).toBe(writes);
  });

  it('explains bad usage, a missing configuration and an unreachable Google with distinct exit codes', async () => {
    const usage = await sheets(['frobnicate']);
    expect(usage).toMatchObject({ code: 2, err: expect.stringContaining('usage: npm run sheets -- init|check') });
    const unset = await sheets(['check'], { GOOGLE_SHEETS_SPREADSHEET_ID: '' });
    expect(unset).toMatchObject({ code: 2, err: expect.stringContaining('GOOGLE_SHEETS_SPREADSHEET_ID is not set') });
    const noCredentials = await sheets(['check'], { GOOGLE_SHEETS_ACCESS_TOKEN: '' });
    expect(noCredentials).toMatchObject({
      code: 2,
      err: expect.stringContaining('needs GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_SHEETS_ACCESS_TOKEN'),
    });
    const wrongToken = await sheets(['check'], { GOOGLE_SHEETS_ACCESS_TOKEN: 'wrong' });
    expect(wrongToken).toMatchObject({ code: 2, err: expect.stringContaining('401') });
    double.down = true;
    const down = await sheets(['check']);
    expect(down).toMatchObject({ code: 3, err: expect.stringContaining('503') });
  });
});
