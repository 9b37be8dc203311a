import { type RawRow, TABS, type TabName } from '@mb/contracts';
import { isLive } from '../domain/catalog.ts';
import { eventsForManagerChange, type PendingEvent } from '../domain/change-events.ts';
import { transaction } from '../store/db.ts';
import { type BadRow, toPromotion } from '../store/mappers.ts';
import type { Workbook } from '../store/workbook.ts';
import type { TabColumns } from './column-read.ts';
import { readLayout, type TabLayout } from './layout.ts';
import { Outbox } from './outbox.ts';
import { rowProblem } from './row-checks.ts';
import { type Cells, managedCells, SyncStore } from './sync-store.ts';

/** Tabs whose rows managers create (and delete) in the Sheet, read whole; the others' rows are the bot's and are never deleted here. */
const MANAGERS_ROWS: ReadonlySet<TabName> = new Set(['Promotions', 'FAQ', 'Settings', 'Users', 'Broadcasts']);
const DELETABLE: ReadonlySet<TabName> = new Set(['Promotions', 'FAQ', 'Settings']);
/** Rows managers add without an id get one (and it is written back to the Sheet). */
const ID_PREFIX: Partial<Record<TabName, string>> = { Users: 'U', Broadcasts: 'B' };

export type PullSummary = {
  rows: Partial<Record<TabName, number>>;
  applied: number;
  inserted: number;
  deleted: number;
  events: number;
  problems: string[];
  badRows: BadRow[];
  layouts: Map<TabName, TabLayout>;
};

/** A row a manager added without an id: the id it was given, and how the flusher finds the row to write it back. */
export type IdAssignment = { tab: TabName; id: string; match: Record<string, string> };

/**
 * Applies one read of the Sheet (`tables`: each tab's header and its id and managers' columns; undefined when the tab
 * is missing) to the
 * replica: managers' cells that changed since the Sheet was last seen are written to SQLite (a queued bot write to
 * the same cell is dropped: the manager's edit is the newer), rows managers added are inserted, the change events
 * they mean are recorded — all in one transaction with the new snapshot, so each change yields its events exactly once.
 */
