import type { DatabaseSync } from 'node:sqlite';
import { utcDay } from './db.ts';
import type { UsageStore } from './stores.ts';

/** Per-user daily message counts and the global daily token spend, per UTC day. */
export class UsageLedger implements UsageStore {
  private readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /**
   * Counts one message for the user if they are under `limit` today; false (nothing counted) when the quota is used up.
   * One SQL statement, so two questions at once cannot both take the last message.
   */
  tryTakeMessage(telegramId: number, limit: number, now = Date.now()): boolean {
    if (limit <= 0) return false;
    const result = this.db
      .prepare(
        `INSERT INTO user_usage(day, telegram_id, messages) VALUES (?, ?, 1)
         ON CONFLICT(day, telegram_id) DO UPDATE SET messages = messages + 1 WHERE messages < ?`,
      )
      .run(utcDay(now), telegramId, limit);
    return Number(result.changes) === 1;
  }

  messagesToday(telegramId: number, now = Date.now()): number {
    const row = this.db
      .prepare('SELECT messages FROM user_usage WHERE day = ? AND telegram_id = ?')
      .get(utcDay(now), telegramId) as { messages: number } | undefined;
    return row?.messages ?? 0;
  }

  addTokens(model: string, input: number, output: number, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO token_usage(day, model, input, output) VALUES (?, ?, ?, ?)
         ON CONFLICT(day, model) DO UPDATE SET input = input + excluded.input, output = output + excluded.output`,
      )
      .run(utcDay(now), model, input, output);
  }

  tokensToday(now = Date.now()): number {
    const row = this.db
      .prepare('SELECT coalesce(sum(input + output), 0) AS n FROM token_usage WHERE day = ?')
      .get(utcDay(now)) as { n: number };
    return row.n;
  }

  /** Drops counters older than `keepDays` days. */
  prune(keepDays: number, now = Date.now()): void {
    const oldest = utcDay(now - keepDays * 86_400_000);
    this.db.prepare('DELETE FROM user_usage WHERE day < ?').run(oldest);
    this.db.prepare('DELETE FROM token_usage WHERE day < ?').run(oldest);
  }
}
