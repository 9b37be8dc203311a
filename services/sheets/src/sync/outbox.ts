import type { DatabaseSync } from 'node:sqlite';
import type { TabName } from '@mb/contracts';

export type OutboxEntry = {
  seq: number;
  tab: TabName;
  rowId: string;
  kind: 'insert' | 'update';
  columns: Record<string, string>;
  createdAt: string;
};

/** The writes queued for one row, folded in order: an insert absorbs later updates; updates merge, later wins. */
export type RowWrite = {
  tab: TabName;
  rowId: string;
  insert: boolean;
  columns: Record<string, string>;
  seqs: number[];
  createdAt: string[];
};

type Raw = { seq: number; tab: string; row_id: string; kind: string; columns: string; created_at: string };
const parse = (r: Raw): OutboxEntry => ({
  seq: r.seq,
  tab: r.tab as TabName,
  rowId: r.row_id,
  kind: r.kind as 'insert' | 'update',
  columns: JSON.parse(r.columns) as Record<string, string>,
  createdAt: r.created_at,
});

/** Reads and edits the `outbox` table that Workbook.insert/update fill. */
export class Outbox {
  readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** The oldest `limit` entries folded per row, in the order the rows were first queued. */
  next(limit: number): RowWrite[] {
    const rows = (this.db.prepare('SELECT * FROM outbox ORDER BY seq LIMIT ?').all(limit) as Raw[]).map(parse);
    const byRow = new Map<string, RowWrite>();
    for (const e of rows) {
      const key = `${e.tab}\u0000${e.rowId}`;
      const w = byRow.get(key);
      if (!w)
        byRow.set(key, {
          tab: e.tab,
          rowId: e.rowId,
          insert: e.kind === 'insert',
          columns: { ...e.columns },
          seqs: [e.seq],
          createdAt: [e.createdAt],
        });
      else {
        w.insert ||= e.kind === 'insert';
        Object.assign(w.columns, e.columns);
        w.seqs.push(e.seq);
        w.createdAt.push(e.createdAt);
      }
    }
    return [...byRow.values()];
  }

  /** Cells of a tab with a bot write still on its way, by row id (`insert` when the row itself has not landed). */
  pending(tab: TabName): Map<string, { insert: boolean; columns: Set<string> }> {
    const out = new Map<string, { insert: boolean; columns: Set<string> }>();
    for (const e of (this.db.prepare('SELECT * FROM outbox WHERE tab = ?').all(tab) as Raw[]).map(parse)) {
      const p = out.get(e.rowId) ?? { insert: false, columns: new Set<string>() };
      p.insert ||= e.kind === 'insert';
      for (const c of Object.keys(e.columns)) p.columns.add(c);
      out.set(e.rowId, p);
    }
    return out;
  }

  /** A manager's newer edit wins: the queued bot writes to these cells of a row are dropped (insert rows are kept). */
  dropCells(tab: TabName, rowId: string, columns: string[]): void {
    const rows = (
      this.db.prepare("SELECT * FROM outbox WHERE tab = ? AND row_id = ? AND kind = 'update'").all(tab, rowId) as Raw[]
    ).map(parse);
    for (const e of rows) {
      for (const c of columns) delete e.columns[c];
      if (Object.keys(e.columns).length === 0) this.db.prepare('DELETE FROM outbox WHERE seq = ?').run(e.seq);
      else this.db.prepare('UPDATE outbox SET columns = ? WHERE seq = ?').run(JSON.stringify(e.columns), e.seq);
    }
  }

  done(seqs: number[]): void {
    const del = this.db.prepare('DELETE FROM outbox WHERE seq = ?');
    for (const s of seqs) del.run(s);
  }

  /** Records a failed attempt on the oldest entries (what an operator sees in `last_error`). */
  failed(limit: number, error: string): void {
    this.db
      .prepare(
        'UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)',
      )
      .run(error.slice(0, 500), limit);
  }

  oldestAgeSeconds(now = Date.now()): number {
    const row = this.db.prepare('SELECT min(created_at) AS oldest FROM outbox').get() as { oldest: string | null };
    return row.oldest ? Math.max(0, (now - Date.parse(row.oldest)) / 1000) : 0;
  }
}
