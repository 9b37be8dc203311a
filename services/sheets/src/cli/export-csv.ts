import { TABS, type TabName } from '@mb/contracts';
import type { Workbook } from '../store/workbook.ts';

/** Cells a spreadsheet program would read as a formula (OWASP: `= + - @`, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell, safe to open in Excel or LibreOffice: a value that starts like a formula is prefixed with `'` (shown
 * as text, never evaluated), and every cell is quoted as RFC 4180 says (`"` doubled).
 */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** A tab of the workbook as CSV: the header row, then every row in the tab's column order, CRLF line ends. */
export function tabCsv(workbook: Workbook, tab: TabName): string {
  const columns = TABS[tab].columns as readonly string[];
  const lines = [columns.map(csvCell).join(',')];
  for (const row of workbook.find(tab) as Array<Record<string, string | null>>)
    lines.push(columns.map((c) => csvCell(String(row[c] ?? ''))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
