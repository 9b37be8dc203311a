import { TABS, type TabName } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import type { Workbook } from '../store/workbook.ts';
import { readColumns } from './column-read.ts';
import type { CellWrite, SheetsApi } from './google-client.ts';
import type { TabLayout } from './layout.ts';
import { Outbox, type RowWrite } from './outbox.ts';
import type { IdAssignment } from './pull.ts';
import { type Cells, managedCells, SyncStore } from './sync-store.ts';

export type FlushDeps = {
  wb: Workbook;
  api: SheetsApi;
  /** Tab layouts from the last pull; refreshed here when a header moved. */
  layouts: Map<TabName, TabLayout>;
  /** Sheet ids by tab title (from spreadsheets.get), which the write call addresses tabs by. */
  sheetIds: Map<string, number>;
  /** Asks the call budget for one call; false means "not now": everything waits for the next flush. */
  take: (kind: 'read' | 'write') => boolean;
  onLanded?: (createdAt: string[]) => void;
  log: (msg: string, data?: Record<string, unknown>) => void;
};

export type FlushSummary = {
  appended: number;
  updated: number;
  skippedCells: number;
  dropped: number;
  deferred: boolean;
  calls: number;
};

type Located = { layout: TabLayout; sheetId: number; rowOf: Map<string, number>; column: Map<string, string[]> };

/** Keeps one write call well under Google's 2 MB request limit. */
const MAX_BATCH_CHARS = 1_500_000;

const isManaged = (tab: TabName, column: string) => (TABS[tab].managed as readonly string[]).includes(column);

/**
 * One flush of the outbox in two calls, however many writes wait: one values.batchGet (header, id column and the
 * managers' columns being written, of every tab involved), then one spreadsheets.batchUpdate that appends every new
 * row and updates every changed cell as text, atomically. Rows are found by id in that fresh read, never by
 * position. A row whose id is already in the Sheet is not appended again (an earlier call landed but its answer was
 * lost), and an (m) cell a manager changed since it was last seen is left for the next pull. Entries leave the
 * outbox only once the call succeeded.
 */
export async function flushOutbox(deps: FlushDeps, limit = 5000): Promise<FlushSummary> {
  const { wb, api } = deps;
  const outbox = new Outbox(wb.db);
  const store = new SyncStore(wb.db);
  const summary: FlushSummary = { appended: 0, updated: 0, skippedCells: 0, dropped: 0, deferred: false, calls: 0 };
  const writes = outbox.next(limit);
  const assignments = store.get<IdAssignment[]>('id_assignments') ?? [];
  const tabs = [...new Set([...writes.map((w) => w.tab), ...assignments.map((a) => a.tab)])].filter(
    (t) => deps.layouts.get(t)?.usable && deps.sheetIds.has(t),
  );
  if (tabs.length === 0) return summary;
  if (!deps.take('read')) return { ...summary, deferred: true };
  const located = await locate(deps, tabs, writes, assignments);
  summary.calls++;

  const cellWrites: CellWrite[] = [];
  const landed: Array<{ w: RowWrite; cells: Cells; appended: boolean }> = [];
  const missing: RowWrite[] = [];
  const archived: RowWrite[] = [];
  const archivedRow = wb.db.prepare('SELECT 1 FROM archived_rows WHERE tab = ? AND id = ?');
  const isArchived = (tab: TabName, id: string) => archivedRow.get(tab, id) !== undefined;
  const appends = new Map<number, string[][]>();
  let chars = 0;
  for (const w of writes) {
    const loc = located.get(w.tab);
    if (!loc) continue;
    if (chars > MAX_BATCH_CHARS) break;
    const row = loc.rowOf.get(w.rowId);
    if (row === undefined && isArchived(w.tab, w.rowId)) {
      archived.push(w); // taken out of the Sheet by the archive on purpose: SQLite keeps it, the Sheet does not get it back
      continue;
    }
    if (row === undefined && !w.insert) {
      missing.push(w); // the row is not in the Sheet (a manager deleted it): nothing to land on, and never another row
      continue;
    }
    if (row === undefined) {
      const values = loc.layout.header.map((h) => (loc.layout.index.get(h) !== undefined ? (w.columns[h] ?? '') : ''));
      appends.set(loc.sheetId, [...(appends.get(loc.sheetId) ?? []), values]);
      chars += values.reduce((n, v) => n + v.length + 40, 0);
      landed.push({ w, cells: w.columns, appended: true });
      continue;
    }
    const base = store.snapshotOf(w.tab, w.rowId) ?? (w.insert ? managedCells(w.tab, w.columns) : undefined);
    const cells: Cells = {};
    for (const [c, v] of Object.entries(w.columns)) {
      if (c === TABS[w.tab].key || !loc.layout.index.has(c)) continue;
      const current = loc.column.get(c)?.[row - 1] ?? '';
      if (isManaged(w.tab, c) && base && current !== (base[c] ?? '') && current !== v) {
        summary.skippedCells++; // a manager's newer edit: the next pull takes it
        continue;
      }
      cells[c] = v;
    }
    for (const run of runs(loc, row, cells)) {
      cellWrites.push(run);
      chars += run.values.reduce((n, v) => n + v.length + 40, 0);
    }
    landed.push({ w, cells, appended: false });
  }
  for (const [sheetId, rows] of appends) cellWrites.push({ kind: 'append', sheetId, rows });
  const assigned: IdAssignment[] = [];
  for (const a of assignments) {
    const loc = located.get(a.tab);
    if (!loc) continue;
    assigned.push(a);
    const row = findUnkeyedRow(loc, a);
    if (row !== undefined)
      cellWrites.push({
        kind: 'update',
        sheetId: loc.sheetId,
        row,
        col: loc.layout.index.get(TABS[a.tab].key)!,
        values: [a.id],
      });
  }

  if (cellWrites.length) {
    if (!deps.take('write')) return { ...summary, deferred: true };
    await api.writeCells(cellWrites);
    summary.calls++;
  }
  transaction(wb.db, () => {
    for (const { w, cells, appended } of landed) {
      outbox.done(w.seqs);
      const before = appended ? {} : (store.snapshotOf(w.tab, w.rowId) ?? managedCells(w.tab, w.columns));
      store.saveSnapshot(w.tab, w.rowId, { ...before, ...managedCells(w.tab, cells) });
      if (appended) summary.appended++;
      else summary.updated++;
      deps.onLanded?.(w.createdAt);
    }
    for (const w of missing) outbox.done(w.seqs);
    for (const w of archived) outbox.done(w.seqs);
    if (assigned.length)
      store.set(
        'id_assignments',
        (store.get<IdAssignment[]>('id_assignments') ?? []).filter(
          (x) => !assigned.some((a) => a.tab === x.tab && a.id === x.id),
        ),
      );
  });
  summary.dropped = missing.length;
  if (missing.length)
    deps.log('dropped writes to rows missing from the Sheet', {
      rows: missing.map((w) => `${w.tab}:${w.rowId}`).slice(0, 20),
    });
  return summary;
}

