import { type RawRow, TABS, type TabName } from '@mb/contracts';
import { isLive } from '../domain/catalog.ts';
import { eventsForManagerChange, type PendingEvent } from '../domain/change-events.ts';
import { phoneKey, userIdByPhone } from '../domain/users.ts';
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

/** A cell of the Sheet the product refuses to take (a typo in a status, a date that is not a date). */
export type BadValue = { tab: TabName; id: string; column: string; value: string; problem: string };

export type PullSummary = {
  rows: Partial<Record<TabName, number>>;
  /** Rows taken in by the first pull of a tab (moving in from the Sheet the old bot filled), by tab. */
  imported: Partial<Record<TabName, number>>;
  /** Rows that first pull refused (conflicts, unreadable rows), by tab. */
  refused: Partial<Record<TabName, number>>;
  applied: number;
  inserted: number;
  deleted: number;
  events: number;
  problems: string[];
  badRows: BadRow[];
  /** The cells of those rows whose values their columns do not allow: what a manager has to correct. */
  badValues: BadValue[];
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
    imported: {},
    refused: {},
    applied: 0,
    inserted: 0,
    deleted: 0,
    events: 0,
    problems: [],
    badRows: [],
    badValues: [],
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
    /** Rows refused as conflicts, with the managers' cells they were refused with: refused again until edited. */
    const refused = store.get<Record<string, { cells: string; problem: string }>>('refused_rows') ?? {};
    /** Rows with bad cells a manager typed (not at moving in, which `check` lists): staff are told once per cell. */
    const noticeable = new Set<string>();
    /** The highest imported number per id prefix (`T` → 812), written once after the walk. */
    const sequences = new Map<string, number>();
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
      const refuse = (id: string, problem: string, cells?: string) => {
        summary.badRows.push({ tab, id, problem });
        if (importing) summary.refused[tab] = (summary.refused[tab] ?? 0) + 1;
        if (cells !== undefined) refused[`${tab}\u0000${id}`] = { cells, problem };
      };
      // At the import, who is already linked: a second row with one telegram_id or one phone is refused, not merged.
      const owners = { telegram_id: new Map<string, string>(), phone: new Map<string, string>() };
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
            refuse('', `row without ${key}`);
            continue;
          }
          id = reuseAssignedId(assignments, tab, record) ?? wb.nextId(prefix, 1000);
          record[key] = id;
          if (!assignments.some((a) => a.tab === tab && a.id === id))
            assignments.push({ tab, id, match: matchCells(tab, record) });
        }
        if (seen.has(id)) {
          refuse(id, `${key} appears more than once; the first row is used`);
          continue;
        }
        seen.add(id);
        const seenCells = managedCells(tab, record);
        const seenJson = JSON.stringify(seenCells);
        const refusedBefore = refused[`${tab}\u0000${id}`];
        if (refusedBefore) {
          if (refusedBefore.cells === seenJson) {
            refuse(id, refusedBefore.problem);
            continue;
          }
          delete refused[`${tab}\u0000${id}`]; // a manager edited the refused row: it is looked at afresh
        }
        const storedJson = store.snapshotJson(tab, id);
        if (storedJson === seenJson) continue; // no manager touched this row since it was last seen: nothing to do
        const waiting = pending.get(id);
        if (waiting?.insert) continue; // the bot's own row, not yet confirmed in the Sheet
        const existing = getRow.get(id) as Record<string, string> | undefined;
        const bad = rowProblem(tab, { ...blank, ...existing, ...record });
        if (bad) {
          refuse(id, bad.problem);
          for (const { column, value } of bad.cells)
            summary.badValues.push({ tab, id, column, value: value.slice(0, 200), problem: bad.problem });
          if (!importing) noticeable.add(JSON.stringify([tab, id]));
          continue;
        }
        const stored = storedJson === undefined ? undefined : (JSON.parse(storedJson) as Cells);
        if (!existing) {
          // a row only the bot adds, unknown here: taken in only when moving in (the first pull), never afterwards
          if (!importing && !MANAGERS_ROWS.has(tab)) continue;
          if (tab === 'Users') {
            const conflict = userConflict(wb, owners, record, importing);
            if (conflict) {
              refuse(id, conflict, seenJson);
              continue;
            }
          }
          const row = wb.insert(tab, record as Partial<RawRow<TabName>>, { outbox: false });
          store.saveSnapshot(tab, id, seenJson);
          summary.inserted++;
          if (importing) {
            summary.imported[tab] = (summary.imported[tab] ?? 0) + 1;
            noteSequence(sequences, id);
          }
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
          if (!importing) {
            if (tab === 'Tickets' && changed['answer']?.trim()) sheetAnswer(wb, after, now);
            emit(eventsForManagerChange(tab, existing, after, now), activated);
          }
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
    store.set('refused_rows', refused);
    advanceSequences(wb, sequences);
    // One staff notice per bad cell (tab, row, column, value), not one per pull: only cells not bad at the last pull.
    const before = new Set(store.get<string[]>('bad_cells') ?? []);
    const current = summary.badValues.map((b) => JSON.stringify([b.tab, b.id, b.column, b.value]));
    summary.badValues.forEach((b, i) => {
      if (before.has(current[i]!) || !noticeable.has(JSON.stringify([b.tab, b.id]))) return;
      wb.emit('sheet.bad_value', { tab: b.tab, id: b.id, column: b.column, value: b.value, problem: b.problem });
      summary.events++;
    });
    store.set('bad_cells', current);
    store.set('pulled_tabs', [...pulled]);
    if (tables.has('Promotions')) emitTimeActivations(wb, store, activated, now, (e) => emit(e, activated));
  });
  return summary;
}

