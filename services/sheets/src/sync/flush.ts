import { TABS, type TabName } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import type { Workbook } from '../store/workbook.ts';
import { a1Cells, a1Column, a1Tab } from './a1.ts';
import type { SheetsApi, ValueRange } from './google-client.ts';
import { readLayout, type TabLayout } from './layout.ts';
import { Outbox, type RowWrite } from './outbox.ts';
import type { IdAssignment } from './pull.ts';
import { managedCells, SyncStore, type Cells } from './sync-store.ts';

export type FlushDeps = {
  wb: Workbook;
  api: SheetsApi;
  /** Tab layouts from the last pull; refreshed here when a header moved. */
  layouts: Map<TabName, TabLayout>;
  /** Asks the rate limiter for one call; false means "not now" and the rest waits for the next flush. */
  take: (kind: 'read' | 'write') => boolean;
  onLanded?: (createdAt: string[]) => void;
  log: (msg: string, data?: Record<string, unknown>) => void;
};

export type FlushSummary = { appended: number; updated: number; skippedCells: number; dropped: number; deferred: boolean; calls: number };

type Located = { layout: TabLayout; rowOf: Map<string, number>; column: Map<string, string[]> };

/**
 * One flush of the outbox: one read (headers, id columns and the managers' columns being written, of every tab
 * involved), then at most one values.batchUpdate for every update in every tab and one values.append per tab with
 * new rows — RAW, so text stays text. Rows are found by id in that fresh read, never by position. A row whose id is
 * already in the Sheet is not appended again (a retried append that had landed), and an (m) cell a manager changed
 * since it was last seen is left alone. Entries leave the outbox only when their call succeeded.
 */
