import { createPublicKey, verify } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen } from '@mb/service-kit';
import { closeServer } from './close-server.ts';
import {
  cellData,
  columnIndex,
  columnLetter,
  enter,
  inputMode,
  lastUsedRow,
  quoteTab,
  readBody,
  type SheetCell,
  SheetsApiError,
  setAt,
  shown,
  trimEnd,
} from './sheets-double-cells.ts';

export { columnLetter, type SheetCell } from './sheets-double-cells.ts';

export type SheetsCall = { method: string; status: number; at: number };
/** A range of whole columns from row `r1` (0-based) down. */
type ColumnRange = { r1: number; c1: number; c2: number };
type Tab = {
  sheetId: number;
  rows: SheetCell[][];
  /** Data validation by column (ONE_OF_LIST values), as setDataValidation left it. */
  validations: Map<number, { values: string[]; strict: boolean; showCustomUi: boolean; from: number }>;
  protectedRanges: Array<ColumnRange & { id: number; description: string; warningOnly: boolean }>;
  /** Cell notes by "row,col". */
  notes: Map<string, string>;
};
type A1 = { tab: string; r1: number; c1: number; r2: number; c2: number };

const OPEN = Number.MAX_SAFE_INTEGER;
const OPEN_COLUMNS = 26;
type GridRange = {
  sheetId?: number;
  startRowIndex?: number;
  endRowIndex?: number;
  startColumnIndex?: number;
  endColumnIndex?: number;
  startIndex?: number;
  endIndex?: number;
};

/**
 * A Google Sheets v4 REST double on real HTTP: googleapis reaches it through `rootUrl` (GOOGLE_SHEETS_API_ROOT).
 * Serves spreadsheets.get/batchUpdate (addSheet, appendCells, updateCells) and values.get/batchGet/update/append/batchUpdate
 * with A1 ranges,
 * models RAW vs USER_ENTERED, a per-minute read/write quota (429 RESOURCE_EXHAUSTED), outages (503), hangs past the
 * client's timeout (before or after applying a write), counts calls by method, and lets a test act as a manager.
 */
export class SheetsDouble {
  readonly spreadsheetId: string;
  readonly calls: SheetsCall[] = [];
  /** Requests allowed per window (Google: 60 reads and 60 writes a minute per user); Infinity disables the quota. */
  quota = { reads: Infinity, writes: Infinity, windowMs: 60_000 };
  /** 503 for every call while true. */
  down = false;
  /** Hang calls (all, or only the `only` method) `ms` before answering; `after` applies a write first (a lost response). */
  hang: { ms: number; when: 'before' | 'after'; only?: string } | null = null;
  url = '';
  /**
   * Called after each call is applied and before it is answered, with its method: a test acts as a manager at an
   * exact point of another client's sequence of calls (e.g. sorts a tab between a read and the write that follows).
   */
  afterCall: ((method: string) => void) | null = null;
  private readonly tabs = new Map<string, Tab>();
  private readonly served: Array<{ at: number; write: boolean }> = [];
  private nextSheetId = 1;
  private server?: http.Server;
  private readonly token: string | undefined;
  private readonly serviceAccount: { email: string; publicKey: string } | undefined;
  /** The claims of the last self-signed service-account JWT accepted. */
  lastJwtClaims: Record<string, unknown> | null = null;

  /**
   * `token`: a static bearer token to require. `serviceAccount`: accept self-signed JWTs (RS256) from that account, as
   * Google does for service accounts (google-auth-library's useJWTAccessWithScope), checking signature, issuer and expiry.
   */
  constructor(
    opts: { spreadsheetId?: string; token?: string; serviceAccount?: { email: string; publicKey: string } } = {},
  ) {
    this.spreadsheetId = opts.spreadsheetId ?? 'test-spreadsheet-0001';
    this.token = opts.token;
    this.serviceAccount = opts.serviceAccount;
  }

