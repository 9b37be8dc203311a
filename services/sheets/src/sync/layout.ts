import { TABS, type TabName } from '@mb/contracts';
import { columnLetter } from './a1.ts';

/** Where a tab's columns are in the Sheet, found by header name (managers may reorder columns). */
export type TabLayout = {
  tab: TabName;
  /** Column index (0-based) by our column name; absent when the Sheet lacks that header. */
  index: Map<string, number>;
  width: number;
  header: string[];
  problems: string[];
  /** False when the key column is missing: the tab is not synced until it is fixed. */
  usable: boolean;
};

/** Reads a header row against the expected layout; a missing, renamed or doubled column is a problem, not a failure. */
export function readLayout(tab: TabName, header: string[]): TabLayout {
  const { key, columns } = TABS[tab];
  const clean = header.map((h) => h.trim());
  const index = new Map<string, number>();
  const problems: string[] = [];
  if (clean.every((h) => h === ''))
    return { tab, index, width: 0, header: clean, problems: [`${tab}: no header row`], usable: false };
  clean.forEach((h, i) => {
    if (!(columns as readonly string[]).includes(h)) {
      if (h !== '') problems.push(`${tab}: unexpected column "${h}" in ${columnLetter(i)} (renamed?)`);
      return;
    }
    if (index.has(h))
      problems.push(
        `${tab}: column "${h}" appears twice (${columnLetter(index.get(h)!)} and ${columnLetter(i)}); using the first`,
      );
    else index.set(h, i);
  });
  for (const c of columns) if (!index.has(c)) problems.push(`${tab}: missing column "${c}"`);
  const usable = index.has(key);
  if (!usable) problems.push(`${tab}: without the "${key}" column the tab is not synced`);
  return { tab, index, width: clean.length, header: clean, problems, usable };
}
