import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { type Migration, migrate } from '@mb/service-kit';
import type { Update } from 'grammy/types';

const DAY_MS = 86_400_000;

/** Where accepted updates wait to be handled; also the memory of update ids for dropping repeats. */
export interface UpdateInbox {
  /**
   * Stores the update durably; `false` means this update_id was seen in the last 24 h. `raw` is the body as received
   * (the same JSON), stored as is when given.
   */
  accept(update: Update, raw?: string): Promise<boolean> | boolean;
  done(updateId: number): Promise<void> | void;
  /**
   * Updates a previous run accepted and did not handle (a crash between ack and handling), oldest first. Never one
   * this run accepted: the webhook already handed those on, and the process listens before it resumes.
   */
  pending(): Promise<Update[]> | Update[];
  /** Accepted, not yet handled updates by id, in the order asked (the dispatcher's overflow comes back this way). */
  bodies(ids: number[]): Promise<Update[]> | Update[];
  close(): Promise<void> | void;
}

export class InboxClosedError extends Error {
  override readonly name = 'InboxClosedError';
  constructor() {
    super('the inbox is closed');
  }
}

/** The inbox's schema steps in the gateway's file (the first is the schema from before versions: safe on it). */
const MIGRATIONS: Migration[] = [
  `CREATE TABLE IF NOT EXISTS updates (update_id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, body TEXT);
   CREATE INDEX IF NOT EXISTS updates_received ON updates(received_at);`,
];

type Waiting = { updateId: number; body: string; resolve: (fresh: boolean) => void; reject: (error: unknown) => void };

/**
 * The single-replica inbox: a table in the gateway's own SQLite file (operational state, not business data), on the
 * connection the app opened with service-kit's openSqlite (WAL, synchronous=NORMAL: a committed update survives a
 * process crash).
 *
 * Group commit: the updates accepted in one turn of the event loop are inserted in one transaction (one WAL append
 * instead of one per update), and each `accept` resolves only after that transaction committed, so the webhook
 * still answers 200 only for a durable update. Handled marks (`done`) ride along in the same transaction.
 */
export class SqliteInbox implements UpdateInbox {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly markDone: StatementSync;
  private readonly prune: StatementSync;
  private lastPrune = 0;
  private waiting: Waiting[] = [];
  private handled: number[] = [];
  private scheduled = false;
  private closed = false;
  /** What the last run left unhandled, as found at open (handed on by `pending`, once). */
  private leftover: number[];

  constructor(db: DatabaseSync) {
    this.db = db;
    migrate(db, MIGRATIONS, 'inbox');
    this.insert = this.db.prepare('INSERT OR IGNORE INTO updates(update_id, received_at, body) VALUES (?, ?, ?)');
    // Handled updates keep their id (for 24 h of dedupe) but drop the body.
    this.markDone = this.db.prepare('UPDATE updates SET body = NULL WHERE update_id = ?');
    this.prune = this.db.prepare('DELETE FROM updates WHERE received_at < ? AND body IS NULL');
    this.leftover = (
      this.db.prepare('SELECT update_id FROM updates WHERE body IS NOT NULL ORDER BY update_id').all() as Array<{
        update_id: number;
      }>
    ).map((r) => r.update_id);
  }

  accept(update: Update, raw?: string): Promise<boolean> {
    if (this.closed) return Promise.reject(new InboxClosedError());
    return new Promise((resolve, reject) => {
      this.waiting.push({ updateId: update.update_id, body: raw ?? JSON.stringify(update), resolve, reject });
      this.schedule();
    });
  }

  done(updateId: number): void {
    if (this.closed) return;
    this.handled.push(updateId);
    this.schedule();
  }

  pending(): Update[] {
    const ids = this.leftover;
    this.leftover = [];
    return this.bodies(ids);
  }

  bodies(ids: number[]): Update[] {
    this.flush();
    const found = new Map<number, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db
        .prepare(
          `SELECT update_id, body FROM updates WHERE body IS NOT NULL AND update_id IN (${chunk.map(() => '?').join(',')})`,
        )
        .all(...chunk) as Array<{ update_id: number; body: string }>;
      for (const r of rows) found.set(r.update_id, r.body);
    }
    return ids.flatMap((id) => {
      const body = found.get(id);
      return body === undefined ? [] : [JSON.parse(body) as Update];
    });
  }

  /** Commits what is waiting and refuses more; the connection stays open for its owner to close. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: every request whose body arrived in it joins the same transaction.
    setImmediate(() => this.flush());
  }

  /** Commits what is waiting in one transaction, then answers each `accept`; on failure every one of them rejects. */
  private flush(): void {
    this.scheduled = false;
    if (this.waiting.length === 0 && this.handled.length === 0) return;
    const waiting = this.waiting;
    const handled = this.handled;
    this.waiting = [];
    this.handled = [];
    const now = Date.now();
    const fresh: boolean[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      if (now - this.lastPrune > 60_000) {
        this.lastPrune = now;
        this.prune.run(now - DAY_MS);
      }
      for (const w of waiting) fresh.push(Number(this.insert.run(w.updateId, now, w.body).changes) === 1);
      for (const id of handled) this.markDone.run(id);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      for (const w of waiting) w.reject(error);
      // A lost handled mark only means the update is handled again after a restart; keep it for the next commit.
      this.handled.unshift(...handled);
      return;
    }
    waiting.forEach((w, i) => w.resolve(fresh[i]!));
  }
}
