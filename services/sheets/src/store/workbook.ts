import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { type ColumnOf, type RawRow, TABS, type TabName } from '@mb/contracts';
import { transaction } from './db.ts';

export type ChangeEvent = { seq: number; type: string; payload: Record<string, unknown>; createdAt: string };

export class RowNotFoundError extends Error {
  override readonly name = 'RowNotFoundError';
  readonly tab: TabName;
  readonly id: string;
  constructor(tab: TabName, id: string) {
    super(`${tab}: no row with id ${id}`);
    this.tab = tab;
    this.id = id;
  }
}

const nowIso = () => new Date().toISOString();

/**
 * The SQLite workbook: every read of the product is served from here; every write the bot makes is stored
 * together with its outbox entry (to reach the Sheet) in one transaction, so nothing acknowledged is lost.
 */
export class Workbook {
  readonly db: DatabaseSync;
  /** False when no spreadsheet is configured: SQLite is the whole store, so nothing is queued for a Sheet. */
  readonly outbox: boolean;
  constructor(db: DatabaseSync, opts: { outbox?: boolean } = {}) {
    this.db = db;
    this.outbox = opts.outbox ?? true;
  }

  get<T extends TabName>(tab: T, id: string): RawRow<T> | undefined {
    return this.prepared(`SELECT * FROM "${tab}" WHERE "${TABS[tab].key}" = ?`).get(id) as RawRow<T> | undefined;
  }

  /** Rows matching equality conditions on columns, in the order given. */
  find<T extends TabName>(
    tab: T,
    where: Partial<RawRow<T>> = {},
    opts: { orderBy?: string; limit?: number; offset?: number } = {},
  ): RawRow<T>[] {
    const keys = Object.keys(where) as ColumnOf<T>[];
    for (const k of keys) this.assertColumn(tab, k);
    const clause = keys.length ? ` WHERE ${keys.map((k) => `"${k}" = ?`).join(' AND ')}` : '';
    const order = opts.orderBy ? ` ORDER BY ${opts.orderBy}` : '';
    const limit = opts.limit !== undefined ? ' LIMIT ? OFFSET ?' : '';
    const values = keys.map((k) => (where as Record<string, string>)[k] as SQLInputValue);
    if (opts.limit !== undefined) values.push(Math.trunc(opts.limit), Math.trunc(opts.offset ?? 0));
    // Prepared once per shape (tab, columns, order: all from code), as every read on the handler path is one of these.
    return this.prepared(`SELECT * FROM "${tab}"${clause}${order}${limit}`).all(...values) as RawRow<T>[];
  }

