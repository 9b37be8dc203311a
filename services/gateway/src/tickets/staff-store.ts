import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type StaffJobKind = 'open' | 'send' | 'rename' | 'notice';
export type StaffJob = { id: number; key: string | null; kind: StaffJobKind; payload: Record<string, unknown>; notBefore: number; attempts: number };
export type StaffPlace = { ticketId: string; chatId: number; threadId: number | null; cardMessageId: number | null };

/**
 * The gateway's own operational state for requests (in its SQLite file, beside the update inbox): the staff-chat
 * queue, where each request lives in the staff chat (topic or card message), which messages belong to which request
 * (so a reply finds its request), and what the user was last told about each request (so a notice goes out once).
 */
export class TicketStore {
  readonly db: DatabaseSync;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS staff_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL,
        not_before INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'pending', last_error TEXT
      );
      CREATE TABLE IF NOT EXISTS staff_places (ticket_id TEXT PRIMARY KEY, chat_id INTEGER NOT NULL, thread_id INTEGER, card_message_id INTEGER);
      CREATE UNIQUE INDEX IF NOT EXISTS staff_places_thread ON staff_places(chat_id, thread_id);
      CREATE TABLE IF NOT EXISTS message_refs (chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL, ticket_id TEXT NOT NULL, PRIMARY KEY (chat_id, message_id));
      CREATE TABLE IF NOT EXISTS user_notices (ticket_id TEXT PRIMARY KEY, status TEXT NOT NULL, answer TEXT NOT NULL);
    `);
  }

  /** Queues a job; a job with the same `key` still pending is not queued twice (returns false). */
  enqueue(kind: StaffJobKind, payload: Record<string, unknown>, key: string | null = null): boolean {
    const r = this.db.prepare('INSERT OR IGNORE INTO staff_jobs(key, kind, payload, not_before) VALUES (?, ?, ?, ?)').run(key, kind, JSON.stringify(payload), Date.now());
    return Number(r.changes) === 1;
  }

  /** The oldest pending job (strict FIFO: a delayed head holds the rest, as Telegram's limit is per chat). */
  head(): StaffJob | null {
    const r = this.db.prepare("SELECT * FROM staff_jobs WHERE state = 'pending' ORDER BY id LIMIT 1").get() as
      | { id: number; key: string | null; kind: StaffJobKind; payload: string; not_before: number; attempts: number }
      | undefined;
    return r ? { id: r.id, key: r.key, kind: r.kind, payload: JSON.parse(r.payload) as Record<string, unknown>, notBefore: r.not_before, attempts: r.attempts } : null;
  }

  done(id: number): void {
    this.db.prepare('DELETE FROM staff_jobs WHERE id = ?').run(id);
  }

  retryAt(id: number, at: number, error: string): void {
    this.db.prepare('UPDATE staff_jobs SET not_before = ?, attempts = attempts + 1, last_error = ? WHERE id = ?').run(at, error, id);
  }

  /** Gives a job up (kept, with its error, for the operator); its key is freed so the same work can be queued again. */
  fail(id: number, error: string): void {
    this.db.prepare("UPDATE staff_jobs SET state = 'failed', key = NULL, last_error = ? WHERE id = ?").run(error, id);
  }

  counts(): { pending: number; failed: number } {
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM staff_jobs GROUP BY state').all() as Array<{ state: string; n: number }>;
    const get = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
    return { pending: get('pending'), failed: get('failed') };
  }

  place(ticketId: string): StaffPlace | null {
    const r = this.db.prepare('SELECT * FROM staff_places WHERE ticket_id = ?').get(ticketId) as
      | { ticket_id: string; chat_id: number; thread_id: number | null; card_message_id: number | null }
      | undefined;
    return r ? { ticketId: r.ticket_id, chatId: r.chat_id, threadId: r.thread_id, cardMessageId: r.card_message_id } : null;
  }

  savePlace(p: StaffPlace): void {
    this.db
      .prepare('INSERT INTO staff_places(ticket_id, chat_id, thread_id, card_message_id) VALUES (?, ?, ?, ?) ON CONFLICT(ticket_id) DO UPDATE SET chat_id = excluded.chat_id, thread_id = excluded.thread_id, card_message_id = excluded.card_message_id')
      .run(p.ticketId, p.chatId, p.threadId, p.cardMessageId);
  }

  ticketByThread(chatId: number, threadId: number): string | null {
    return (this.db.prepare('SELECT ticket_id FROM staff_places WHERE chat_id = ? AND thread_id = ?').get(chatId, threadId) as { ticket_id: string } | undefined)?.ticket_id ?? null;
  }

  /** Remembers that a message (in the staff chat or a user's chat) belongs to a request. */
  remember(chatId: number, messageId: number, ticketId: string): void {
    this.db.prepare('INSERT OR REPLACE INTO message_refs(chat_id, message_id, ticket_id) VALUES (?, ?, ?)').run(chatId, messageId, ticketId);
  }

  ticketByMessage(chatId: number, messageId: number): string | null {
    return (this.db.prepare('SELECT ticket_id FROM message_refs WHERE chat_id = ? AND message_id = ?').get(chatId, messageId) as { ticket_id: string } | undefined)?.ticket_id ?? null;
  }

  /** What the user was last told about a request (status and answer), if anything. */
  lastNotice(ticketId: string): { status: string; answer: string } | null {
    return (this.db.prepare('SELECT status, answer FROM user_notices WHERE ticket_id = ?').get(ticketId) as { status: string; answer: string } | undefined) ?? null;
  }

  /** Whether the user was already told exactly this status and answer of a request. */
  wasNotified(ticketId: string, status: string, answer: string): boolean {
    const prev = this.lastNotice(ticketId);
    return prev !== null && prev.status === status && prev.answer === answer;
  }

  recordNotice(ticketId: string, status: string, answer: string): void {
    this.db.prepare('INSERT OR REPLACE INTO user_notices(ticket_id, status, answer) VALUES (?, ?, ?)').run(ticketId, status, answer);
  }

  transaction(fn: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
