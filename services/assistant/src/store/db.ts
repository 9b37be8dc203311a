import type { DatabaseSync } from 'node:sqlite';
import { type Migration, openSqlite } from '@mb/service-kit';

const MIGRATIONS: Migration[] = [
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
  return openSqlite(path, { migrations: MIGRATIONS });
}

/** The UTC day of a moment, `YYYY-MM-DD`: quotas and budgets reset at 00:00 UTC. */
export const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);
