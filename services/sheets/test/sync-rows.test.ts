import { sheets } from '@googleapis/sheets';
import { describe, expect, it } from 'vitest';
import { GOOGLE_TOKEN, removeDir, startSheets, stopSheets, tempDir, useSyncedSheets } from './sync-harness.ts';

const t = useSyncedSheets();

const ticket = (n: number, name: string) => ({
  id: `T-${n}`,
  telegram_id: String(7000 + n),
  name,
  category: 'Вопрос',
  text: `text ${n}`,
  status: 'new',
  created_at: `2026-11-0${n}`,
});

describe('rows are found by id, never by position', () => {
  it('lands a staff answer on the right ticket after a manager sorted, inserted and deleted rows, leaving every other cell alone', async () => {
    for (const [n, name] of [
      [1, 'Boris'],
      [2, 'Anna'],
      [3, 'Dmitry'],
      [4, 'Vera'],
      [5, 'Egor'],
    ] as const)
      t.app.wb.insert('Tickets', ticket(n, name));
    await t.app.sync.flushNow();
    await t.app.sync.pullNow();
    // after the pull, the manager works: takes T-3, sorts by name Z→A, inserts a blank row and a note, deletes T-1
    t.double.edit('Tickets', 'T-3', 'assignee', 'Olga');
    t.double.sortBy('Tickets', 'name', 'desc');
    t.double.insertRow('Tickets', 1, []);
    t.double.deleteRow('Tickets', t.double.rowIndexOf('Tickets', 'T-1'));
    // the bot answers T-3 (staff reply in Telegram) and touches T-2, still believing the old order
    t.app.wb.update('Tickets', 'T-3', {
      status: 'answered',
      answer: 'Ответ: =IMPORTXML("http://x")',
      updated_at: '2026-11-26T10:00:00Z',
    });
    t.app.wb.update('Tickets', 'T-2', { updated_at: '2026-11-26T11:00:00Z' });
    const before = t.double.records('Tickets');
    await t.app.sync.flushNow();
    const after = t.double.records('Tickets');
    expect(after.find((r) => r['id'] === 'T-3')).toMatchObject({
      name: 'Dmitry',
      status: 'answered',
      answer: 'Ответ: =IMPORTXML("http://x")',
      assignee: 'Olga',
      updated_at: '2026-11-26T10:00:00Z',
    });
    expect(after.find((r) => r['id'] === 'T-2')).toMatchObject({
      name: 'Anna',
      updated_at: '2026-11-26T11:00:00Z',
      status: 'new',
    });
    for (const row of after.filter((r) => r['id'] !== 'T-3' && r['id'] !== 'T-2'))
      expect(row).toEqual(before.find((r) => r['id'] === row['id']));
    expect(after.map((r) => r['id'])).toEqual(['T-4', 'T-5', 'T-3', 'T-2']); // the manager's order, and T-1 stays deleted
    expect(t.double.table('Tickets')[1]).toEqual([]); // the blank row the manager inserted is still blank
    // the pull takes the manager's assignee; the bot's answer is not read back as a manager edit
    await t.app.sync.pullNow();
    expect(t.app.wb.get('Tickets', 'T-3')).toMatchObject({ assignee: 'Olga', status: 'answered' });
    expect(t.app.wb.eventsSince('test', 100).events.filter((e) => e.type === 'ticket.changed')).toEqual([]);
  });

  it("never overwrites a manager's newer edit with an older bot value, and never lets an older Sheet value undo a queued bot write", async () => {
    for (const n of [1, 2]) t.app.wb.insert('Tickets', ticket(n, 'Anna'));
    await t.app.sync.flushNow();
    await t.app.sync.pullNow();
    // T-1: the manager closes it in the Sheet while the bot's "answered" waits in the outbox
    t.app.wb.update('Tickets', 'T-1', { status: 'answered', updated_at: 'x' });
    t.double.edit('Tickets', 'T-1', 'status', 'closed');
    // T-2: the bot's "in_progress" waits; the Sheet still shows the old "new"
    t.app.wb.update('Tickets', 'T-2', { status: 'in_progress' });
    await t.app.sync.pullNow();
    expect(t.app.wb.get('Tickets', 'T-1')!.status).toBe('closed');
    expect(t.app.wb.get('Tickets', 'T-2')!.status).toBe('in_progress');
    await t.app.sync.flushNow();
    expect(t.double.records('Tickets').map((r) => [r['id'], r['status'], r['updated_at']])).toEqual([
      ['T-1', 'closed', 'x'],
      ['T-2', 'in_progress', ''],
    ]);

    // the same race decided at flush time: the manager edits after the pull, before the flush
    t.app.wb.update('Tickets', 'T-2', { status: 'answered' });
    t.double.edit('Tickets', 'T-2', 'status', 'closed');
    await t.app.sync.flushNow();
    expect(t.double.records('Tickets')[1]).toMatchObject({ id: 'T-2', status: 'closed' });
    await t.app.sync.pullNow();
    expect(t.app.wb.get('Tickets', 'T-2')!.status).toBe('closed');
  });
});

