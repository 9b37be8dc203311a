import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { StorageAdapter } from 'grammy';

/**
 * A grammY StorageAdapter on SQLite (one table, JSON values): conversation state written here survives a restart,
 * so a half-written request continues where the user left it. For one replica; several replicas share Redis instead.
 */
export class SqliteStorage<T> implements StorageAdapter<T> {
  private readonly db: DatabaseSync;
  private readonly getStmt: StatementSync;
  private readonly putStmt: StatementSync;
  private readonly delStmt: StatementSync;

  /** `table` names the key space (letters, digits, underscore), so several adapters can share one file. */
  constructor(path: string, table = 'bot_storage') {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table))
      throw new Error(`bad storage table name ${JSON.stringify(table)}`);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS "${table}" (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL)`);
    this.getStmt = this.db.prepare(`SELECT value FROM "${table}" WHERE key = ?`);
    this.putStmt = this.db.prepare(
      `INSERT INTO "${table}"(key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.delStmt = this.db.prepare(`DELETE FROM "${table}" WHERE key = ?`);
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

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
