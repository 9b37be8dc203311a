import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { migrate } from '@mb/service-kit';
import type { StorageAdapter } from 'grammy';

/**
 * A grammY StorageAdapter on SQLite (one table, JSON values): conversation state written here survives a restart,
 * so a half-written request continues where the user left it. For one replica; several replicas share Redis instead.
 */
export class SqliteStorage<T> implements StorageAdapter<T> {
  private readonly getStmt: StatementSync;
  private readonly putStmt: StatementSync;
  private readonly delStmt: StatementSync;

  /**
   * `table` names the key space (letters, digits, underscore), so several adapters can share one connection; each
   * table's schema steps are its own (the first is the schema from before versions: safe on it).
   */
  constructor(db: DatabaseSync, table = 'bot_storage') {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table))
      throw new Error(`bad storage table name ${JSON.stringify(table)}`);
    migrate(
      db,
      [
        `CREATE TABLE IF NOT EXISTS "${table}" (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
      ],
      `storage:${table}`,
    );
    this.getStmt = db.prepare(`SELECT value FROM "${table}" WHERE key = ?`);
    this.putStmt = db.prepare(
      `INSERT INTO "${table}"(key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.delStmt = db.prepare(`DELETE FROM "${table}" WHERE key = ?`);
  }

  read(key: string): T | undefined {
    const row = this.getStmt.get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  write(key: string, value: T): void {
    this.putStmt.run(key, JSON.stringify(value), Date.now());
  }

  delete(key: string): void {
    this.delStmt.run(key);
  }

  has(key: string): boolean {
    return this.getStmt.get(key) !== undefined;
  }
}
