import { describe, expect, it } from 'vitest';
import { getTicket } from '../src/domain/tickets.ts';
import { openingMessage, ticketRow, useSyncedSheets } from './sync-harness.ts';

const t = useSyncedSheets();

/** A request the bot created and the Sheet already holds (flushed, then pulled). */
async function openTicket() {
  const ticket = ticketRow();
  t.app.wb.insert('Tickets', ticket);
  t.app.wb.insert('TicketMessages', openingMessage(ticket, 'M-100'));
  await t.app.sync.flushNow();
  await t.app.sync.pullNow();
}

/** Events recorded since the last look, by type (a consumer of its own, so each look sees only new ones). */
function newEvents(type: string) {
  const { events, cursor } = t.app.wb.eventsSince('story', 1000);
  t.app.wb.ackEvents('story', events.at(-1)?.seq ?? cursor);
  return events.filter((e) => e.type === type).map((e) => e.payload);
}

const readyDetail = async () =>
  (
    (await (await fetch(`${t.app.url}/readyz`)).json()) as {
      checks: { sheets_sync: { detail: { badValues: unknown[] } } };
    }
  ).checks.sheets_sync.detail;

describe('a Sheet managers cannot break', () => {
  it('a manager types a wrong status: it never reaches the user, staff are told once, the correction applies once', async () => {
    await openTicket();
    newEvents('ticket.changed');
    t.double.edit('Tickets', 'T-1001', 'status', 'в работе!!');
    await t.app.sync.pullNow();
    expect(t.app.wb.get('Tickets', 'T-1001')?.status).toBe('new'); // state unchanged
    expect(newEvents('ticket.changed')).toEqual([]); // nothing reaches the user
    const [notice, ...more] = t.app.wb
      .eventsSince('staff-notices', 100)
      .events.filter((e) => e.type === 'sheet.bad_value');
    expect(more).toEqual([]);
    expect(notice?.payload).toMatchObject({ tab: 'Tickets', id: 'T-1001', column: 'status', value: 'в работе!!' });
    expect((await readyDetail()).badValues).toEqual([
      { tab: 'Tickets', id: 'T-1001', column: 'status', value: 'в работе!!' },
    ]);
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(metrics).toMatch(/sheets_bad_values\{[^}]*tab="Tickets",column="status"[^}]*\} 1/);
    // capacity: nine tabs of 1,000 × 26 grid cells each (as Google makes a new tab), of the 10 million allowed
    expect(metrics).toMatch(/sheets_cells_used\{[^}]*\} 234000\n/);
    expect(metrics).toMatch(/sheets_cells_limit\{[^}]*\} 10000000\n/);

    // pulled again and again: still reported, but one staff notice per bad cell, not one per pull
    newEvents('sheet.bad_value');
    await t.app.sync.pullNow();
    await t.app.sync.pullNow();
    expect(newEvents('sheet.bad_value')).toEqual([]);
    expect((await readyDetail()).badValues).toHaveLength(1);

    // a date that is not a date, in a promotion: refused the same way, the live promotion left as it was
    t.app.wb.insert('Promotions', { id: 'P-9', title: 'Осень', status: 'active', starts_at: '2026-01-01' });
    await t.app.sync.flushNow();
    await t.app.sync.pullNow();
    t.double.edit('Promotions', 'P-9', 'starts_at', 'завтра');
    await t.app.sync.pullNow();
    expect(t.app.wb.get('Promotions', 'P-9')?.starts_at).toBe('2026-01-01');
    expect(newEvents('sheet.bad_value')).toEqual([
      expect.objectContaining({ tab: 'Promotions', id: 'P-9', column: 'starts_at', value: 'завтра' }),
    ]);

    // corrected: takes effect once
    t.double.edit('Tickets', 'T-1001', 'status', 'closed');
    await t.app.sync.pullNow();
    await t.app.sync.pullNow();
    expect(t.app.wb.get('Tickets', 'T-1001')?.status).toBe('closed');
    expect(newEvents('ticket.changed')).toEqual([
      { ticketId: 'T-1001', telegramId: 7001, status: 'closed', by: 'sheet' },
    ]);
    expect((await readyDetail()).badValues).toEqual([
      { tab: 'Promotions', id: 'P-9', column: 'starts_at', value: 'завтра' },
    ]);
  });

  it('a manager answers in the Sheet: a staff message in the thread, exactly once, and it reaches the Sheet', async () => {
    await openTicket();
    newEvents('ticket.changed');
    t.double.edit('Tickets', 'T-1001', 'assignee', 'Ольга');
    t.double.edit('Tickets', 'T-1001', 'answer', 'Завтра до 18:00');
    await t.app.sync.pullNow();
    await t.app.sync.pullNow();
    await t.app.sync.flushNow();
    await t.app.sync.pullNow();
    const thread = getTicket(t.app.wb, 'T-1001', 7001).messages;
    expect(thread.map((m) => [m.author, m.authorName, m.text])).toEqual([
      ['user', 'Анна', 'Когда доставка?'],
      ['staff', 'Ольга', 'Завтра до 18:00'],
    ]);
    expect(newEvents('ticket.changed')).toEqual([
      { ticketId: 'T-1001', telegramId: 7001, answer: 'Завтра до 18:00', by: 'sheet' },
    ]);
    expect(t.double.records('TicketMessages').map((r) => r['text'])).toEqual(['Когда доставка?', 'Завтра до 18:00']);
  });
});
