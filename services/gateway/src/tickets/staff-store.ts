import type { DatabaseSync } from 'node:sqlite';
import { type Migration, migrate, transaction } from '@mb/service-kit';

export type StaffJobKind = 'open' | 'send' | 'rename' | 'notice';
export type StaffJob = {
  id: number;
  key: string | null;
  kind: StaffJobKind;
  payload: Record<string, unknown>;
  notBefore: number;
  attempts: number;
};

/** The queue's schema steps in the gateway's file (the first is the schema from before versions: safe on it). */
const MIGRATIONS: Migration[] = [
  `CREATE TABLE IF NOT EXISTS staff_jobs (
     id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL,
     not_before INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'pending', last_error TEXT
   );`,
];

/**
 * The staff-chat queue, in the gateway's own SQLite file beside the update inbox: each replica runs the jobs it queued.
 * (Where requests live in the staff chat, and which messages belong to them, is kept in sheets: tickets/links.ts.)
 */
export class TicketStore {
  readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    migrate(db, MIGRATIONS, 'staff_jobs');
  }

  /** Queues a job; a job with the same `key` still pending is not queued twice (returns false). */
  enqueue(kind: StaffJobKind, payload: Record<string, unknown>, key: string | null = null): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO staff_jobs(key, kind, payload, not_before) VALUES (?, ?, ?, ?)')
      .run(key, kind, JSON.stringify(payload), Date.now());
    return Number(r.changes) === 1;
  }

  /** The oldest pending job (strict FIFO: a delayed head holds the rest, as Telegram's limit is per chat). */
  head(): StaffJob | null {
    const r = this.db.prepare("SELECT * FROM staff_jobs WHERE state = 'pending' ORDER BY id LIMIT 1").get() as
      | { id: number; key: string | null; kind: StaffJobKind; payload: string; not_before: number; attempts: number }
      | undefined;
    return r
      ? {
          id: r.id,
          key: r.key,
          kind: r.kind,
          payload: JSON.parse(r.payload) as Record<string, unknown>,
          notBefore: r.not_before,
          attempts: r.attempts,
        }
      : null;
  }

  done(id: number): void {
    this.db.prepare('DELETE FROM staff_jobs WHERE id = ?').run(id);
  }

  retryAt(id: number, at: number, error: string): void {
    this.db
      .prepare('UPDATE staff_jobs SET not_before = ?, attempts = attempts + 1, last_error = ? WHERE id = ?')
      .run(at, error, id);
  }

  /** Gives a job up (kept, with its error, for the operator); its key is freed so the same work can be queued again. */
  fail(id: number, error: string): void {
    this.db.prepare("UPDATE staff_jobs SET state = 'failed', key = NULL, last_error = ? WHERE id = ?").run(error, id);
  }

  counts(): { pending: number; failed: number } {
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM staff_jobs GROUP BY state').all() as Array<{
      state: string;
      n: number;
    }>;
    const get = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
    return { pending: get('pending'), failed: get('failed') };
  }

  transaction(fn: () => void): void {
    transaction(this.db, fn);
  }
}
