import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '@mb/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from './sqlite-storage.ts';

const dirs: string[] = [];
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-storage-'));
  dirs.push(dir);
  return join(dir, 'state.sqlite');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SqliteStorage', () => {
  it('reads back what was written, after the file is closed and opened again', () => {
    const path = file();
    const first = openSqlite(path);
    const a = new SqliteStorage<{ step: number; text: string }>(first);
    expect(a.read('chat:1')).toBeUndefined();
    a.write('chat:1', { step: 2, text: 'Привет' });
    a.write('chat:1', { step: 3, text: 'Привет' });
    first.close();
    const second = openSqlite(path);
    const b = new SqliteStorage<{ step: number; text: string }>(second);
    expect(b.read('chat:1')).toEqual({ step: 3, text: 'Привет' });
    expect(b.has('chat:1')).toBe(true);
    b.delete('chat:1');
    expect(b.read('chat:1')).toBeUndefined();
    second.close();
  });

  it('keeps key spaces apart by table, and refuses a table name that is not an identifier', () => {
    const db = openSqlite(file());
    const one = new SqliteStorage<number>(db, 'one');
    const two = new SqliteStorage<number>(db, 'two');
    one.write('k', 1);
    two.write('k', 2);
    expect([one.read('k'), two.read('k')]).toEqual([1, 2]);
    expect(() => new SqliteStorage(db, 'x"; DROP TABLE y; --')).toThrow(/bad storage table name/);
    db.close();
  });
});
