import { TAB_NAMES, TABS, type TabName } from '@mb/contracts';
import { a1Tab } from './a1.ts';
import type { SheetsApi } from './google-client.ts';
import { readLayout } from './layout.ts';

export type TabReport = { tab: TabName; state: 'ok' | 'missing' | 'empty' | 'differs'; problems: string[] };
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
    const problems = readLayout(tab, header).problems;
    return { tab, state: problems.length ? 'differs' : 'ok', problems };
  });
  return {
    ok: tabs.every((t) => t.state === 'ok'),
    tabs,
    extraTabs: titles.filter((t) => !(TAB_NAMES as string[]).includes(t)),
  };
}

/**
 * Creates the missing tabs and writes the header row into tabs that are entirely empty. Never touches a cell that
 * holds data: a tab whose header differs is reported for a human to fix. Returns what it did and the check after.
 */
export async function initLayout(
  api: SheetsApi,
): Promise<{ created: TabName[]; headed: TabName[]; after: LayoutReport }> {
  const before = await checkLayout(api);
  const created = before.tabs.filter((t) => t.state === 'missing').map((t) => t.tab);
  await api.addTabs(created);
  const emptyNoData = before.tabs
    .filter((t) => t.state === 'empty' && !t.problems.some((p) => p.includes('row 2 has data')))
    .map((t) => t.tab);
  const headed = [...created, ...emptyNoData];
  await api.writeRanges(headed.map((tab) => ({ range: `${a1Tab(tab)}!A1`, values: [[...TABS[tab].columns]] })));
  return { created, headed, after: await checkLayout(api) };
}
