import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { type Migration, migrate } from '@mb/service-kit';

export type Attempt = { broadcastId: string; telegramId: number };

/** The journal's schema steps in the gateway's file (the first is the schema from before versions: safe on it). */
const MIGRATIONS: Migration[] = [
  `CREATE TABLE IF NOT EXISTS broadcast_attempts (worker TEXT NOT NULL, broadcast_id TEXT NOT NULL, telegram_id INTEGER NOT NULL, started_at INTEGER NOT NULL,
     PRIMARY KEY (worker, broadcast_id, telegram_id))`,
];

/**
 * This replica's note of which claimed recipients it has started to send to, written (locally, ~µs) right before the
 * Bot API call and dropped once the outcome is recorded in sheets. After a crash it tells the claims that were never
 * tried (safe to send later) from the ones Telegram may have (never resent). A table in the gateway's own SQLite file
 * (service-kit's openSqlite: WAL with synchronous=NORMAL survives a process crash).
 */
export class AttemptJournal {
  private readonly db: DatabaseSync;
  private readonly add: StatementSync;
  private readonly remove: StatementSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    migrate(db, MIGRATIONS, 'broadcast_attempts');
    this.add = this.db.prepare(
      'INSERT OR REPLACE INTO broadcast_attempts(worker, broadcast_id, telegram_id, started_at) VALUES (?, ?, ?, ?)',
    );
    this.remove = this.db.prepare(
      'DELETE FROM broadcast_attempts WHERE worker = ? AND broadcast_id = ? AND telegram_id = ?',
    );
  }

  started(worker: string, a: Attempt): void {
    this.add.run(worker, a.broadcastId, a.telegramId, Date.now());
  }

  recorded(worker: string, a: Attempt): void {
    this.remove.run(worker, a.broadcastId, a.telegramId);
  }

  /** Attempts of `replica`'s lanes (`<replica>/<n>`) left by its last run. */
  left(replica: string): Attempt[] {
    const rows = this.db
      .prepare('SELECT broadcast_id, telegram_id FROM broadcast_attempts WHERE worker = ? OR substr(worker, 1, ?) = ?')
      .all(replica, replica.length + 1, `${replica}/`) as Array<{
      broadcast_id: string;
      telegram_id: number;
    }>;
    return rows.map((r) => ({ broadcastId: r.broadcast_id, telegramId: r.telegram_id }));
  }

  forget(replica: string): void {
    this.db
      .prepare('DELETE FROM broadcast_attempts WHERE worker = ? OR substr(worker, 1, ?) = ?')
      .run(replica, replica.length + 1, `${replica}/`);
  }
}