export function applyPull(wb: Workbook, tables: Map<TabName, TabColumns | undefined>, now = new Date()): PullSummary {
  const store = new SyncStore(wb.db);
  const outbox = new Outbox(wb.db);
  const summary: PullSummary = {
    rows: {},
    applied: 0,
    inserted: 0,
    deleted: 0,
    events: 0,
    problems: [],
    badRows: [],
    layouts: new Map(),
  };
  const emit = (events: PendingEvent[], activated: Set<string>) => {
    for (const e of events) {
      if (e.type === 'promotion.activated') activated.add(e.payload.promotionId);
      wb.emit(e.type, e.payload);
    }
    summary.events += events.length;
  };
  transaction(wb.db, () => {
    const activated = new Set<string>();
    const assignments = store.get<IdAssignment[]>('id_assignments') ?? [];
    const pulled = new Set(store.get<TabName[]>('pulled_tabs') ?? []);
    for (const [tab, read] of tables) {
      if (!read) {
        summary.problems.push(`${tab}: tab is missing`);
        continue;
      }
      const layout = readLayout(tab, read.header);
      summary.layouts.set(tab, layout);
      summary.problems.push(...layout.problems);
      if (!layout.usable) continue;
      // The first pull of a tab imports it: rows already there are not news, so they raise no events.
      const importing = !pulled.has(tab);
      const { key } = TABS[tab];
      const getRow = wb.db.prepare(`SELECT * FROM "${tab}" WHERE "${key}" = ?`);
      const pending = outbox.pending(tab);
      const seen = new Set<string>();
      const blank = emptyRow(tab);
      const names = Object.keys(read.columns);
      const cells = names.map((c) => read.columns[c]!);
      const length = cells.reduce((n, c) => Math.max(n, c.length), 0);
      let count = 0;
      for (let i = 0; i < length; i++) {
        const record: Record<string, string> = {};
        let blankRow = true;
        names.forEach((c, k) => {
          const v = cells[k]![i] ?? '';
          record[c] = v;
          if (blankRow && v !== '' && v.trim() !== '') blankRow = false;
        });
        if (blankRow) continue;
        count++;
        let id = (record[key] ?? '').trim();
        if (!id) {
          const prefix = ID_PREFIX[tab];
          if (!prefix) {
            summary.badRows.push({ tab, id: '', problem: `row without ${key}` });
            continue;
          }
          id = reuseAssignedId(assignments, tab, record) ?? wb.nextId(prefix, 1000);
          record[key] = id;
          if (!assignments.some((a) => a.tab === tab && a.id === id))
            assignments.push({ tab, id, match: matchCells(tab, record) });
        }
        if (seen.has(id)) {
          summary.badRows.push({ tab, id, problem: `${key} appears more than once; the first row is used` });
          continue;
        }
        seen.add(id);
        const seenCells = managedCells(tab, record);
        const seenJson = JSON.stringify(seenCells);
        const storedJson = store.snapshotJson(tab, id);
        if (storedJson === seenJson) continue; // no manager touched this row since it was last seen: nothing to do
        const waiting = pending.get(id);
        if (waiting?.insert) continue; // the bot's own row, not yet confirmed in the Sheet
        const existing = getRow.get(id) as Record<string, string> | undefined;
        const problem = rowProblem(tab, { ...blank, ...existing, ...record });
        if (problem) {
          summary.badRows.push({ tab, id, problem });
          continue;
        }
        const stored = storedJson === undefined ? undefined : (JSON.parse(storedJson) as Cells);
        if (!existing) {
          if (!MANAGERS_ROWS.has(tab)) continue; // a row only the bot adds, unknown here: not ours to import
          const row = wb.insert(tab, record as Partial<RawRow<TabName>>, { outbox: false });
          store.saveSnapshot(tab, id, seenJson);
          summary.inserted++;
          if (!importing && MANAGERS_ROWS.has(tab)) emit(eventsForManagerChange(tab, undefined, row, now), activated);
          continue;
        }
        const base: Cells = stored ?? baseFromReplica(tab, existing, seenCells, waiting?.columns);
        const changed: Cells = {};
        for (const [c, v] of Object.entries(seenCells)) if (v !== (base[c] ?? '') && v !== existing[c]) changed[c] = v;
        const overridden = Object.keys(seenCells).filter(
          (c) => seenCells[c] !== (base[c] ?? '') && waiting?.columns.has(c),
        );
        if (overridden.length) outbox.dropCells(tab, id, overridden);
        if (Object.keys(changed).length) {
          const after = wb.update(tab, id, changed as Partial<RawRow<TabName>>, {
            by: 'sheet',
            outbox: false,
          }) as Record<string, string>;
          summary.applied++;
          if (!importing) emit(eventsForManagerChange(tab, existing, after, now), activated);
        }
        store.saveSnapshot(tab, id, stored ? { ...stored, ...seenCells } : seenJson);
      }
      summary.rows[tab] = count;
      const gone: string[] = [];
      for (const id of store.snapshotIds(tab)) if (!seen.has(id) && !pending.get(id)?.insert) gone.push(id);
      for (const id of gone) {
        store.dropSnapshot(tab, id);
        if (DELETABLE.has(tab)) {
          wb.db.prepare(`DELETE FROM "${tab}" WHERE "${key}" = ?`).run(id);
          summary.deleted++;
        }
      }
      if (importing && DELETABLE.has(tab)) {
        // Promotions, FAQ and Settings are the managers': what the Sheet lacks at the first pull (a demo seed, a copy
        // made before the Sheet was connected) goes, or the bot would show promotions no manager can see or edit.
        for (const { id } of wb.db.prepare(`SELECT "${key}" AS id FROM "${tab}"`).all() as Array<{ id: string }>) {
          if (seen.has(id) || pending.get(id)?.insert) continue;
          wb.db.prepare(`DELETE FROM "${tab}" WHERE "${key}" = ?`).run(id);
          summary.deleted++;
        }
      }
      pulled.add(tab);
    }
    store.set('id_assignments', assignments);
    store.set('pulled_tabs', [...pulled]);
    if (tables.has('Promotions')) emitTimeActivations(wb, store, activated, now, (e) => emit(e, activated));
  });
  return summary;
}

const emptyRow = (tab: TabName): Record<string, string> => Object.fromEntries(TABS[tab].columns.map((c) => [c, '']));

/** Without a snapshot (first sync of this row), the replica is the baseline, except cells the bot is still writing. */
function baseFromReplica(
  tab: TabName,
  existing: Record<string, string>,
  seen: Cells,
  waiting: Set<string> | undefined,
): Cells {
  const base = managedCells(tab, existing);
  for (const c of waiting ?? []) if (c in seen) base[c] = seen[c]!;
  return base;
}

/** What identifies a row a manager added without an id, until its id is written back: its other managers' cells. */
const matchCells = (tab: TabName, record: Record<string, string>) => managedCells(tab, record);
function reuseAssignedId(
  assignments: IdAssignment[],
  tab: TabName,
  record: Record<string, string>,
): string | undefined {
  const cells = matchCells(tab, record);
  return assignments.find((a) => a.tab === tab && Object.entries(a.match).every(([c, v]) => (cells[c] ?? '') === v))
    ?.id;
}

/** Promotions that became live by the calendar (a start date reached) with no edit: each once, remembered durably. */
function emitTimeActivations(
  wb: Workbook,
  store: SyncStore,
  activated: Set<string>,
  now: Date,
  emit: (e: PendingEvent[]) => void,
) {
  const live: string[] = [];
  for (const row of wb.find('Promotions')) {
    try {
      if (isLive(toPromotion(row), now)) live.push(row.id);
    } catch {
      // a bad row is reported by the pull and the catalog; it is simply not live
    }
  }
  const before = store.get<string[]>('live_promotions');
  if (before) {
    const was = new Set(before);
    emit(
      live
        .filter((id) => !was.has(id) && !activated.has(id))
        .map((promotionId) => ({ type: 'promotion.activated' as const, payload: { promotionId } })),
    );
  }
  store.set('live_promotions', live);
}