/** The one read of a flush: per tab its header, its id column and the managers' columns about to be written. */
async function locate(
  deps: FlushDeps,
  tabs: TabName[],
  writes: RowWrite[],
  assignments: IdAssignment[],
): Promise<Map<TabName, Located>> {
  const wanted = tabs.map((tab) => {
    const cols = new Set<string>([TABS[tab].key]);
    for (const w of writes)
      if (w.tab === tab) for (const c of Object.keys(w.columns)) if (isManaged(tab, c)) cols.add(c);
    for (const a of assignments) if (a.tab === tab) for (const c of Object.keys(a.match)) cols.add(c);
    return { tab, layout: deps.layouts.get(tab)!, columns: [...cols] };
  });
  const { tables, moved } = await readColumns(deps.api, wanted);
  for (const [tab, layout] of moved) {
    deps.layouts.set(tab, layout); // columns moved since the pull: what was read is not where we asked; next flush
    deps.log('the header of a tab changed; its writes wait for the next flush', { tab });
  }
  const located = new Map<TabName, Located>();
  for (const [tab, { columns }] of tables) {
    const column = new Map(Object.entries(columns));
    const rowOf = new Map<string, number>();
    (column.get(TABS[tab].key) ?? []).forEach((id, i) => {
      const key = id.trim();
      if (key && !rowOf.has(key)) rowOf.set(key, i + 1);
    });
    located.set(tab, { layout: deps.layouts.get(tab)!, sheetId: deps.sheetIds.get(tab)!, rowOf, column });
  }
  return located;
}

/** Cells of one row as runs of adjacent columns, one updateCells each. */
function runs(loc: Located, row: number, cells: Cells): Array<Extract<CellWrite, { kind: 'update' }>> {
  const byIndex = Object.entries(cells)
    .map(([c, v]) => [loc.layout.index.get(c)!, v] as const)
    .sort((a, b) => a[0] - b[0]);
  const out: Array<Extract<CellWrite, { kind: 'update' }>> = [];
  for (let i = 0; i < byIndex.length; ) {
    let j = i;
    while (j + 1 < byIndex.length && byIndex[j + 1]![0] === byIndex[j]![0] + 1) j++;
    out.push({
      kind: 'update',
      sheetId: loc.sheetId,
      row,
      col: byIndex[i]![0],
      values: byIndex.slice(i, j + 1).map(([, v]) => v),
    });
    i = j + 1;
  }
  return out;
}

/** The row (0-based, header = 0) without an id whose managers' cells match an id assignment. */
function findUnkeyedRow(loc: Located, a: IdAssignment): number | undefined {
  const ids = loc.column.get(TABS[a.tab].key) ?? [];
  const length = [...loc.column.values()].reduce((n, c) => Math.max(n, c.length), ids.length);
  for (let i = 0; i < length; i++) {
    if ((ids[i] ?? '').trim() !== '') continue;
    if (Object.entries(a.match).every(([c, v]) => !loc.layout.index.has(c) || (loc.column.get(c)?.[i] ?? '') === v))
      return i + 1;
  }
  return undefined;
}
