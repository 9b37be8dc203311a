import { TAB_NAMES, TABS, type TabName } from '@mb/contracts';
import { openDatabase } from '../store/db.ts';
import { Workbook } from '../store/workbook.ts';
import { readColumns, readHeaders, type TabColumns } from './column-read.ts';
import type { SheetsApi } from './google-client.ts';
import { applyPull, type PullSummary } from './pull.ts';

/**
 * What moving in would take from the spreadsheet, and what it would refuse: the first pull's import run against an
 * empty in-memory workbook (the same code as the service's first pull), writing nothing anywhere. Three reads:
 * the tabs, their headers, and every column of every tab in one batchGet.
 */
export async function previewImport(api: SheetsApi): Promise<PullSummary> {
  const titles = new Set((await api.tabs()).map((t) => t.title));
  const present = TAB_NAMES.filter((t) => titles.has(t));
  const layouts = present.length ? await readHeaders(api, present) : new Map();
  const usable = present.filter((t) => layouts.get(t)!.usable);
  const { tables } = await readColumns(
    api,
    usable.map((tab) => ({ tab, layout: layouts.get(tab)!, columns: [...TABS[tab].columns] })),
  );
  const all = new Map<TabName, TabColumns | undefined>(
    TAB_NAMES.map((t) => [
      t,
      tables.get(t) ?? (titles.has(t) ? { header: layouts.get(t)!.header, columns: {} } : undefined),
    ]),
  );
  const db = openDatabase(':memory:');
  try {
    return applyPull(new Workbook(db, { outbox: false }), all);
  } finally {
    db.close();
  }
}

/** The preview as lines for a person: per tab what is taken and refused, then each refused row and why. */
export function importReport(summary: PullSummary, limit = 50): string[] {
  const lines = ['moving in (what the first pull takes from this Sheet; nothing was written):'];
  for (const tab of TAB_NAMES) {
    const rows = summary.rows[tab];
    if (rows === undefined) continue;
    const refused = summary.refused[tab] ?? 0;
    lines.push(
      `  ${tab.padEnd(15)} ${String(summary.imported[tab] ?? 0).padStart(7)} rows taken${refused ? `, ${refused} refused` : ''}`,
    );
  }
  const bad = summary.badRows;
  if (bad.length) lines.push('refused (fix these in the Sheet, then check again):');
  for (const b of bad.slice(0, limit)) lines.push(`  ${b.tab} ${b.id || '(no id)'}: ${b.problem}`);
  if (bad.length > limit) lines.push(`  … and ${bad.length - limit} more`);
  return lines;
}
