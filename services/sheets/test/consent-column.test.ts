import { DatabaseSync } from 'node:sqlite';
import { TABS } from '@mb/contracts';
import { createRegistry } from '@mb/service-kit';
import { SheetsDouble } from '@mb/testing/sheets-double';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/db.ts';
import { createSheetsApi } from '../src/sync/google-client.ts';
import { checkLayout, initLayout } from '../src/sync/layout-admin.ts';
import { createSyncMetrics } from '../src/sync/metrics.ts';
import { GOOGLE_TOKEN, removeDir, tempDir } from './sync-harness.ts';

/** The Users header before `consent_at` joined the layout (the first release). */
const OLD_USERS = TABS.Users.columns.filter((c) => c !== 'consent_at');
let double: SheetsDouble;

beforeEach(async () => {
  double = await new SheetsDouble({ token: GOOGLE_TOKEN }).start();
  for (const tab of Object.keys(TABS) as Array<keyof typeof TABS>) double.setTab(tab, [[...TABS[tab].columns]]);
});
afterEach(() => double.close());

const api = () =>
  createSheetsApi(
    { spreadsheetId: double.spreadsheetId, apiRoot: double.url, accessToken: GOOGLE_TOKEN, timeoutMs: 5000 },
    createSyncMetrics(createRegistry('sheets').registry),
  );

describe('Users.consent_at on a spreadsheet made before it existed', () => {
  it('check reports the missing column; init appends it after the last column without moving any cell', async () => {
    const row = ['U-1', '111', '+79990000001', 'Anna', 'client', 'all', 'active', 'ru', '2026-01-01', '', 'no'];
    // A manager's own column after ours stays where it is; consent_at goes after it.
    double.setTab('Users', [
      [...OLD_USERS, 'notes'],
      [...row, 'VIP'],
    ]);
    const check = await checkLayout(api());
    const users = check.tabs.find((t) => t.tab === 'Users')!;
    expect(users.state).toBe('differs');
    expect(users.problems).toContain('Users: unexpected column "notes" in L (renamed?)');
    // An unexpected column could be a renamed one: nothing is appended then.
    expect(users.append).toBeUndefined();

    double.setTab('Users', [[...OLD_USERS], row]);
    const before = (await checkLayout(api())).tabs.find((t) => t.tab === 'Users')!;
    expect(before.problems).toEqual(['Users: missing column "consent_at" (init appends it at the end)']);
    const { appended, after } = await initLayout(api());
    expect(appended).toEqual(['Users.consent_at']);
    expect(after.ok).toBe(true);
    expect(double.table('Users')).toEqual([[...OLD_USERS, 'consent_at'], row]);
  });

  it('a workbook database of the previous schema gets the column, the rows kept', () => {
    const dir = tempDir();
    try {
      const path = `${dir}/workbook.sqlite`;
      const db = openDatabase(path);
      const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
      db.exec(`INSERT INTO "Users"(id, phone) VALUES ('U-1', '+79990000001')`);
      // As the release before issue 15 left it: no consent_at, forget_requests or approval_notices, nor what came
      // since: archived_rows and ticket_message_sources (five migrations; the one widening ticket_attachments runs
      // again harmlessly).
      db.exec(
        `ALTER TABLE "Users" DROP COLUMN consent_at; DROP TABLE forget_requests; DROP TABLE approval_notices; DROP TABLE archived_rows; DROP TABLE ticket_message_sources; PRAGMA user_version = ${version - 5}`,
      );
      db.close();
      const reopened = openDatabase(path);
      expect(reopened.prepare(`SELECT id, phone, consent_at FROM "Users"`).all()).toEqual([
        { id: 'U-1', phone: '+79990000001', consent_at: '' },
      ]);
      reopened.close();
      const raw = new DatabaseSync(path);
      expect(raw.prepare('PRAGMA user_version').get()).toEqual({ user_version: version });
      raw.close();
    } finally {
      removeDir(dir);
    }
  });
});
