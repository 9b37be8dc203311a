import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSqlite } from '@mb/service-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttemptJournal } from '../src/broadcast/attempt-journal.ts';
import { SqliteStorage } from '../src/storage/sqlite-storage.ts';
import { TicketStore } from '../src/tickets/staff-store.ts';
import { SqliteInbox } from '../src/webhook/inbox.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mb-gateway-db-'));
  path = join(dir, 'gateway.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the gateway's SQLite file", () => {
  it('opens a file written before schema versions (four stores, four connections) with every row kept', () => {
    // The file as the stores left it when each opened it on its own with CREATE TABLE IF NOT EXISTS.
    const old = new DatabaseSync(path);
    old.exec(`
      PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS updates (update_id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, body TEXT);
      CREATE INDEX IF NOT EXISTS updates_received ON updates(received_at);
      CREATE TABLE IF NOT EXISTS staff_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL,
        not_before INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'pending', last_error TEXT
      );
      CREATE TABLE IF NOT EXISTS broadcast_attempts (worker TEXT NOT NULL, broadcast_id TEXT NOT NULL, telegram_id INTEGER NOT NULL, started_at INTEGER NOT NULL,
        PRIMARY KEY (worker, broadcast_id, telegram_id));
      CREATE TABLE IF NOT EXISTS "conversations" (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
    `);
    const body = JSON.stringify({
      update_id: 7,
      message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' } },
    });
    old.prepare('INSERT INTO updates VALUES (7, ?, ?)').run(Date.now(), body);
    old.prepare("INSERT INTO staff_jobs(key, kind, payload, not_before) VALUES ('open:T-1', 'open', '{}', 0)").run();
    old.prepare("INSERT INTO broadcast_attempts VALUES ('replica-a/0', 'B-1', 42, 0)").run();
    old.prepare(`INSERT INTO "conversations" VALUES ('5', '{"step":2}', 0)`).run();
    old.close();

    for (let start = 0; start < 2; start++) {
      const db = openSqlite(path);
      const inbox = new SqliteInbox(db);
      const store = new TicketStore(db);
      const journal = new AttemptJournal(db);
      const conversations = new SqliteStorage<{ step: number }>(db, 'conversations');
      expect(inbox.pending().map((u) => u.update_id)).toEqual([7]);
      expect(store.head()).toMatchObject({ key: 'open:T-1', kind: 'open' });
      expect(journal.left('replica-a')).toEqual([{ broadcastId: 'B-1', telegramId: 42 }]);
      expect(conversations.read('5')).toEqual({ step: 2 });
      expect(db.prepare('SELECT name, version FROM schema_versions ORDER BY name').all()).toEqual([
        { name: 'broadcast_attempts', version: 1 },
        { name: 'inbox', version: 1 },
        { name: 'staff_jobs', version: 1 },
        { name: 'storage:conversations', version: 1 },
      ]);
      inbox.close();
      db.close();
    }
  });
});
