/** Cells, A1 letters and HTTP plumbing of the Sheets double (kept apart from the API it serves). */
import type http from 'node:http';

/** A stored cell: text, or a formula (what USER_ENTERED makes of `=...`), shown as its (failed) result. */
export type SheetCell = string | { formula: string };

export const columnLetter = (index: number): string => {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};
export const columnIndex = (letters: string): number =>
  [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

export class SheetsApiError extends Error {
  override readonly name = 'SheetsApiError';
  readonly code: number;
  readonly status: string;
  constructor(code: number, status: string, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** What a cell shows: a formula that reaches outside cannot load here, as in a sheet without network access. */
export const shown = (c: SheetCell): string => (typeof c === 'string' ? c : '#N/A');
export const trimEnd = (r: string[]) => {
  while (r.length && r[r.length - 1] === '') r.pop();
  return r;
};
export const quoteTab = (t: string) => (/^[A-Za-z0-9_]+$/.test(t) ? t : `'${t.replaceAll("'", "''")}'`);
export const lastUsedRow = (rows: SheetCell[][]) => {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.some((c) => c !== '')) return i;
  return -1;
};
export function setAt(rows: SheetCell[][], r: number, c: number, value: SheetCell): void {
  while (rows.length <= r) rows.push([]);
  const row = rows[r]!;
  while (row.length <= c) row.push('');
  row[c] = value;
}
export const inputMode = (v: unknown): 'RAW' | 'USER_ENTERED' => {
  if (v === 'RAW' || v === 'USER_ENTERED') return v;
  throw new SheetsApiError(400, 'INVALID_ARGUMENT', "Invalid valueInputOption: expected 'RAW' or 'USER_ENTERED'");
};
/** A CellData's userEnteredValue: stringValue is text as given (never a formula), formulaValue a formula. */
export function cellData(v: Record<string, unknown> | undefined): SheetCell {
  if (!v) return '';
  if (typeof v['formulaValue'] === 'string') return { formula: v['formulaValue'] };
  if (typeof v['stringValue'] === 'string') return v['stringValue'];
  if (typeof v['boolValue'] === 'boolean') return v['boolValue'] ? 'TRUE' : 'FALSE';
  if (typeof v['numberValue'] === 'number') return String(v['numberValue']);
  return '';
}
/** USER_ENTERED parses as if typed: `=` starts a formula, numbers lose their `+` and leading zeros, `'` forces text. */
export function enter(v: unknown, mode: 'RAW' | 'USER_ENTERED'): SheetCell {
  const text = v === null || v === undefined ? '' : String(v);
  if (mode === 'RAW') return text;
  if (text.startsWith("'")) return text.slice(1);
  if (text.startsWith('=')) return { formula: text };
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text.trim())) return String(Number(text));
  return text;
}
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
