import type { sheets_v4 } from '@googleapis/sheets';
import { auth as googleAuth, sheets } from '@googleapis/sheets';
import type { SyncMetrics } from './metrics.ts';

export type GoogleConfig = {
  spreadsheetId: string;
  /** Sheets API base URL; a double or an emulator in tests. */
  apiRoot: string;
  /** A service-account key file (GOOGLE_APPLICATION_CREDENTIALS) or a static bearer token. */
  keyFile?: string | undefined;
  accessToken?: string | undefined;
  /** Per-call timeout; a write that times out may still have landed (the flusher checks ids before appending again). */
  timeoutMs?: number;
};

/** A failed Sheets call: `retryable` for 429, 5xx and network errors/timeouts; `quota` for 429. */
export class SheetsCallError extends Error {
  override readonly name = 'SheetsCallError';
  readonly method: string;
  readonly status: number | null;
  readonly retryable: boolean;
  readonly quota: boolean;
  constructor(method: string, status: number | null, message: string) {
    super(`${method}: ${status ?? 'network'} ${message}`);
    this.method = method;
    this.status = status;
    this.quota = status === 429;
    this.retryable = status === null || status === 408 || status === 429 || status >= 500;
  }
}

const SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

export type ValueRange = { range: string; values: string[][] };
/** A tab and its grid size (Google counts every cell of the grid, empty or not, toward 10 million a spreadsheet). */
export type SheetTab = { title: string; sheetId: number; cells: number };
/** Cells written as text (CellData stringValue: never parsed, so `=...` stays text): rows appended below a tab's data, or a run of cells from (row, col). */
export type CellWrite =
  | { kind: 'append'; sheetId: number; rows: string[][] }
  | { kind: 'update'; sheetId: number; row: number; col: number; values: string[] };

/** The few Sheets calls the sync makes; every one is counted by method and status, and never retried here. */
export type SheetsApi = {
  spreadsheetId: string;
  tabs(): Promise<SheetTab[]>;
  addTabs(titles: string[]): Promise<void>;
  /** values.batchGet; COLUMNS answers each column as one array (far lighter for long column reads). */
  batchGet(ranges: string[], majorDimension?: 'ROWS' | 'COLUMNS'): Promise<ValueRange[]>;
  /** values.batchUpdate with RAW input: text stays text. */
  writeRanges(data: ValueRange[]): Promise<void>;
  /** One spreadsheets.batchUpdate (appendCells + updateCells): every tab's new rows and changed cells, atomically. */
  writeCells(writes: CellWrite[]): Promise<void>;
  /** The descriptions of each tab's protected ranges (what `init` added before), by tab title. */
  protections(): Promise<Map<string, string[]>>;
  /** One spreadsheets.batchUpdate of structural requests (data validation, protected ranges, notes, row deletion); atomic. */
  format(requests: sheets_v4.Schema$Request[]): Promise<void>;
};

const textRow = (values: string[]) => ({ values: values.map((v) => ({ userEnteredValue: { stringValue: v } })) });

/**
 * The googleapis Sheets v4 client behind SheetsApi. googleapis' own retries are switched off (it retries GETs and PUTs
 * but never POSTs): the sync engine backs off on every kind of call alike, so its request counts are exact.
 */
export function createSheetsApi(config: GoogleConfig, metrics: SyncMetrics): SheetsApi {
  let authClient: sheets_v4.Options['auth'];
  // A service account signs its own short-lived JWT per request (no call to Google's token endpoint to fail or wait on).
  if (config.keyFile) {
    const serviceAccount = new googleAuth.GoogleAuth({ keyFile: config.keyFile, scopes: [SCOPE] });
    serviceAccount.useJWTAccessWithScope = true;
    authClient = serviceAccount;
  } else if (config.accessToken) {
    const oauth = new googleAuth.OAuth2();
    oauth.setCredentials({ access_token: config.accessToken });
    authClient = oauth;
  }
  const api = sheets({ version: 'v4', rootUrl: config.apiRoot, ...(authClient ? { auth: authClient } : {}) });
  const spreadsheetId = config.spreadsheetId;
  const options = { retry: false, timeout: config.timeoutMs ?? 30_000 };

  async function call<T>(method: string, run: () => Promise<{ data: T }>): Promise<T> {
    try {
      const { data } = await run();
      metrics.googleRequests.inc({ method, status: '200' });
      return data;
    } catch (error) {
      const e = error as { status?: number; response?: { status?: number }; message?: string };
      const status = e.response?.status ?? e.status ?? null;
      metrics.googleRequests.inc({ method, status: status === null ? 'network' : String(status) });
      if (status === 429) metrics.quotaErrors.inc();
      throw new SheetsCallError(method, status, e.message ?? String(error));
    }
  }

  return {
    spreadsheetId,
    async tabs() {
      const data = await call('spreadsheets.get', () =>
        api.spreadsheets.get(
          { spreadsheetId, fields: 'sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))' },
          options,
        ),
      );
      return (data.sheets ?? [])
        .map((s) => ({
          title: s.properties?.title ?? '',
          sheetId: s.properties?.sheetId ?? -1,
          cells: (s.properties?.gridProperties?.rowCount ?? 0) * (s.properties?.gridProperties?.columnCount ?? 0),
        }))
        .filter((t) => t.title !== '');
    },
    async addTabs(titles) {
      if (titles.length === 0) return;
      await call('spreadsheets.batchUpdate', () =>
        api.spreadsheets.batchUpdate(
          {
            spreadsheetId,
            requestBody: { requests: titles.map((title) => ({ addSheet: { properties: { title } } })) },
          },
          options,
        ),
      );
    },
    async batchGet(ranges, majorDimension = 'ROWS') {
      const data = await call('values.batchGet', () =>
        api.spreadsheets.values.batchGet(
          { spreadsheetId, ranges, majorDimension, valueRenderOption: 'FORMATTED_VALUE' },
          options,
        ),
      );
      // FORMATTED_VALUE answers text in every cell; not copying 2 million cells matters for a 200,000-row tab
      return (data.valueRanges ?? []).map((v) => ({ range: v.range ?? '', values: (v.values ?? []) as string[][] }));
    },
    async writeRanges(data) {
      if (data.length === 0) return;
      await call('values.batchUpdate', () =>
        api.spreadsheets.values.batchUpdate({ spreadsheetId, requestBody: { valueInputOption: 'RAW', data } }, options),
      );
    },
    async protections() {
      const data = await call('spreadsheets.get', () =>
        api.spreadsheets.get(
          { spreadsheetId, fields: 'sheets(properties(title),protectedRanges(description))' },
          options,
        ),
      );
      return new Map(
        (data.sheets ?? []).map((s) => [
          s.properties?.title ?? '',
          (s.protectedRanges ?? []).map((p) => p.description ?? ''),
        ]),
      );
    },
    async format(requests) {
      if (requests.length === 0) return;
      await call('spreadsheets.batchUpdate', () =>
        api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } }, options),
      );
    },
    async writeCells(writes) {
      if (writes.length === 0) return;
      const requests = writes.map((w) =>
        w.kind === 'append'
          ? { appendCells: { sheetId: w.sheetId, rows: w.rows.map(textRow), fields: 'userEnteredValue' } }
          : {
              updateCells: {
                start: { sheetId: w.sheetId, rowIndex: w.row, columnIndex: w.col },
                rows: [textRow(w.values)],
                fields: 'userEnteredValue',
              },
            },
      );
      await call('spreadsheets.batchUpdate', () =>
        api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } }, options),
      );
    },
  };
}
