import { TABS, type TabName } from '@mb/contracts';
import { a1Column, a1Tab } from './a1.ts';
import type { SheetsApi } from './google-client.ts';
import { readLayout, type TabLayout } from './layout.ts';

/** A tab as read by columns: its header row and, by our column name, the cells under it (row 2 first). */
export type TabColumns = { header: string[]; columns: Record<string, string[]> };

/** Reads every tab's header row in one call (to learn where the columns are). */
export async function readHeaders(api: SheetsApi, tabs: TabName[]): Promise<Map<TabName, TabLayout>> {
  const read = await api.batchGet(tabs.map((t) => `${a1Tab(t)}!1:1`));
  return new Map(tabs.map((t, i) => [t, readLayout(t, read[i]?.values[0] ?? [])]));
}

/**
 * One values.batchGet, column-major, of the named columns of several tabs, with each tab's header in the same call.
 * A tab whose header is no longer the one the columns were located by comes back as `moved` with its new layout:
 * what was read is not where we asked, so nothing of it may be used.
 */
export async function readColumns(
  api: SheetsApi,
  wanted: Array<{ tab: TabName; layout: TabLayout; columns: string[] }>,
) {
  const ranges: string[] = [];
  const plan = wanted.map((w) => {
    const present = w.columns.filter((c) => w.layout.index.has(c));
    ranges.push(`${a1Tab(w.tab)}!1:1`, ...present.map((c) => a1Column(w.tab, w.layout.index.get(c)!)));
    return { ...w, present };
  });
  const read = ranges.length ? await api.batchGet(ranges, 'COLUMNS') : [];
  const tables = new Map<TabName, TabColumns>();
  const moved = new Map<TabName, TabLayout>();
  let at = 0;
  for (const { tab, layout, present } of plan) {
    const header = (read[at++]?.values ?? []).map((column) => column[0] ?? '');
    const columns: Record<string, string[]> = {};
    for (const c of present) columns[c] = read[at++]?.values[0] ?? [];
    if (header.join('\u0000') !== layout.header.join('\u0000')) moved.set(tab, readLayout(tab, header));
    else tables.set(tab, { header, columns });
  }
  return { tables, moved };
}

/** The columns a sync reads of a tab: its key and the managers' columns (the bot's own cells are never read back). */
export const syncedColumns = (tab: TabName): string[] => [
  TABS[tab].key,
  ...TABS[tab].managed.filter((c) => c !== TABS[tab].key),
];
