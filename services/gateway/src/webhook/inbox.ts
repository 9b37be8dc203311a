import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Update } from 'grammy/types';

const DAY_MS = 86_400_000;

/** Where accepted updates wait to be handled; also the memory of update ids for dropping repeats. */
export interface UpdateInbox {
  /** Stores the update durably; `false` means this update_id was seen in the last 24 h. */
  accept(update: Update): Promise<boolean> | boolean;
  done(updateId: number): Promise<void> | void;
  /** Updates accepted but not handled (a crash between ack and handling), oldest first. */
  pending(): Promise<Update[]> | Update[];
  close(): Promise<void> | void;
}

/**
 * The single-replica inbox: a small SQLite file of the gateway's own (operational state, not business data).
 * WAL with synchronous=NORMAL: a committed update survives a process crash; the cost is ~20 µs an update.
 */
export class SqliteInbox implements UpdateInbox {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly markDone: StatementSync;
  private readonly prune: StatementSync;
  private lastPrune = 0;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS updates (update_id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, body TEXT);
      CREATE INDEX IF NOT EXISTS updates_received ON updates(received_at);
    `);
    this.insert = this.db.prepare('INSERT OR IGNORE INTO updates(update_id, received_at, body) VALUES (?, ?, ?)');
    // Handled updates keep their id (for 24 h of dedupe) but drop the body.
    this.markDone = this.db.prepare('UPDATE updates SET body = NULL WHERE update_id = ?');
    this.prune = this.db.prepare('DELETE FROM updates WHERE received_at < ? AND body IS NULL');
  }

  accept(update: Update): boolean {
    const now = Date.now();
    if (now - this.lastPrune > 60_000) {
      this.lastPrune = now;
      this.prune.run(now - DAY_MS);
    }
    return Number(this.insert.run(update.update_id, now, JSON.stringify(update)).changes) === 1;
  }

  done(updateId: number): void {
    this.markDone.run(updateId);
  }

  pending(): Update[] {
    const rows = this.db.prepare('SELECT body FROM updates WHERE body IS NOT NULL ORDER BY update_id').all() as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as Update);
  }

  close(): void {
    this.db.close();
  }
}
