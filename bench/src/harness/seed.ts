import { DatabaseSync } from 'node:sqlite';
import { TABS } from '@mb/contracts';
import type { TestUser } from '@mb/testing/updates';

const SEGMENTS = ['retail', 'retail', 'retail', 'partners', 'all'];

/**
 * Writes signed-in users straight into the sheets service's workbook (as a manager's allow-list plus completed sign-ins
 * would leave it): `users` are the simulated ones; `total - users.length` more fill the tab to the size measured.
 * Runs while sheets is up (WAL: it sees the rows at once); rows are not queued for the Sheet.
 */
export function seedSignedInUsers(dbPath: string, users: TestUser[], total = users.length): void {
  const db = new DatabaseSync(dbPath);
  db.exec('PRAGMA busy_timeout = 10000');
  const columns = TABS.Users.columns;
  const insert = db.prepare(
    `INSERT INTO "Users" (${columns.map((c) => `"${c}"`).join(', ')}, _updated_at, _updated_by) VALUES (${columns.map(() => '?').join(', ')}, ?, 'sheet')`,
  );
  const now = new Date().toISOString();
  const filler = 8_100_000_000;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (let i = 0; i < Math.max(total, users.length); i++) {
      const u = users[i];
      const row: Record<(typeof columns)[number], string> = {
        id: `U-${100_000 + i}`,
        telegram_id: String(u ? u.id : filler + i),
        phone: `+7900${String(1_000_000 + i).padStart(7, '0')}`,
        name: u ? [u.first_name, u.last_name].filter(Boolean).join(' ') : `Клиент ${i}`,
        role: 'client',
        segment: SEGMENTS[i % SEGMENTS.length]!,
        status: 'active',
        language: u?.language_code === 'en' ? 'en' : 'ru',
        registered_at: now,
        last_seen_at: '',
        blocked_bot: 'no',
        // Signed in with their phone, so they consented to its processing (docs/privacy.md).
        consent_at: now,
      };
      insert.run(...columns.map((c) => row[c]), now);
    }
    db.prepare("INSERT OR REPLACE INTO sequences(name, next) VALUES ('U', ?)").run(
      100_000 + Math.max(total, users.length),
    );
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  } finally {
    db.close();
  }
}
