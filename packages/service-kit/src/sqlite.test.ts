import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { type Migration, MigrationError, migrate, openSqlite } from './sqlite.ts';

const dirs: string[] = [];
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-sqlite-'));
  dirs.push(dir);
  return join(dir, 'nested', 'app.sqlite');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const version = (db: DatabaseSync) =>
  (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
const tables = (db: DatabaseSync) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
  ).map((r) => r.name);

// Today's first schema, written the way the stores wrote it before versions: safe to run on a file that has it.
const V1 = 'CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)';
const V2: Migration = (db) => db.exec("ALTER TABLE notes ADD COLUMN lang TEXT NOT NULL DEFAULT 'ru'");

describe('openSqlite', () => {
  it('creates a fresh file (and its folder) with the pragmas and every migration applied', () => {
    const path = file();
    const db = openSqlite(path, { migrations: [V1, V2] });
    expect(version(db)).toBe(2);
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 1 });
    expect(db.prepare('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 });
    expect(db.prepare('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
    db.prepare('INSERT INTO notes(text) VALUES (?)').run('привет');
    expect(db.prepare('SELECT text, lang FROM notes').all()).toEqual([{ text: 'привет', lang: 'ru' }]);
    db.close();
  });

  it('re-opens a file without running a migration twice, keeping its rows', () => {
    const path = file();
    let runs = 0;
    const counted: Migration[] = [
      (db) => {
        runs++;
        db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
      },
    ];
    const first = openSqlite(path, { migrations: counted });
    first.prepare('INSERT INTO notes(text) VALUES (?)').run('kept');
    first.close();
    const again = openSqlite(path, { migrations: counted });
    expect(runs).toBe(1);
    expect(again.prepare('SELECT text FROM notes').all()).toEqual([{ text: 'kept' }]);
    again.close();
  });

  it('upgrades a database made by the unversioned CREATE TABLE IF NOT EXISTS code without losing its rows', () => {
    const path = file();
    openSqlite(path).close();
    const old = new DatabaseSync(path);
    old.exec(V1);
    old.prepare('INSERT INTO notes(text) VALUES (?)').run('from before versions');
    expect(version(old)).toBe(0);
    old.close();
    const db = openSqlite(path, { migrations: [V1, V2] });
    expect(version(db)).toBe(2);
    expect(db.prepare('SELECT text, lang FROM notes').all()).toEqual([{ text: 'from before versions', lang: 'ru' }]);
    db.close();
  });

  it('rolls a failing migration back, keeps the steps before it, and says which step of which file failed', () => {
    const path = file();
    const broken: Migration[] = [V1, "CREATE TABLE half_done (id INTEGER); INSERT INTO missing_table VALUES ('x')"];
    let thrown: unknown;
    try {
      openSqlite(path, { migrations: broken });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MigrationError);
    expect((thrown as Error).message).toMatch(/^migration schema #2 of .*app\.sqlite failed and was rolled back/);
    expect((thrown as Error).message).toMatch(/no such table: missing_table/);
    const db = openSqlite(path);
    expect(version(db)).toBe(1);
    expect(tables(db)).toEqual(['notes']);
    db.close();
    // Fixed, it goes on from where it stopped.
    const fixed = openSqlite(path, { migrations: [V1, 'CREATE TABLE half_done (id INTEGER)'] });
    expect(tables(fixed)).toEqual(['half_done', 'notes']);
    fixed.close();
  });

  it('keeps the versions of several stores sharing one connection apart', () => {
    const path = file();
    const db = openSqlite(path);
    migrate(db, ['CREATE TABLE a (x)'], 'store-a');
    migrate(db, ['CREATE TABLE b (x)', 'CREATE TABLE b2 (x)'], 'store-b');
    migrate(db, ['CREATE TABLE a (x)'], 'store-a');
    expect(db.prepare('SELECT name, version FROM schema_versions ORDER BY name').all()).toEqual([
      { name: 'store-a', version: 1 },
      { name: 'store-b', version: 2 },
    ]);
    expect(version(db)).toBe(0);
    db.close();
  });
});