  private authorized(header: string | undefined): boolean {
    if (!this.token && !this.serviceAccount) return true;
    if (this.token && header === `Bearer ${this.token}`) return true;
    const jwt = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(header ?? '');
    if (!this.serviceAccount || !jwt) return false;
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${jwt[1]}.${jwt[2]}`),
      createPublicKey(this.serviceAccount.publicKey),
      Buffer.from(jwt[3]!, 'base64url'),
    );
    const claims = JSON.parse(Buffer.from(jwt[2]!, 'base64url').toString('utf8')) as { iss?: string; exp?: number };
    if (!signed || claims.iss !== this.serviceAccount.email || !claims.exp || claims.exp * 1000 < Date.now())
      return false;
    this.lastJwtClaims = claims;
    return true;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000; // as Google's front ends: a client reusing an idle connection finds it open
    this.url = `http://127.0.0.1:${await listen(this.server, 0, '127.0.0.1')}/`;
    return this;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** Calls answered, optionally only one method (e.g. `values.append`) and/or one status. */
  count(method?: string, status?: number): number {
    return this.calls.filter((c) => (!method || c.method === method) && (status === undefined || c.status === status))
      .length;
  }

  // ---- the manager's hands -------------------------------------------------------------------------------------

  /** Creates or replaces a tab with rows of text (the first row is the header). */
  setTab(title: string, rows: string[][]): void {
    const existing = this.tabs.get(title);
    this.tabs.set(title, {
      sheetId: existing?.sheetId ?? this.nextSheetId++,
      rows: rows.map((r) => [...r]),
      validations: existing?.validations ?? new Map(),
      protectedRanges: existing?.protectedRanges ?? [],
      notes: existing?.notes ?? new Map(),
    });
  }
  /** The dropdown (ONE_OF_LIST values, strict, shown) on a column found by its header, or undefined. */
  validation(title: string, column: string) {
    const tab = this.tab(title);
    return tab.validations.get(this.col(tab, column));
  }
  /** The protected ranges of a tab, with the header names of the columns they cover. */
  protectedRanges(title: string) {
    const tab = this.tab(title);
    const header = (tab.rows[0] ?? []).map(shown);
    return tab.protectedRanges.map((p) => ({ ...p, columns: header.slice(p.c1, p.c2) }));
  }
  /** The note on a cell (row 0 is the header), found by its column's header name. */
  note(title: string, rowIndex: number, column: string): string | undefined {
    const tab = this.tab(title);
    return tab.notes.get(`${rowIndex},${this.col(tab, column)}`);
  }
  deleteTab(title: string): void {
    this.tabs.delete(title);
  }
  tabNames(): string[] {
    return [...this.tabs.keys()];
  }
  /** The tab as a manager sees it (formulas shown as their result). */
  table(title: string): string[][] {
    return this.tab(title).rows.map((r) => r.map(shown));
  }
  /** The rows under the header as objects keyed by header name. */
  records(title: string): Array<Record<string, string>> {
    const [header = [], ...rows] = this.table(title);
    return rows
      .filter((r) => r.some((c) => c !== ''))
      .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  }
  /** The stored cell at a row index (0 = header) and header name. */
  cell(title: string, rowIndex: number, column: string): SheetCell | undefined {
    const tab = this.tab(title);
    return tab.rows[rowIndex]?.[this.col(tab, column)];
  }
  rowIndexOf(title: string, id: string, keyColumn = 'id'): number {
    const tab = this.tab(title);
    const c = this.col(tab, keyColumn);
    return tab.rows.findIndex((r, i) => i > 0 && shown(r[c] ?? '') === id);
  }
  /** Types a value into the cell of the row with that id, as a manager would (text stays text). */
  edit(title: string, id: string, column: string, value: string, keyColumn = 'id'): void {
    const tab = this.tab(title);
    const r = this.rowIndexOf(title, id, keyColumn);
    if (r < 0) throw new Error(`${title}: no row ${id}`);
    setAt(tab.rows, r, this.col(tab, column), value);
  }
  /** Adds a row at the bottom from a record keyed by header name. */
  addRow(title: string, record: Record<string, string>): void {
    const tab = this.tab(title);
    const header = (tab.rows[0] ?? []).map(shown);
    tab.rows.splice(
      lastUsedRow(tab.rows) + 1,
      0,
      header.map((h) => record[h] ?? ''),
    );
  }
  insertRow(title: string, index: number, values: string[] = []): void {
    this.tab(title).rows.splice(index, 0, [...values]);
  }
  deleteRow(title: string, index: number): void {
    this.tab(title).rows.splice(index, 1);
  }
  /** Sorts the rows under the header by a column (text order), as "Sort sheet A→Z / Z→A" does. */
  sortBy(title: string, column: string, direction: 'asc' | 'desc' = 'asc'): void {
    const tab = this.tab(title);
    const c = this.col(tab, column);
    const [header, ...rows] = tab.rows;
    rows.sort(
      (a, b) =>
        shown(a[c] ?? '').localeCompare(shown(b[c] ?? ''), 'en', { numeric: true }) * (direction === 'asc' ? 1 : -1),
    );
    tab.rows = header ? [header, ...rows] : rows;
  }
  /** Drags a column to another position (every row moves with it), as managers reorder columns. */
  moveColumn(title: string, column: string, to: number): void {
    const tab = this.tab(title);
    const from = this.col(tab, column);
    const width = tab.rows.reduce((w, r) => Math.max(w, r.length), 0);
    tab.rows = tab.rows.map((r) => {
      const row = [...r, ...new Array<SheetCell>(Math.max(0, width - r.length)).fill('')];
      const [cell] = row.splice(from, 1);
      row.splice(to, 0, cell ?? '');
      return row;
    });
  }
  renameColumn(title: string, from: string, to: string): void {
    const tab = this.tab(title);
    setAt(tab.rows, 0, this.col(tab, from), to);
  }

  private tab(title: string): Tab {
    const tab = this.tabs.get(title);
    if (!tab) throw new SheetsApiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${title}`);
    return tab;
  }
  private col(tab: Tab, column: string): number {
    const c = (tab.rows[0] ?? []).map(shown).indexOf(column);
    if (c < 0) throw new Error(`no column ${column}`);
    return c;
  }

  // ---- the REST API --------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    const route = this.route(req.method ?? 'GET', url.pathname);
    const reply = (status: number, payload: unknown) => {
      this.calls.push({ method: route?.name ?? 'unknown', status, at: Date.now() });
      if (!res.destroyed) {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(payload));
      }
    };
    const fail = (code: number, status: string, message: string) => reply(code, { error: { code, message, status } });
    if (!route) return fail(404, 'NOT_FOUND', `no route ${req.method} ${url.pathname}`);
    if (!this.authorized(req.headers.authorization))
      return fail(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (this.down) return fail(503, 'UNAVAILABLE', 'The service is currently unavailable.');
    if (route.id !== this.spreadsheetId) return fail(404, 'NOT_FOUND', 'Requested entity was not found.');
    const now = Date.now();
    const write = req.method !== 'GET';
    const used = this.served.filter((s) => s.at > now - this.quota.windowMs && s.write === write).length;
    if (used >= (write ? this.quota.writes : this.quota.reads)) {
      return fail(
        429,
        'RESOURCE_EXHAUSTED',
        `Quota exceeded for quota metric '${write ? 'Write' : 'Read'} requests' and limit '${write ? 'Write' : 'Read'} requests per minute per user'.`,
      );
    }
    this.served.push({ at: now, write });
    const hang = this.hang && (!this.hang.only || this.hang.only === route.name) ? this.hang : null;
    if (hang?.when === 'before') await sleep(hang.ms);
    let result: unknown;
    try {
      result = route.run(url.searchParams, body ? (JSON.parse(body) as Record<string, unknown>) : {});
    } catch (error) {
      if (error instanceof SheetsApiError) return fail(error.code, error.status, error.message);
      return fail(400, 'INVALID_ARGUMENT', error instanceof Error ? error.message : String(error));
    }
    this.afterCall?.(route.name);
    if (hang?.when === 'after') await sleep(hang.ms);
    reply(200, result);
  }

  private route(method: string, path: string) {
    const m = /^\/v4\/spreadsheets\/([^/:]+)(.*)$/.exec(path);
    if (!m) return undefined;
    const id = decodeURIComponent(m[1]!);
    const rest = m[2]!;
    const make = (name: string, run: (q: URLSearchParams, b: Record<string, unknown>) => unknown) => ({
      id,
      name,
      run,
    });
    if (method === 'GET' && rest === '') return make('spreadsheets.get', () => this.describe());
    if (method === 'POST' && rest === ':batchUpdate')
      return make('spreadsheets.batchUpdate', (_q, b) => this.structural(b));
    if (method === 'GET' && rest === '/values:batchGet') {
      return make('values.batchGet', (q) => ({
        spreadsheetId: id,
        valueRanges: q.getAll('ranges').map((r) => this.read(r, q)),
      }));
    }
    if (method === 'POST' && rest === '/values:batchUpdate') {
      return make('values.batchUpdate', (_q, b) => {
        const mode = inputMode(b['valueInputOption']);
        const responses = ((b['data'] ?? []) as Array<{ range: string; values: unknown[][] }>).map((d) =>
          this.write(d.range, d.values, mode),
        );
        return { spreadsheetId: id, totalUpdatedCells: responses.reduce((n, r) => n + r.updatedCells, 0), responses };
      });
    }
    const values = /^\/values\/(.+?)(:append)?$/.exec(rest);
    if (!values) return undefined;
    const range = decodeURIComponent(values[1]!);
    if (method === 'GET' && !values[2]) return make('values.get', (q) => this.read(range, q));
    if (method === 'PUT' && !values[2])
      return make('values.update', (q, b) => ({
        spreadsheetId: id,
        ...this.write(range, b['values'] as unknown[][], inputMode(q.get('valueInputOption'))),
      }));
    if (method === 'POST' && values[2])
      return make('values.append', (q, b) =>
        this.append(range, b['values'] as unknown[][], inputMode(q.get('valueInputOption'))),
      );
    return undefined;
  }

  private describe() {
    return {
      spreadsheetId: this.spreadsheetId,
      properties: { title: 'Double', locale: 'ru_RU' },
      sheets: [...this.tabs.entries()].map(([title, tab], index) => ({
        properties: {
          sheetId: tab.sheetId,
          title,
          index,
          sheetType: 'GRID',
          gridProperties: { rowCount: Math.max(1000, tab.rows.length), columnCount: 26 },
        },
        protectedRanges: tab.protectedRanges.map((p) => ({
          protectedRangeId: p.id,
          description: p.description,
          warningOnly: p.warningOnly,
          range: { sheetId: tab.sheetId, startRowIndex: p.r1, startColumnIndex: p.c1, endColumnIndex: p.c2 },
        })),
      })),
    };
  }

  /**
   * spreadsheets.batchUpdate: addSheet, appendCells, updateCells (cells from `start`; notes over a `range`),
   * setDataValidation (ONE_OF_LIST), addProtectedRange, deleteDimension (ROWS); atomic like Google's (all requests or none). */
  private structural(body: Record<string, unknown>) {
    const requests = (body['requests'] ?? []) as Array<Record<string, Record<string, unknown>>>;
    const byId = (sheetId: unknown) => {
      const entry = [...this.tabs.entries()].find(([, t]) => t.sheetId === sheetId);
      if (!entry)
        throw new SheetsApiError(400, 'INVALID_ARGUMENT', `Invalid requests: No grid with id: ${String(sheetId)}`);
      return entry[1];
    };
    const titles = new Set(this.tabs.keys());
    const gridOf = (r: Record<string, unknown> | undefined, key: string) => {
      const range = (r?.[key] ?? {}) as GridRange;
      return { tab: byId(range.sheetId), range };
    };
    for (const request of requests) {
      const [kind, r] = Object.entries(request)[0] ?? [];
      if (kind === 'setDataValidation') {
        gridOf(r, 'range');
        const condition = (r?.['rule'] as { condition?: { type?: string } } | undefined)?.condition;
        if (condition && condition.type !== 'ONE_OF_LIST')
          throw new SheetsApiError(
            400,
            'INVALID_ARGUMENT',
            `condition ${condition.type} is not modelled by the double`,
          );
        continue;
      }
      if (kind === 'addProtectedRange') {
        gridOf(r?.['protectedRange'] as Record<string, unknown>, 'range');
        continue;
      }
      if (kind === 'deleteDimension') {
        const range = gridOf(r, 'range').range as GridRange & { dimension?: string };
        if (range.dimension !== 'ROWS' || range.startIndex === undefined || range.endIndex === undefined)
          throw new SheetsApiError(400, 'INVALID_ARGUMENT', 'deleteDimension: ROWS with startIndex and endIndex');
        continue;
      }
      if (kind === 'updateCells' && r?.['range']) {
        gridOf(r, 'range');
        continue;
      }
      if (kind === 'addSheet') {
        const title = (r?.['properties'] as { title?: string } | undefined)?.title;
        if (!title || titles.has(title))
          throw new SheetsApiError(400, 'INVALID_ARGUMENT', `A sheet with the name "${title}" already exists.`);
        titles.add(title);
      } else if (kind === 'appendCells') byId(r!['sheetId']);
      else if (kind === 'updateCells') byId((r!['start'] as { sheetId?: number } | undefined)?.sheetId);
      else throw new SheetsApiError(400, 'INVALID_ARGUMENT', `request ${kind} is not modelled by the double`);
    }
    const replies = requests.map((request) => {
      const [kind, r] = Object.entries(request)[0]!;
      if (kind === 'setDataValidation') {
        const { tab, range } = gridOf(r, 'range');
        const rule = r['rule'] as
          | { condition: { values?: Array<{ userEnteredValue?: string }> }; strict?: boolean; showCustomUi?: boolean }
          | undefined;
        for (let c = range.startColumnIndex ?? 0; c < (range.endColumnIndex ?? OPEN_COLUMNS); c++)
          if (!rule) tab.validations.delete(c);
          else
            tab.validations.set(c, {
              values: (rule.condition.values ?? []).map((v) => v.userEnteredValue ?? ''),
              strict: rule.strict ?? false,
              showCustomUi: rule.showCustomUi ?? false,
              from: range.startRowIndex ?? 0,
            });
        return {};
      }
      if (kind === 'addProtectedRange') {
        const p = r['protectedRange'] as { range: GridRange; description?: string; warningOnly?: boolean };
        const { tab } = gridOf(p, 'range');
        const id = this.nextSheetId++;
        tab.protectedRanges.push({
          id,
          r1: p.range.startRowIndex ?? 0,
          c1: p.range.startColumnIndex ?? 0,
          c2: p.range.endColumnIndex ?? OPEN_COLUMNS,
          description: p.description ?? '',
          warningOnly: p.warningOnly ?? false,
        });
        return { addProtectedRange: { protectedRange: { ...p, protectedRangeId: id } } };
      }
      if (kind === 'deleteDimension') {
        const { tab, range } = gridOf(r, 'range') as {
          tab: Tab;
          range: GridRange & { startIndex: number; endIndex: number };
        };
        tab.rows.splice(range.startIndex, range.endIndex - range.startIndex);
        return {};
      }
      if (kind === 'updateCells' && r['range']) {
        const { tab, range } = gridOf(r, 'range');
        const fields = String(r['fields'] ?? '');
        const rows = (r['rows'] ?? []) as Array<{ values?: Array<{ note?: string }> }>;
        if (fields !== 'note')
          throw new SheetsApiError(400, 'INVALID_ARGUMENT', `updateCells by range: only fields=note`);
        rows.forEach((row, i) =>
          (row.values ?? []).forEach((v, j) => {
            const key = `${(range.startRowIndex ?? 0) + i},${(range.startColumnIndex ?? 0) + j}`;
            if (v.note) tab.notes.set(key, v.note);
            else tab.notes.delete(key);
          }),
        );
        return {};
      }
      if (kind === 'addSheet') {
        const title = (r['properties'] as { title: string }).title;
        this.setTab(title, []);
        return {
          addSheet: { properties: { sheetId: this.tabs.get(title)!.sheetId, title, index: this.tabs.size - 1 } },
        };
      }
      const rows = ((r['rows'] ?? []) as Array<{ values?: Array<{ userEnteredValue?: Record<string, unknown> }> }>).map(
        (row) => (row.values ?? []).map((c) => cellData(c.userEnteredValue)),
      );
      if (kind === 'appendCells') {
        const tab = byId(r['sheetId']);
        tab.rows.splice(lastUsedRow(tab.rows) + 1, 0, ...rows);
      } else {
        const start = r['start'] as { sheetId: number; rowIndex?: number; columnIndex?: number };
        const tab = byId(start.sheetId);
        rows.forEach((row, i) =>
          row.forEach((v, j) => setAt(tab.rows, (start.rowIndex ?? 0) + i, (start.columnIndex ?? 0) + j, v)),
        );
      }
      return {};
    });
    return { spreadsheetId: this.spreadsheetId, replies };
  }

  private parse(range: string): A1 {
    const m = /^(?:'((?:[^']|'')+)'|([^!]+))(?:!([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?)?$/i.exec(range);
    if (!m) throw new SheetsApiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
    const tab = m[1]?.replaceAll("''", "'") ?? m[2]!;
    this.tab(tab);
    const [, , , col1 = '', row1 = '', col2, row2] = m;
    const single = col2 === undefined && row2 === undefined;
    return {
      tab,
      c1: col1 ? columnIndex(col1) : 0,
      r1: row1 ? Number(row1) - 1 : 0,
      c2: single ? (col1 ? columnIndex(col1) : OPEN) : col2 ? columnIndex(col2) : OPEN,
      r2: single ? (row1 ? Number(row1) - 1 : OPEN) : row2 ? Number(row2) - 1 : OPEN,
    };
  }

  private read(range: string, q: URLSearchParams) {
    const a = this.parse(range);
    const formulas = q.get('valueRenderOption') === 'FORMULA';
    const rows = this.tab(a.tab)
      .rows.slice(a.r1, a.r2 === OPEN ? undefined : a.r2 + 1)
      .map((r) =>
        trimEnd(
          r
            .slice(a.c1, a.c2 === OPEN ? undefined : a.c2 + 1)
            .map((c) => (formulas && typeof c === 'object' ? c.formula : shown(c))),
        ),
      );
    while (rows.length && rows[rows.length - 1]!.length === 0) rows.pop();
    const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
    const a1 = `${quoteTab(a.tab)}!${columnLetter(a.c1)}${a.r1 + 1}:${columnLetter(a.c1 + Math.max(width, 1) - 1)}${a.r1 + Math.max(rows.length, 1)}`;
    if (q.get('majorDimension') === 'COLUMNS') {
      const columns = Array.from({ length: width }, (_, c) => trimEnd(rows.map((r) => r[c] ?? '')));
      return { range: a1, majorDimension: 'COLUMNS', ...(columns.length ? { values: columns } : {}) };
    }
    return { range: a1, majorDimension: 'ROWS', ...(rows.length ? { values: rows } : {}) };
  }

  private write(range: string, values: unknown[][], mode: 'RAW' | 'USER_ENTERED') {
    const a = this.parse(range);
    const tab = this.tab(a.tab);
    (values ?? []).forEach((row, i) => row.forEach((v, j) => setAt(tab.rows, a.r1 + i, a.c1 + j, enter(v, mode))));
    const cols = (values ?? []).reduce((w, r) => Math.max(w, r.length), 0);
    return {
      updatedRange: `${quoteTab(a.tab)}!${columnLetter(a.c1)}${a.r1 + 1}:${columnLetter(a.c1 + Math.max(cols, 1) - 1)}${a.r1 + Math.max(values?.length ?? 0, 1)}`,
      updatedRows: values?.length ?? 0,
      updatedColumns: cols,
      updatedCells: (values ?? []).reduce((n, r) => n + r.length, 0),
    };
  }

  private append(range: string, values: unknown[][], mode: 'RAW' | 'USER_ENTERED') {
    const a = this.parse(range);
    const tab = this.tab(a.tab);
    const at = lastUsedRow(tab.rows) + 1;
    tab.rows.splice(at, 0, ...(values ?? []).map(() => [] as SheetCell[]));
    const updates = this.write(`${quoteTab(a.tab)}!${columnLetter(a.c1)}${at + 1}`, values, mode);
    return {
      spreadsheetId: this.spreadsheetId,
      tableRange: `${quoteTab(a.tab)}!A1:${columnLetter(25)}${at}`,
      updates: { spreadsheetId: this.spreadsheetId, ...updates },
    };
  }
}