describe('columns are found by header name', () => {
  it('follows a column a manager moved, for reads and for writes', async () => {
    for (const n of [1, 2]) t.app.wb.insert('Tickets', ticket(n, 'Anna'));
    await t.app.sync.flushNow();
    await t.app.sync.pullNow();
    t.double.moveColumn('Tickets', 'status', 0);
    t.double.moveColumn('Tickets', 'answer', 2);
    t.double.edit('Tickets', 'T-1', 'status', 'in_progress');
    const reads = t.double.count('values.batchGet');
    await t.app.sync.pullNow(); // finds the header moved: reads the tab again at the new places, never the old ones
    expect(t.double.count('values.batchGet')).toBe(reads + 2);
    expect(t.app.wb.get('Tickets', 'T-1')).toMatchObject({ status: 'in_progress', text: 'text 1', name: 'Anna' });
    t.app.wb.update('Tickets', 'T-2', { answer: 'Готово', status: 'answered' });
    await t.app.sync.flushNow();
    expect(t.double.table('Tickets')[0]!.slice(0, 3)).toEqual(['status', 'id', 'answer']);
    expect(t.double.records('Tickets')).toEqual([
      expect.objectContaining({ id: 'T-1', status: 'in_progress', answer: '', text: 'text 1' }),
      expect.objectContaining({ id: 'T-2', status: 'answered', answer: 'Готово', text: 'text 2' }),
    ]);
  });
});

describe('connecting a Sheet to a workbook that was used without one', () => {
  it("takes the managers' tabs from the Sheet: demo promotions, FAQ and settings the Sheet lacks are gone after the first pull", async () => {
    await stopSheets(t.app);
    removeDir(t.dir);
    t.dir = tempDir();
    t.app = await startSheets(t.dir, t.double, { seed: true });
    expect(t.app.catalog.promotions().length).toBeGreaterThan(0); // the demo seed
    t.double.addRow('Promotions', {
      id: 'real',
      title: 'Настоящая',
      starts_at: '2026-01-01',
      ends_at: '2099-01-01',
      segment: 'all',
      status: 'active',
    });
    t.double.addRow('Settings', { key: 'welcome_text', value: 'Добро пожаловать!' });
    const summary = await t.app.sync.pullNow();
    expect(t.app.catalog.promotions().map((p) => p.id)).toEqual(['real']);
    expect(t.app.catalog.faq()).toEqual([]);
    expect(t.app.catalog.settings().welcomeText).toBe('Добро пожаловать!');
    expect(summary.events).toBe(0); // an import, not news
  });
});

describe('text stays text', () => {
  it('writes user text RAW: formulas, +7…, -1 and @x come back as the same text', async () => {
    const texts = ['=IMPORTXML("http://x", "//a")', '+79991234567', '-1', '@x', '007', "'quoted"];
    texts.forEach((text, i) =>
      t.app.wb.insert('TicketMessages', { id: `M-${i}`, ticket_id: 'T-1', author: 'user', text }),
    );
    await t.app.sync.flushNow();
    expect(t.double.records('TicketMessages').map((r) => r['text'])).toEqual(texts);
    texts.forEach((text, i) => expect(t.double.cell('TicketMessages', i + 1, 'text')).toBe(text));
  });

  it('(the double is meaningful) the same text entered as USER_ENTERED becomes a formula and a number', async () => {
    const api = sheets({ version: 'v4', rootUrl: t.double.url, headers: { authorization: `Bearer ${GOOGLE_TOKEN}` } });
    await api.spreadsheets.values.update({
      spreadsheetId: t.double.spreadsheetId,
      range: 'TicketMessages!A2:E2',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['M-9', 'T-1', 'user', '', '=IMPORTXML("http://x", "//a")']] },
    });
    await api.spreadsheets.values.update({
      spreadsheetId: t.double.spreadsheetId,
      range: 'TicketMessages!D2',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [['+79991234567']] },
    });
    expect(t.double.cell('TicketMessages', 1, 'text')).toEqual({ formula: '=IMPORTXML("http://x", "//a")' });
    expect(t.double.records('TicketMessages')[0]).toMatchObject({ text: '#N/A', author_name: '79991234567' });
  });
});

