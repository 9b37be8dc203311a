import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const a = new SqliteStorage<{ step: number; text: string }>(path);
    expect(a.read('chat:1')).toBeUndefined();
    a.write('chat:1', { step: 2, text: 'Привет' });
    a.write('chat:1', { step: 3, text: 'Привет' });
    a.close();
    const b = new SqliteStorage<{ step: number; text: string }>(path);
    expect(b.read('chat:1')).toEqual({ step: 3, text: 'Привет' });
    expect(b.has('chat:1')).toBe(true);
    b.delete('chat:1');
    expect(b.read('chat:1')).toBeUndefined();
    b.close();
  });

  it('keeps key spaces apart by table, and refuses a table name that is not an identifier', () => {
    const path = file();
    const one = new SqliteStorage<number>(path, 'one');
    const two = new SqliteStorage<number>(path, 'two');
    one.write('k', 1);
    two.write('k', 2);
    expect([one.read('k'), two.read('k')]).toEqual([1, 2]);
    one.close();
    two.close();
    expect(() => new SqliteStorage(path, 'x"; DROP TABLE y; --')).toThrow(/bad storage table name/);
  });
});