  count(tab: TabName): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM "${tab}"`).get() as { n: number }).n;
  }

  /** The next id of a sequence, e.g. `T-1001` for tickets. */
  nextId(prefix: string, start = 1): string {
    return transaction(this.db, () => {
      const row = this.db.prepare('SELECT next FROM sequences WHERE name = ?').get(prefix) as
        | { next: number }
        | undefined;
      const next = row?.next ?? start;
      this.db
        .prepare('INSERT INTO sequences(name, next) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET next = excluded.next')
        .run(prefix, next + 1);
      return `${prefix}-${next}`;
    });
  }

  /** Inserts a row the bot created and queues it for the Sheet. */
  insert<T extends TabName>(tab: T, row: Partial<RawRow<T>>, opts: { outbox?: boolean } = {}): RawRow<T> {
    const full = Object.fromEntries(
      TABS[tab].columns.map((c) => [c, (row as Record<string, string>)[c] ?? '']),
    ) as RawRow<T>;
    return transaction(this.db, () => {
      const cols = TABS[tab].columns;
      this.prepared(
        `INSERT INTO "${tab}" (${cols.map((c) => `"${c}"`).join(', ')}, _updated_at, _updated_by) VALUES (${cols.map(() => '?').join(', ')}, ?, 'bot')`,
      ).run(...cols.map((c) => (full as Record<string, string>)[c] as string), nowIso());
      if (opts.outbox !== false) this.enqueue(tab, full[TABS[tab].key as ColumnOf<T>], 'insert', full);
      return full;
    });
  }

  /** Updates cells of a row the bot changed and queues exactly those cells for the Sheet. */
  update<T extends TabName>(
    tab: T,
    id: string,
    patch: Partial<RawRow<T>>,
    opts: { outbox?: boolean; by?: 'bot' | 'sheet' } = {},
  ): RawRow<T> {
    const keys = Object.keys(patch) as ColumnOf<T>[];
    for (const k of keys) this.assertColumn(tab, k);
    return transaction(this.db, () => {
      const existing = this.get(tab, id);
      if (!existing) throw new RowNotFoundError(tab, id);
      if (keys.length === 0) return existing;
      this.db
        .prepare(
          `UPDATE "${tab}" SET ${keys.map((k) => `"${k}" = ?`).join(', ')}, _updated_at = ?, _updated_by = ? WHERE "${TABS[tab].key}" = ?`,
        )
        .run(...keys.map((k) => (patch as Record<string, string>)[k] as string), nowIso(), opts.by ?? 'bot', id);
      if (opts.outbox !== false && (opts.by ?? 'bot') === 'bot')
        this.enqueue(tab, id, 'update', patch as Record<string, string>);
      return { ...existing, ...patch };
    });
  }

  private enqueue(tab: TabName, rowId: string, kind: 'insert' | 'update', columns: Record<string, string>): void {
    if (!this.outbox) return;
    this.prepared('INSERT INTO outbox(tab, row_id, kind, columns, created_at) VALUES (?, ?, ?, ?, ?)').run(
      tab,
      rowId,
      kind,
      JSON.stringify(columns),
      nowIso(),
    );
  }

  private readonly statements = new Map<string, StatementSync>();
  /** A prepared statement, compiled once: the hot paths (a 200,000-row pull, 1,000 writes/s) run them per row. */
  private prepared(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  private assertColumn(tab: TabName, column: string): void {
    if (!(TABS[tab].columns as readonly string[]).includes(column)) throw new Error(`${tab} has no column ${column}`);
  }

  /** Records a change event for the gateway (in the caller's transaction, if any). */
  emit(type: string, payload: Record<string, unknown>): number {
    const result = this.prepared('INSERT INTO events(type, payload, created_at) VALUES (?, ?, ?)').run(
      type,
      JSON.stringify(payload),
      nowIso(),
    );
    return Number(result.lastInsertRowid);
  }

  /** Events after the consumer's committed cursor (or after `after`, when given). */
  eventsSince(consumer: string, limit: number, after?: number): { events: ChangeEvent[]; cursor: number } {
    const committed =
      (this.db.prepare('SELECT seq FROM event_cursors WHERE consumer = ?').get(consumer) as { seq: number } | undefined)
        ?.seq ?? 0;
    const from = after ?? committed;
    const rows = this.db
      .prepare('SELECT seq, type, payload, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(from, limit) as Array<{
      seq: number;
      type: string;
      payload: string;
      created_at: string;
    }>;
    return {
      events: rows.map((r) => ({
        seq: r.seq,
        type: r.type,
        payload: JSON.parse(r.payload) as Record<string, unknown>,
        createdAt: r.created_at,
      })),
      cursor: from,
    };
  }

  /** Moves a consumer's cursor forward (never back). */
  ackEvents(consumer: string, seq: number): void {
    this.db
      .prepare(
        'INSERT INTO event_cursors(consumer, seq) VALUES (?, ?) ON CONFLICT(consumer) DO UPDATE SET seq = max(seq, excluded.seq)',
      )
      .run(consumer, seq);
  }

  outboxDepth(): { pending: number; oldestAt: string | null } {
    const row = this.db.prepare('SELECT count(*) AS n, min(created_at) AS oldest FROM outbox').get() as {
      n: number;
      oldest: string | null;
    };
    return { pending: row.n, oldestAt: row.oldest };
  }
}
