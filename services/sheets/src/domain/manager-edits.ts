import { type RawRow, TAB_NAMES, TABS, type TabName } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import type { Workbook } from '../store/workbook.ts';
import { eventsForManagerChange } from './change-events.ts';

export class ManagerEditError extends Error {
  override readonly name = 'ManagerEditError';
  readonly reason: 'unknown_tab' | 'not_managed' | 'not_found' | 'duplicate_id' | 'missing_id';
  constructor(reason: ManagerEditError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

function tabOf(name: string): TabName {
  if (!(TAB_NAMES as string[]).includes(name)) throw new ManagerEditError('unknown_tab', `no tab ${name}`);
  return name as TabName;
}

const ID_PREFIX: Partial<Record<TabName, string>> = { Users: 'U', Broadcasts: 'B' };

/** A tab as a manager sees it: columns, which are theirs, and the rows (newest first for the bot's tabs). */
export function tabView(wb: Workbook, name: string, limit = 500) {
  const tab = tabOf(name);
  const { key, columns, managed } = TABS[tab];
  return {
    tab,
    key,
    columns: [...columns],
    managed: [...managed],
    rows: wb.find(tab, {}, { orderBy: 'rowid DESC', limit }),
  };
}

/**
 * A manager's edit of one cell in the local workbook (installs without a Google Sheet, and the sandbox's "Sheet"):
 * only managers' columns; the same change events a Sheet pull would emit, in the same transaction; queued for the
 * Sheet when one is configured.
 */
export function editAsManager(
  wb: Workbook,
  input: { tab: string; id: string; column: string; value: string },
): RawRow<TabName> {
  const tab = tabOf(input.tab);
  const { key, managed } = TABS[tab];
  if (!(managed as readonly string[]).includes(input.column) || input.column === key)
    throw new ManagerEditError('not_managed', `${tab}.${input.column} is not a managers' column`);
  return transaction(wb.db, () => {
    const before = wb.get(tab, input.id);
    if (!before) throw new ManagerEditError('not_found', `${tab} has no row ${input.id}`);
    const after = wb.update(tab, input.id, { [input.column]: input.value } as Partial<RawRow<TabName>>);
    for (const event of eventsForManagerChange(tab, before, after)) wb.emit(event.type, event.payload);
    return after;
  });
}

/** A row a manager adds (a promotion, an FAQ entry, an allow-list user, a broadcast, a setting). */
export function addAsManager(wb: Workbook, input: { tab: string; values: Record<string, string> }): RawRow<TabName> {
  const tab = tabOf(input.tab);
  const { key, managed } = TABS[tab];
  const values = Object.fromEntries(
    Object.entries(input.values).filter(([c]) => (managed as readonly string[]).includes(c) || c === key),
  );
  return transaction(wb.db, () => {
    const prefix = ID_PREFIX[tab];
    const id = values[key]?.trim() || (prefix ? wb.nextId(prefix, 1000) : '');
    if (!id) throw new ManagerEditError('missing_id', `${tab} needs a ${key}`);
    if (wb.get(tab, id)) throw new ManagerEditError('duplicate_id', `${tab} already has ${id}`);
    const row = wb.insert(tab, { ...values, [key]: id } as Partial<RawRow<TabName>>);
    for (const event of eventsForManagerChange(tab, undefined, row)) wb.emit(event.type, event.payload);
    return row;
  });
}
