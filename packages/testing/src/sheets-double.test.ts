import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SheetsDouble } from './sheets-double.ts';

let double: SheetsDouble;
let api: sheets_v4.Sheets;
const spreadsheetId = 'test-spreadsheet-0001';

beforeEach(async () => {
  double = await new SheetsDouble({ token: 'tok' }).start();
  double.setTab('My tab', [
    ['id', 'name', 'phone'],
    ['1', 'Anna', '+7999'],
  ]);
  // googleapis' own retries off, so every answer the double gives is seen
  api = sheets({
    version: 'v4',
    rootUrl: double.url,
    headers: { authorization: 'Bearer tok' },
    retry: false,
  } as sheets_v4.Options);
});
afterEach(() => double.close());

describe('SheetsDouble through the real googleapis client', () => {
  it('reads A1 ranges (quoted tab names, open-ended, single cells, column-major) as Google does', async () => {
    expect((await api.spreadsheets.values.get({ spreadsheetId, range: "'My tab'!A1:C" })).data.values).toEqual([
      ['id', 'name', 'phone'],
      ['1', 'Anna', '+7999'],
    ]);
    expect((await api.spreadsheets.values.get({ spreadsheetId, range: "'My tab'!B2" })).data.values).toEqual([
      ['Anna'],
    ]);
    const cols = await api.spreadsheets.values.batchGet({
      spreadsheetId,
      ranges: ["'My tab'!1:1", "'My tab'!C2:C"],
      majorDimension: 'COLUMNS',
    });
    expect(cols.data.valueRanges?.map((v) => v.values)).toEqual([[['id'], ['name'], ['phone']], [['+7999']]]);
    await expect(api.spreadsheets.values.get({ spreadsheetId, range: 'Nope!A1' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('appends below the data: RAW keeps text, USER_ENTERED makes formulas and numbers', async () => {
    await api.spreadsheets.values.append({
      spreadsheetId,
      range: "'My tab'!A1",
      valueInputOption: 'RAW',
      requestBody: { values: [['2', '=1+1', '+7001']] },
    });
    await api.spreadsheets.values.append({
      spreadsheetId,
      range: "'My tab'!A1",
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['3', '=1+1', '+7001']] },
    });
    expect(double.records('My tab').slice(1)).toEqual([
      { id: '2', name: '=1+1', phone: '+7001' },
      { id: '3', name: '#N/A', phone: '7001' },
    ]);
    expect(double.cell('My tab', 3, 'name')).toEqual({ formula: '=1+1' });
  });

  it('answers 429 RESOURCE_EXHAUSTED past the per-minute quota, 503 when down, 401 without the token, and counts calls', async () => {
    double.quota = { reads: 1, writes: 60, windowMs: 60_000 };
    await api.spreadsheets.get({ spreadsheetId });
    await expect(api.spreadsheets.get({ spreadsheetId })).rejects.toMatchObject({
      status: 429,
      message: expect.stringContaining('Quota exceeded'),
    });
    double.quota = { reads: Infinity, writes: Infinity, windowMs: 60_000 };
    double.down = true;
    await expect(api.spreadsheets.get({ spreadsheetId })).rejects.toMatchObject({ status: 503 });
    double.down = false;
    const anonymous = sheets({ version: 'v4', rootUrl: double.url, retry: false } as sheets_v4.Options);
    await expect(anonymous.spreadsheets.get({ spreadsheetId })).rejects.toMatchObject({ status: 401 });
    expect([
      double.count('spreadsheets.get', 200),
      double.count(undefined, 429),
      double.count(undefined, 503),
      double.count(undefined, 401),
    ]).toEqual([1, 1, 1, 1]);
  });

  it('lets a test act as a manager: sort, insert, delete, move and rename columns', () => {
    double.addRow('My tab', { id: '0', name: 'Boris' });
    double.sortBy('My tab', 'id');
    double.insertRow('My tab', 1, ['x']);
    double.deleteRow('My tab', 1);
    double.moveColumn('My tab', 'phone', 0);
    double.renameColumn('My tab', 'name', 'Имя');
    expect(double.table('My tab')).toEqual([
      ['phone', 'id', 'Имя'],
      ['', '0', 'Boris'],
      ['+7999', '1', 'Anna'],
    ]);
  });
});