export async function flushOutbox(deps: FlushDeps, limit = 5000): Promise<FlushSummary> {
  const { wb, api, layouts } = deps;
  const outbox = new Outbox(wb.db);
  const store = new SyncStore(wb.db);
  const summary: FlushSummary = { appended: 0, updated: 0, skippedCells: 0, dropped: 0, deferred: false, calls: 0 };
  const writes = outbox.next(limit);
  const assignments = store.get<IdAssignment[]>('id_assignments') ?? [];
  if (writes.length === 0 && assignments.length === 0) return summary;
  const tabs = [...new Set([...writes.map((w) => w.tab), ...assignments.map((a) => a.tab)])].filter((t) => layouts.get(t)?.usable);
  if (tabs.length === 0) return summary;
  if (!deps.take('read')) return { ...summary, deferred: true };

  const ranges: string[] = [];
  const plan = tabs.map((tab) => {
    const layout = layouts.get(tab)!;
    const cols = new Set<string>([TABS[tab].key]);
    for (const w of writes) if (w.tab === tab) for (const c of Object.keys(w.columns)) if ((TABS[tab].managed as readonly string[]).includes(c)) cols.add(c);
    for (const a of assignments) if (a.tab === tab) for (const c of Object.keys(a.match)) cols.add(c);
    const present = [...cols].filter((c) => layout.index.has(c));
    ranges.push(`${a1Tab(tab)}!1:1`, ...present.map((c) => a1Column(tab, layout.index.get(c)!)));
    return { tab, layout, present };
  });
  const read = await api.batchGet(ranges);
  summary.calls++;

  const located = new Map<TabName, Located>();
  let at = 0;
  for (const { tab, layout, present } of plan) {
    const header = read[at++]?.values[0] ?? [];
    const columns = present.map(() => (read[at++]?.values ?? []).map((r) => r[0] ?? ''));
    const fresh = readLayout(tab, header);
    if (fresh.header.join('\u0000') !== layout.header.join('\u0000')) {
      layouts.set(tab, fresh); // columns moved since the pull: the cells read are not where we asked; next flush
      deps.log('sheet header changed; writes to this tab wait for the next flush', { tab });
      continue;
    }
    const column = new Map(present.map((c, i) => [c, columns[i]!]));
    const rowOf = new Map<string, number>();
    (column.get(TABS[tab].key) ?? []).forEach((id, i) => {
      const key = id.trim();
      if (key && !rowOf.has(key)) rowOf.set(key, i + 1);
    });
    located.set(tab, { layout, rowOf, column });
  }

  const data: ValueRange[] = [];
  const landedUpdates: Array<{ w: RowWrite; cells: Cells }> = [];
  const appends = new Map<TabName, RowWrite[]>();
  for (const w of writes) {
    const loc = located.get(w.tab);
    if (!loc) continue;
    const row = loc.rowOf.get(w.rowId);
    if (row === undefined) {
      if (w.insert) appends.set(w.tab, [...(appends.get(w.tab) ?? []), w]);
      else {
        // the row is not in the Sheet (a manager deleted it): nothing to land on, and never another row
        transaction(wb.db, () => outbox.done(w.seqs));
        summary.dropped++;
        deps.log('dropped writes to a row missing from the Sheet', { tab: w.tab, id: w.rowId });
      }
      continue;
    }
    const base = store.snapshotOf(w.tab, w.rowId) ?? (w.insert ? managedCells(w.tab, w.columns) : undefined);
    const cells: Cells = {};
    for (const [c, v] of Object.entries(w.columns)) {
      if (c === TABS[w.tab].key || !loc.layout.index.has(c)) continue;
      const managed = (TABS[w.tab].managed as readonly string[]).includes(c);
      const current = loc.column.get(c)?.[row - 1] ?? '';
      if (managed && base && current !== (base[c] ?? '') && current !== v) {
        summary.skippedCells++; // a manager's newer edit: the next pull takes it
        continue;
      }
      cells[c] = v;
    }
    data.push(...cellRanges(w.tab, loc.layout, row, cells));
    landedUpdates.push({ w, cells });
  }
  for (const a of assignments) {
    const loc = located.get(a.tab);
    if (!loc) continue;
    const row = findUnkeyedRow(loc, a);
    if (row !== undefined) data.push({ range: a1Cells(a.tab, row, loc.layout.index.get(TABS[a.tab].key)!), values: [[a.id]] });
  }

  if (data.length) {
    if (!deps.take('write')) return { ...summary, deferred: true };
    await api.writeRanges(data);
    summary.calls++;
    transaction(wb.db, () => {
      for (const { w, cells } of landedUpdates) {
        outbox.done(w.seqs);
        store.saveSnapshot(w.tab, w.rowId, { ...(store.snapshotOf(w.tab, w.rowId) ?? managedCells(w.tab, w.columns)), ...managedCells(w.tab, cells) });
        summary.updated++;
        deps.onLanded?.(w.createdAt);
      }
      store.set('id_assignments', (store.get<IdAssignment[]>('id_assignments') ?? []).filter((x) => !assignments.some((a) => a.tab === x.tab && a.id === x.id && located.has(a.tab))));
    });
  } else if (assignments.length) {
    store.set('id_assignments', (store.get<IdAssignment[]>('id_assignments') ?? []).filter((x) => !located.has(x.tab)));
  }

  for (const [tab, rows] of appends) {
    if (!deps.take('write')) return { ...summary, deferred: true };
    const layout = located.get(tab)!.layout;
    try {
      await api.append(tab, rows.map((w) => layout.header.map((h) => (layout.index.get(h) !== undefined ? (w.columns[h] ?? '') : ''))));
    } finally {
      summary.calls++;
    }
    transaction(wb.db, () => {
      for (const w of rows) {
        outbox.done(w.seqs);
        store.saveSnapshot(tab, w.rowId, managedCells(tab, w.columns));
        deps.onLanded?.(w.createdAt);
      }
    });
    summary.appended += rows.length;
  }
  return summary;
}

/** Cells of one row as A1 ranges, one per run of adjacent columns. */
function cellRanges(tab: TabName, layout: TabLayout, row: number, cells: Cells): ValueRange[] {
  const byIndex = Object.entries(cells).map(([c, v]) => [layout.index.get(c)!, v] as const).sort((a, b) => a[0] - b[0]);
  const out: ValueRange[] = [];
  for (let i = 0; i < byIndex.length; ) {
    let j = i;
    while (j + 1 < byIndex.length && byIndex[j + 1]![0] === byIndex[j]![0] + 1) j++;
    out.push({ range: a1Cells(tab, row, byIndex[i]![0], j - i + 1), values: [byIndex.slice(i, j + 1).map(([, v]) => v)] });
    i = j + 1;
  }
  return out;
}

/** The row (0-based, header = 0) without an id whose managers' cells match an id assignment. */
function findUnkeyedRow(loc: Located, a: IdAssignment): number | undefined {
  const ids = loc.column.get(TABS[a.tab].key) ?? [];
  const length = Math.max(ids.length, ...[...loc.column.values()].map((c) => c.length));
  for (let i = 0; i < length; i++) {
    if ((ids[i] ?? '').trim() !== '') continue;
    if (Object.entries(a.match).every(([c, v]) => !loc.layout.index.has(c) || (loc.column.get(c)?.[i] ?? '') === v)) return i + 1;
  }
  return undefined;
}
