import { join } from 'node:path';
import { createLogger, createServiceClient, listen } from '@mb/service-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSheetsApp } from '../src/app.ts';
import type { SheetsRouter } from '../src/router-type.ts';
import { INTERNAL, removeDir, tempDir } from './sync-harness.ts';

let dir: string;
let app: ReturnType<typeof createSheetsApp>;
let url: string;

beforeEach(async () => {
  dir = tempDir();
  // what main.ts builds when GOOGLE_SHEETS_SPREADSHEET_ID is unset
  app = createSheetsApp({
    dbPath: join(dir, 'wb.sqlite'),
    internalToken: INTERNAL,
    logger: createLogger('sheets', 'silent'),
    outbox: false,
  });
  url = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});
afterEach(async () => {
  app.server.closeAllConnections();
  app.server.close();
  await app.close();
  removeDir(dir);
});

describe('without a spreadsheet the SQLite workbook is the whole store', () => {
  it('queues nothing for a Sheet, refuses sync.pullNow clearly, and says so in /readyz', async () => {
    app.wb.insert('TicketMessages', { id: 'M-1', ticket_id: 'T-1', author: 'user', text: 'hello' });
    app.wb.update('TicketMessages', 'M-1', { text: 'hello again' });
    expect(app.wb.outboxDepth().pending).toBe(0);
    expect(app.wb.get('TicketMessages', 'M-1')!.text).toBe('hello again');
    const client = createServiceClient<SheetsRouter>({ target: 'sheets', url, token: INTERNAL });
    await expect(client.sync.pullNow.mutate()).rejects.toThrow(/no spreadsheet configured/);
    expect(await client.sync.status.query()).toEqual({ configured: false });
    const ready = (await (await fetch(`${url}/readyz`)).json()) as {
      ok: boolean;
      checks: { sheets_sync: { ok: boolean; detail: { mode: string } } };
    };
    expect(ready).toMatchObject({ ok: true, checks: { sheets_sync: { ok: true, detail: { mode: 'local' } } } });
  });
});
