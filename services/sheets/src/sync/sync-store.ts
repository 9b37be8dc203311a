import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { TABS, type TabName } from '@mb/contracts';

export type Cells = Record<string, string>;

/** The managers' cells of a row (what the snapshot keeps). */
export const managedCells = (tab: TabName, row: Record<string, string>): Cells => {
  const out: Cells = {};
  for (const c of TABS[tab].managed) if (c !== TABS[tab].key && row[c] !== undefined) out[c] = row[c];
  return out;
};

/**
 * What the sync remembers durably, in the workbook's own database (so it commits with the change it describes):
 * the managers' cells of each row as the Sheet last held them (read by a pull, or written by a flush), and small
 * named values. A cell that differs from its snapshot was edited by a manager since; one that matches was not.
 */
export class SyncStore {
  readonly db: DatabaseSync;
  private save: StatementSync | undefined;
  private one: StatementSync | undefined;
  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** A row's last-seen cells as stored (JSON text): compared as text, parsed only for rows that changed. */
  snapshotJson(tab: TabName, id: string): string | undefined {
    this.one ??= this.db.prepare('SELECT cells FROM sheet_rows WHERE tab = ? AND id = ?');
    return (this.one.get(tab, id) as { cells: string } | undefined)?.cells;
  }

  /**
   * The ids of a tab's snapshot, one at a time (not the cells, and not a list: `all()` of a 200,000-row tab makes
   * 200,000 row objects at once, ≈ 60 MB of heap). Change the table only after the walk.
   */
  *snapshotIds(tab: TabName): Generator<string> {
    for (const row of this.db.prepare('SELECT id FROM sheet_rows WHERE tab = ?').iterate(tab) as Iterable<{
      id: string;
    }>)
      yield row.id;
  }

  snapshotOf(tab: TabName, id: string): Cells | undefined {
    const json = this.snapshotJson(tab, id);
    return json === undefined ? undefined : (JSON.parse(json) as Cells);
  }

  saveSnapshot(tab: TabName, id: string, cells: Cells | string): void {
    this.save ??= this.db.prepare(
      'INSERT INTO sheet_rows(tab, id, cells) VALUES (?, ?, ?) ON CONFLICT(tab, id) DO UPDATE SET cells = excluded.cells',
    );
    this.save.run(tab, id, typeof cells === 'string' ? cells : JSON.stringify(cells));
  }

  dropSnapshot(tab: TabName, id: string): void {
    this.db.prepare('DELETE FROM sheet_rows WHERE tab = ? AND id = ?').run(tab, id);
  }

  get<T>(key: string): T | undefined {
    const row = this.db.prepare('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare('INSERT INTO sync_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }
}