describe('bad sheets: the service keeps serving and says what is wrong', () => {
  it('skips only bad rows, reports a renamed column and a missing tab in metrics and /readyz, and applies the rest', async () => {
    t.double.addRow('Promotions', {
      id: 'ok',
      title: 'Хорошая',
      starts_at: '2026-01-01',
      ends_at: '2099-01-01',
      segment: 'all',
      status: 'active',
    });
    t.double.addRow('Promotions', {
      id: 'bad-date',
      title: 'Плохая дата',
      starts_at: 'в понедельник',
      ends_at: '2099-01-01',
      segment: 'all',
      status: 'active',
    });
    t.double.addRow('Promotions', {
      id: 'bad-status',
      title: 'Плохой статус',
      starts_at: '2026-01-01',
      segment: 'all',
      status: 'активна?',
    });
    t.app.wb.insert('Tickets', ticket(1, 'Anna'));
    t.app.wb.insert('Tickets', ticket(2, 'Boris'));
    await t.app.sync.flushNow();
    t.double.edit('Tickets', 'T-1', 'status', 'почти готово');
    t.double.edit('Tickets', 'T-2', 'status', 'closed');
    t.double.renameColumn('Users', 'segment', 'Сегмент');
    t.double.deleteTab('FAQ');
    const summary = await t.app.sync.pullNow();
    expect(summary.badRows).toEqual([
      { tab: 'Promotions', id: 'bad-date', problem: expect.stringContaining('starts_at') },
      { tab: 'Promotions', id: 'bad-status', problem: expect.stringContaining('status') },
      { tab: 'Tickets', id: 'T-1', problem: expect.stringContaining('status') },
    ]);
    expect(summary.problems).toEqual(
      expect.arrayContaining([
        'Users: unexpected column "Сегмент" in F (renamed?)',
        'Users: missing column "segment"',
        'FAQ: tab is missing',
      ]),
    );
    expect(t.app.wb.get('Promotions', 'ok')).toBeDefined();
    expect(t.app.wb.get('Promotions', 'bad-date')).toBeUndefined();
    expect(t.app.wb.get('Tickets', 'T-1')!.status).toBe('new');
    expect(t.app.wb.get('Tickets', 'T-2')!.status).toBe('closed');

    const ready = await fetch(`${t.app.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      checks: { sheets_sync: { detail: { google: string; problems: string[]; badRows: number } } };
    };
    expect(body.checks.sheets_sync.detail).toMatchObject({
      google: 'reachable',
      badRows: 3,
      problems: expect.arrayContaining(['FAQ: tab is missing']),
    });
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(metrics).toMatch(/sheets_bad_rows\{[^}]*tab="Promotions"[^}]*\} 2/);
    expect(metrics).toMatch(/sheets_bad_rows\{[^}]*tab="Tickets"[^}]*\} 1/);

    // fixed in the Sheet: the row applies on the next pull
    t.double.edit('Tickets', 'T-1', 'status', 'in_progress');
    expect((await t.app.sync.pullNow()).badRows.map((b) => b.id)).toEqual(['bad-date', 'bad-status']);
    expect(t.app.wb.get('Tickets', 'T-1')!.status).toBe('in_progress');
  });

  it('says in /readyz when Google cannot be reached, and keeps serving from the replica', async () => {
    await t.app.sync.pullNow();
    t.double.down = true;
    t.app.sync.start();
    const client = await fetch(`${t.app.url}/readyz`);
    expect(client.status).toBe(200);
    let detail: { google?: string; lastError?: string } = {};
    for (let i = 0; i < 100 && detail.google !== 'unreachable'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      detail = (
        (await (await fetch(`${t.app.url}/readyz`)).json()) as { checks: { sheets_sync: { detail: typeof detail } } }
      ).checks.sheets_sync.detail;
    }
    expect(detail).toMatchObject({ google: 'unreachable', lastError: expect.stringContaining('503') });
  });
});
