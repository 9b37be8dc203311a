import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const MIGRATIONS: string[] = [
  `
  -- The last turns of each user's conversation with the assistant (memory); only ever read by the same telegram_id.
  CREATE TABLE turns (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_id INTEGER NOT NULL, role TEXT NOT NULL CHECK (role IN ('user', 'assistant')), text TEXT NOT NULL, at INTEGER NOT NULL
  );
  CREATE INDEX turns_user ON turns(telegram_id, seq);
  -- Messages asked per user per UTC day (the per-user quota).
  CREATE TABLE user_usage (day TEXT NOT NULL, telegram_id INTEGER NOT NULL, messages INTEGER NOT NULL, PRIMARY KEY (day, telegram_id));
  -- Tokens spent per UTC day and model (the global budget).
  CREATE TABLE token_usage (day TEXT NOT NULL, model TEXT NOT NULL, input INTEGER NOT NULL, output INTEGER NOT NULL, PRIMARY KEY (day, model));
  `,
];

/** Opens (creating if needed) the assistant's own SQLite database and brings its schema up to date. */
export function openAssistantDb(path: string): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  return db;
}

/** The UTC day of a moment, `YYYY-MM-DD`: quotas and budgets reset at 00:00 UTC. */
export const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);
