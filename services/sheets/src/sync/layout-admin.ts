import { TAB_NAMES, TABS, type TabName } from '@mb/contracts';
import { a1Cells, a1Tab } from './a1.ts';
import type { SheetsApi } from './google-client.ts';
import { readLayout } from './layout.ts';

export type TabReport = {
  tab: TabName;
  state: 'ok' | 'missing' | 'empty' | 'differs';
  problems: string[];
  /**
   * Columns `init` can add at the end of the header (e.g. `consent_at` on a Users tab made before it existed): only when
   * nothing else differs, so a renamed column is never doubled by a new empty one. Existing columns never move.
   */
  append?: { at: number; columns: string[] };
};
export type LayoutReport = { ok: boolean; tabs: TabReport[]; extraTabs: string[] };

/** Compares the spreadsheet with the expected layout: tabs, and header names (order does not matter). Two reads. */
export async function checkLayout(api: SheetsApi): Promise<LayoutReport> {
  const titles = (await api.tabs()).map((t) => t.title);
  const present = TAB_NAMES.filter((t) => titles.includes(t));
  const heads = present.length ? await api.batchGet(present.map((t) => `${a1Tab(t)}!1:2`)) : [];
  const tabs = TAB_NAMES.map((tab): TabReport => {
    const i = present.indexOf(tab);
    if (i < 0) return { tab, state: 'missing', problems: [`${tab}: tab is missing`] };
    const [header = [], second = []] = heads[i]?.values ?? [];
    if (header.every((c) => c.trim() === '')) {
      const hasData = second.some((c) => c.trim() !== '');
      return {
        tab,
        state: 'empty',
        problems: [`${tab}: no header row${hasData ? ' (and row 2 has data: add the header by hand)' : ''}`],
      };
    }
    const layout = readLayout(tab, header);
    const missing = TABS[tab].columns.filter((c) => !layout.index.has(c));
    const onlyMissing = layout.usable && missing.length === layout.problems.length;
    if (missing.length && onlyMissing) {
      const at = header.reduce((last, h, i) => (h.trim() === '' ? last : i + 1), 0);
      return {
        tab,
        state: 'differs',
        problems: layout.problems.map((p) => `${p} (init appends it at the end)`),
        append: { at, columns: [...missing] },
      };
    }
    return { tab, state: layout.problems.length ? 'differs' : 'ok', problems: layout.problems };
  });
  return {
    ok: tabs.every((t) => t.state === 'ok'),
    tabs,
    extraTabs: titles.filter((t) => !(TAB_NAMES as string[]).includes(t)),
  };
}

/**
 * Creates the missing tabs, writes the header row into tabs that are entirely empty, and appends columns missing from
 * an otherwise matching header after its last column (`appended`). Never touches a cell that holds data: any other
 * difference is reported for a human to fix. Returns what it did and the check after.
 */
export async function initLayout(
  api: SheetsApi,
): Promise<{ created: TabName[]; headed: TabName[]; appended: string[]; after: LayoutReport }> {
  const before = await checkLayout(api);
  const created = before.tabs.filter((t) => t.state === 'missing').map((t) => t.tab);
  await api.addTabs(created);
  const emptyNoData = before.tabs
    .filter((t) => t.state === 'empty' && !t.problems.some((p) => p.includes('row 2 has data')))
    .map((t) => t.tab);
  const headed = [...created, ...emptyNoData];
  const appending = before.tabs.filter((t) => t.append);
  await api.writeRanges([
    ...headed.map((tab) => ({ range: `${a1Tab(tab)}!A1`, values: [[...TABS[tab].columns]] })),
    ...appending.map(({ tab, append }) => ({
      range: a1Cells(tab, 0, append!.at, append!.columns.length),
      values: [append!.columns],
    })),
  ]);
  const appended = appending.flatMap(({ tab, append }) => append!.columns.map((c) => `${tab}.${c}`));
  return { created, headed, appended, after: await checkLayout(api) };
}
