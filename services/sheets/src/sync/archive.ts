import type { sheets_v4 } from '@googleapis/sheets';
import type { TabName } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import type { Workbook } from '../store/workbook.ts';
import { readColumns, readHeaders } from './column-read.ts';
import type { SheetsApi } from './google-client.ts';
import { SyncStore } from './sync-store.ts';

/** The tabs the archive takes rows out of, in the order it reports them. */
export const ARCHIVE_TABS = ['Tickets', 'TicketMessages', 'Participations'] as const satisfies readonly TabName[];
export type ArchiveTab = (typeof ARCHIVE_TABS)[number];

export const DEFAULT_ARCHIVE_DAYS = 180;

export type ArchiveSummary = {
  /** Rows deleted from the Sheet, by tab. */
  removed: Record<ArchiveTab, number>;
  /** Rows old enough to archive, by tab (those already out of the Sheet included). */
  eligible: Record<ArchiveTab, number>;
  /** Reads of the id columns it took for two in a row to agree (1 + the times a manager changed the tab meanwhile). */
  reads: number;
  cutoff: string;
};

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** `--older-than DAYS`: a whole number of days, 1 or more. */
export function parseOlderThan(value: string | undefined): number {
  const days = value !== undefined && /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(days) || days < 1)
    throw new ArchiveError(
      `--older-than expects a whole number of days, 1 or more (e.g. --older-than 180); got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
    );
  return days;
}

const empty = (): Record<ArchiveTab, number> => ({ Tickets: 0, TicketMessages: 0, Participations: 0 });

/**
 * What is old enough to leave the Sheet: closed requests not updated since `cutoff` and their messages, and
 * participations older than `cutoff` of archived promotions. Dates that do not parse are never taken as old.
 */
export function archiveCandidates(wb: Workbook, cutoff: Date): Record<ArchiveTab, Set<string>> {
  const before = (at: string) => {
    const t = Date.parse(at);
    return Number.isFinite(t) && t < cutoff.getTime();
  };
  const tickets = new Set<string>();
  for (const r of wb.db
    .prepare(`SELECT id, updated_at, created_at FROM "Tickets" WHERE status = 'closed'`)
    .all() as Array<{
    id: string;
    updated_at: string;
    created_at: string;
  }>)
    if (before(r.updated_at || r.created_at)) tickets.add(r.id);
  const messages = new Set<string>();
  for (const m of wb.db
    .prepare(
      `SELECT m.id, m.ticket_id FROM "TicketMessages" m JOIN "Tickets" t ON t.id = m.ticket_id WHERE t.status = 'closed'`,
    )
    .iterate() as Iterable<{ id: string; ticket_id: string }>)
    if (tickets.has(m.ticket_id)) messages.add(m.id);
  const participations = new Set<string>();
  for (const r of wb.db
    .prepare(
      `SELECT p.id, p.created_at FROM "Participations" p JOIN "Promotions" pr ON pr.id = p.promotion_id WHERE pr.status = 'archived'`,
    )
    .all() as Array<{ id: string; created_at: string }>)
    if (before(r.created_at)) participations.add(r.id);
  return { Tickets: tickets, TicketMessages: messages, Participations: participations };
}

const ATTEMPTS = 5;

/**
 * Takes old rows out of the Google Sheet; SQLite keeps them (marked in `archived_rows`, so the sync neither counts
 * them as deleted nor writes them back). Rows are found by id in a fresh read of the id columns, read again until two
 * reads in a row agree (a manager sorting or inserting rows meanwhile makes the archive look again, never delete by
 * stale positions), then deleted by the positions of that read in ONE spreadsheets.batchUpdate, bottom-up so the
 * positions stay right while Google applies them. Running it again deletes nothing more.
 */
export async function archiveSheet(
  wb: Workbook,
  api: SheetsApi,
  opts: { olderThanDays: number; now?: Date },
): Promise<ArchiveSummary> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - opts.olderThanDays * 86_400_000);
  const candidates = archiveCandidates(wb, cutoff);
  const summary: ArchiveSummary = { removed: empty(), eligible: empty(), reads: 0, cutoff: cutoff.toISOString() };
  for (const tab of ARCHIVE_TABS) summary.eligible[tab] = candidates[tab].size;
  const wanted = ARCHIVE_TABS.filter((t) => candidates[t].size > 0);
  if (wanted.length === 0) return summary;

  const sheetIds = new Map((await api.tabs()).map((t) => [t.title, t.sheetId]));
  const present = wanted.filter((t) => sheetIds.has(t));
  let positions = new Map<ArchiveTab, number[]>();
  if (present.length) {
    let layouts = await readHeaders(api, present);
    let previous: string | undefined;
    for (let attempt = 0; ; attempt++) {
      if (attempt === ATTEMPTS)
        throw new ArchiveError(
          `the Sheet kept changing while the archive read it (${ATTEMPTS} reads disagreed); nothing was deleted — run it again`,
        );
      const usable = present.filter((t) => layouts.get(t)!.index.has('id'));
      const read = await readColumns(
        api,
        usable.map((tab) => ({ tab, layout: layouts.get(tab)!, columns: ['id'] })),
      );
      summary.reads++;
      if (read.moved.size) {
        // a header changed: locate the id column again and read once more
        layouts = new Map([...layouts, ...read.moved]);
        previous = undefined;
        continue;
      }
      const ids = usable.map((t) => (read.tables.get(t)?.columns['id'] ?? []).map((v) => v.trim()));
      const fingerprint = JSON.stringify(ids);
      positions = new Map(
        usable.map((tab, k) => [
          tab,
          ids[k]!.flatMap((id, i) => (id !== '' && candidates[tab].has(id) ? [i + 1] : [])), // row 0 is the header
        ]),
      );
      if (fingerprint === previous) break;
      previous = fingerprint;
      if ([...positions.values()].every((p) => p.length === 0)) break; // nothing of ours is there: nothing to delete
    }
  }
  const requests: sheets_v4.Schema$Request[] = [];
  for (const [tab, rows] of positions) {
    summary.removed[tab] = rows.length;
    // adjacent rows as one range; ranges from the bottom up, so a deletion never shifts one still to come
    for (const [start, end] of runs(rows).reverse())
      requests.push({
        deleteDimension: {
          range: { sheetId: sheetIds.get(tab)!, dimension: 'ROWS', startIndex: start, endIndex: end },
        },
      });
  }
  if (requests.length) await api.format(requests);
  markArchived(wb, candidates, now);
  return summary;
}

/** SQLite keeps the rows: they are marked archived, their snapshots and any queued writes to the Sheet dropped. */
function markArchived(wb: Workbook, candidates: Record<ArchiveTab, Set<string>>, now: Date): void {
  const store = new SyncStore(wb.db);
  const mark = wb.db.prepare('INSERT OR IGNORE INTO archived_rows(tab, id, archived_at) VALUES (?, ?, ?)');
  const unqueue = wb.db.prepare('DELETE FROM outbox WHERE tab = ? AND row_id = ?');
  transaction(wb.db, () => {
    for (const tab of ARCHIVE_TABS)
      for (const id of candidates[tab]) {
        mark.run(tab, id, now.toISOString());
        store.dropSnapshot(tab, id);
        unqueue.run(tab, id);
      }
  });
}

/** Sorted 1-based row positions as half-open [start, end) runs of adjacent rows. */
function runs(rows: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const r of [...rows].sort((a, b) => a - b)) {
    const last = out.at(-1);
    if (last && last[1] === r) last[1] = r + 1;
    else out.push([r, r + 1]);
  }
  return out;
}

/** What the archive did, one line per tab, for a person. */
export function archiveReport(s: ArchiveSummary): string[] {
  const lines = [`archived rows not changed since ${s.cutoff} (SQLite keeps them; users still see them):`];
  for (const tab of ARCHIVE_TABS)
    lines.push(
      `  ${tab.padEnd(15)} ${String(s.removed[tab]).padStart(7)} rows taken out of the Sheet${s.eligible[tab] > s.removed[tab] ? ` (${s.eligible[tab] - s.removed[tab]} already out)` : ''}`,
    );
  return lines;
}