/**
 * Why a Users row may not be taken in: at the import, its `telegram_id` or phone is already on an earlier row of the
 * Sheet; afterwards (a row a manager added), its phone is already a user's. Two people are never merged into one.
 */
function userConflict(
  wb: Workbook,
  owners: { telegram_id: Map<string, string>; phone: Map<string, string> },
  record: Record<string, string>,
  importing: boolean,
): string | null {
  const id = record['id'] ?? '';
  const phone = (record['phone'] ?? '').trim();
  if (!importing) {
    const other = phone ? userIdByPhone(wb, phone) : null;
    return other && other !== id ? `conflict: phone ${phone} is already ${other}'s; not taken in` : null;
  }
  const telegramId = (record['telegram_id'] ?? '').trim();
  const phoneId = phone ? phoneKey(phone) : '';
  const byTelegram = telegramId ? owners.telegram_id.get(telegramId) : undefined;
  if (byTelegram) return `conflict: telegram_id ${telegramId} is also on ${byTelegram}; not imported`;
  const byPhone = phoneId.length >= 8 ? owners.phone.get(phoneId) : undefined;
  if (byPhone) return `conflict: phone ${phone} is also on ${byPhone}; not imported`;
  if (telegramId) owners.telegram_id.set(telegramId, id);
  if (phoneId.length >= 8) owners.phone.set(phoneId, id);
  return null;
}

/**
 * An answer a manager typed in the Tickets tab's `answer` column: a staff message in the request's thread (bot "My
 * requests", Mini App, staff topic), recorded with the change that brought it, so exactly once.
 */
function sheetAnswer(wb: Workbook, ticket: Record<string, string>, now: Date): void {
  wb.insert('TicketMessages', {
    id: wb.nextId('M'),
    ticket_id: ticket['id']!,
    author: 'staff',
    author_name: ticket['assignee']?.trim() || 'Sheet',
    text: ticket['answer']!.trim(),
    created_at: now.toISOString(),
  });
}

/** An imported id like `T-1234` is remembered by prefix, so the bot's next ticket is not given an id in use. */
function noteSequence(sequences: Map<string, number>, id: string): void {
  const m = /^([A-Z]{1,3})-(\d{1,12})$/.exec(id);
  if (m) sequences.set(m[1]!, Math.max(sequences.get(m[1]!) ?? 0, Number(m[2])));
}

/** Moves each sequence past the highest imported id of its prefix (one statement per prefix, not per row). */
function advanceSequences(wb: Workbook, sequences: Map<string, number>): void {
  if (sequences.size === 0) return;
  const bump = wb.db.prepare(
    'INSERT INTO sequences(name, next) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET next = max(next, excluded.next)',
  );
  for (const [prefix, n] of sequences) bump.run(prefix, n + 1);
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
