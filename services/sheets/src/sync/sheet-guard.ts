import type { sheets_v4 } from '@googleapis/sheets';
import {
  BroadcastStatus,
  Cta,
  PromotionStatus,
  Role,
  TAB_NAMES,
  TABS,
  type TabName,
  TicketStatus,
  UnansweredStatus,
  UserStatus,
} from '@mb/contracts';
import { readHeaders } from './column-read.ts';
import type { SheetsApi } from './google-client.ts';

const YES_NO = ['yes', 'no'];

/**
 * The columns with a fixed set of values, and the values (from packages/contracts, so a value added there is offered
 * here at the next `init`). Segments are free text (a manager invents them), so they get no dropdown.
 */
export const FIXED_VALUES: Partial<Record<TabName, Record<string, readonly string[]>>> = {
  Users: { role: Role.options, status: UserStatus.options },
  Promotions: { status: PromotionStatus.options, cta: Cta.options, notify: YES_NO },
  Tickets: { status: TicketStatus.options },
  Broadcasts: { status: BroadcastStatus.options },
  Unanswered: { status: UnansweredStatus.options },
  FAQ: { active: YES_NO },
};

/** The columns only the bot writes: every column of a tab that managers do not edit. */
export const botColumns = (tab: TabName): string[] =>
  (TABS[tab].columns as readonly string[]).filter((c) => !(TABS[tab].managed as readonly string[]).includes(c));

export const BOT_NOTE = 'Written by the bot (marketingbot). Do not edit: changes here are overwritten or ignored.';
const protectionName = (tab: TabName, column: string) => `marketingbot: ${tab}.${column} is written by the bot`;

export type GuardReport = { dropdowns: string[]; marked: string[] };

/**
 * Makes the Sheet hard to break, touching no data: a dropdown (ONE_OF_LIST, shown, typos refused) under the header
 * of every fixed-value column, and on every bot column a header note and a warning-only protected range (a manager
 * is asked to confirm before editing). Columns are found by header name; repeated runs change nothing (validation and
 * notes are set, not added; a protected range is added only when one of its name is not there). Three calls.
 */
export async function guardSheet(api: SheetsApi): Promise<GuardReport> {
  const tabs = await api.tabs();
  const ids = new Map(tabs.map((t) => [t.title, t.sheetId]));
  const present = TAB_NAMES.filter((t) => ids.has(t));
  const [layouts, protections] = await Promise.all([readHeaders(api, present), api.protections()]);
  const requests: sheets_v4.Schema$Request[] = [];
  const report: GuardReport = { dropdowns: [], marked: [] };
  for (const tab of present) {
    const layout = layouts.get(tab)!;
    const sheetId = ids.get(tab)!;
    const column = (c: number) => ({ sheetId, startColumnIndex: c, endColumnIndex: c + 1 });
    for (const [name, values] of Object.entries(FIXED_VALUES[tab] ?? {})) {
      const c = layout.index.get(name);
      if (c === undefined) continue;
      requests.push({
        setDataValidation: {
          range: { ...column(c), startRowIndex: 1 },
          rule: {
            condition: { type: 'ONE_OF_LIST', values: values.map((v) => ({ userEnteredValue: v })) },
            showCustomUi: true,
            strict: true,
            inputMessage: `One of: ${values.join(', ')}`,
          },
        },
      });
      report.dropdowns.push(`${tab}.${name}`);
    }
    const existing = new Set(protections.get(tab) ?? []);
    for (const name of botColumns(tab)) {
      const c = layout.index.get(name);
      if (c === undefined) continue;
      requests.push({
        updateCells: {
          range: { ...column(c), startRowIndex: 0, endRowIndex: 1 },
          rows: [{ values: [{ note: BOT_NOTE }] }],
          fields: 'note',
        },
      });
      if (!existing.has(protectionName(tab, name)))
        requests.push({
          addProtectedRange: {
            protectedRange: { range: column(c), description: protectionName(tab, name), warningOnly: true },
          },
        });
      report.marked.push(`${tab}.${name}`);
    }
  }
  await api.format(requests);
  return report;
}
