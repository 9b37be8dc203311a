import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** One schema step: SQL, or a function for steps that must look before they change (a column that may exist). */
export type Migration = string | ((db: DatabaseSync) => void);

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly set: string;
  readonly version: number;
  readonly path: string;
  constructor(set: string, version: number, path: string, cause: unknown) {
    super(
      `migration ${set} #${version} of ${path} failed and was rolled back (the schema stays at #${version - 1}): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.set = set;
    this.version = version;
    this.path = path;
  }
}

export type OpenSqliteOptions = {
  /** The database's own schema steps, in order; the version is kept in `PRAGMA user_version`. */
  migrations?: readonly Migration[];
};

/**
 * Opens (creating the file and its folder if needed) a SQLite database the way every service does: WAL with
 * synchronous=NORMAL (a committed transaction survives a process crash), a 5 s busy timeout for a second connection,
 * foreign keys enforced; then applies `migrations` (see `migrate`).
 */
export function openSqlite(path: string, opts: OpenSqliteOptions = {}): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  try {
    db.exec(
      'PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;',
    );
    if (opts.migrations) migrate(db, opts.migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Brings a schema up to date: each step not yet applied runs once, in order, in its own transaction together with the
 * new version number, so a failing step leaves the schema at the step before it (`MigrationError`, the cause kept).
 * `set` unset: the database's own list, its version in `PRAGMA user_version`. A name: one of several lists sharing a
 * connection (each store of the gateway registers its own), its version a row of `schema_versions`. The version is
 * read inside the write transaction, so two processes opening one file at once apply each step once.
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[], set?: string): void {
  const path = db.location() ?? ':memory:';
  const read = (): number => {
    if (set === undefined) return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    const row = db.prepare('SELECT version FROM schema_versions WHERE name = ?').get(set) as
      | { version: number }
      | undefined;
    return row?.version ?? 0;
  };
  const write = (version: number): void => {
    if (set === undefined) db.exec(`PRAGMA user_version = ${version}`);
    else
      db.prepare(
        'INSERT INTO schema_versions(name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version',
      ).run(set, version);
  };
  for (;;) {
    db.exec('BEGIN IMMEDIATE');
    let version: number;
    try {
      if (set !== undefined)
        db.exec('CREATE TABLE IF NOT EXISTS schema_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)');
      version = read();
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    if (version >= migrations.length) {
      db.exec('COMMIT');
      return;
    }
    try {
      const step = migrations[version]!;
      if (typeof step === 'string') db.exec(step);
      else step(db);
      write(version + 1);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw new MigrationError(set ?? 'schema', version + 1, path, error);
    }
  }
}

/** Runs `fn` in one write transaction (nested calls join the outer one); rolls back if it throws. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
