import type { DatabaseSync } from 'node:sqlite';
import { BoundedMemory, type MemoryLimits, type MemoryStore } from './stores.ts';

export type Turn = { role: 'user' | 'assistant'; text: string; at: number };

/**
 * Conversation memory: the last `turns` turns per user, kept in the assistant's SQLite so they survive restarts.
 * A conversation idle for longer than `idleMs` is forgotten (deleted on the next read), `/reset` forgets at once.
 */
export class ConversationMemory extends BoundedMemory implements MemoryStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync, limits: MemoryLimits) {
    super(limits);
    this.db = db;
  }

  /** The user's recent turns, oldest first; empty when the conversation expired. */
  recent(telegramId: number, now = Date.now()): Turn[] {
    const last = this.db.prepare('SELECT max(at) AS at FROM turns WHERE telegram_id = ?').get(telegramId) as {
      at: number | null;
    };
    if (last.at === null) return [];
    if (now - last.at > this.limits.idleMs) {
      this.reset(telegramId);
      return [];
    }
    if (this.limits.turns === 0) return [];
    const rows = this.db
      .prepare('SELECT role, text, at FROM turns WHERE telegram_id = ? ORDER BY seq DESC LIMIT ?')
      .all(telegramId, this.limits.turns) as Turn[];
    return rows.reverse();
  }

  /** Appends a question and its answer, and trims the user's history to the last `turns` turns. */
  remember(telegramId: number, question: string, answer: string, now = Date.now()): void {
    const insert = this.db.prepare('INSERT INTO turns(telegram_id, role, text, at) VALUES (?, ?, ?, ?)');
    this.db.exec('BEGIN IMMEDIATE');
    try {
      insert.run(telegramId, 'user', question, now);
      insert.run(telegramId, 'assistant', answer, now);
      this.db
        .prepare(
          'DELETE FROM turns WHERE telegram_id = ? AND seq NOT IN (SELECT seq FROM turns WHERE telegram_id = ? ORDER BY seq DESC LIMIT ?)',
        )
        .run(telegramId, telegramId, this.kept);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  reset(telegramId: number): number {
    return Number(this.db.prepare('DELETE FROM turns WHERE telegram_id = ?').run(telegramId).changes);
  }

  /** Deletes every conversation idle for longer than the expiry (run periodically; reads expire lazily anyway). */
  sweep(now = Date.now()): number {
    return Number(
      this.db
        .prepare(
          'DELETE FROM turns WHERE telegram_id IN (SELECT telegram_id FROM turns GROUP BY telegram_id HAVING max(at) < ?)',
        )
        .run(now - this.limits.idleMs).changes,
    );
  }
}
