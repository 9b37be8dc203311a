import { TABS } from '@mb/contracts';
import { describe, expect, it } from 'vitest';
import { createBroadcast, recipientsFor, startBroadcast } from '../src/domain/broadcasts/index.ts';
import { addMessage, getTicket, ticketsOf } from '../src/domain/tickets.ts';
import { signIn, userByTelegramId } from '../src/domain/users.ts';
import { openingMessage, startSheets, ticketRow, useSyncedSheets } from './sync-harness.ts';

const t = useSyncedSheets({ start: false });

const LINKED = 2000;
const BLOCKED = 25;

/** A row in the tab's header order. */
const row = (tab: keyof typeof TABS, record: Partial<Record<string, string>>) =>
  TABS[tab].columns.map((c) => record[c] ?? '');

/** User `i` as the old bot linked them: U-i, Telegram id 500000 + i, the first a manager, the first 25 blocked it. */
const linkedUser = (i: number) => ({
  id: `U-${i}`,
  telegram_id: String(500_000 + i),
  phone: `+7903${String(i).padStart(7, '0')}`,
  name: `Клиент ${i}`,
  role: i === 1 ? 'manager' : 'client',
  segment: i % 2 ? 'retail' : 'wholesale',
  status: 'active',
  language: i % 3 ? 'ru' : 'en',
  registered_at: '2023-04-01T10:00:00Z',
  last_seen_at: '2025-11-30T10:00:00Z',
  blocked_bot: i <= BLOCKED ? 'yes' : 'no',
});

/** The Sheet the old Python bot filled for years: 2,000 users it linked to Telegram, their requests, a broadcast. */
function oldBotSheet() {
  const users: string[][] = [[...TABS.Users.columns]];
  for (let i = 1; i <= LINKED; i++) users.push(row('Users', linkedUser(i)));
  // two rows the old bot let drift: a telegram_id twice, a phone twice (in another form) — reported, never merged
  users.push(
    row('Users', { id: 'U-9001', telegram_id: '500007', phone: '+79990000001', name: 'Двойник', status: 'active' }),
  );
  users.push(row('Users', { id: 'U-9002', phone: '8 (903) 000-00-09', name: 'Тот же телефон', status: 'active' }));
  t.double.setTab('Users', users);
  // Client 42's request, taken and answered by Olga, and their entry to a promotion.
  const client = linkedUser(42);
  const ticket = ticketRow({
    id: 'T-812',
    telegram_id: client.telegram_id,
    name: client.name,
    category: 'Доставка',
    text: 'Где мой заказ?',
    status: 'in_progress',
    assignee: 'Olga',
    created_at: '2025-10-01T09:00:00Z',
    updated_at: '2025-10-01T09:30:00Z',
  });
  t.double.setTab('Tickets', [
    [...TABS.Tickets.columns],
    row('Tickets', ticket),
    row('Tickets', { id: 'T-812', telegram_id: '500043', text: 'an id used twice', status: 'new' }),
  ]);
  t.double.setTab('TicketMessages', [
    [...TABS.TicketMessages.columns],
    row('TicketMessages', openingMessage(ticket, 'M-3001')),
    row('TicketMessages', {
      ...openingMessage(ticket, 'M-3002'),
      author: 'staff',
      author_name: 'Olga',
      text: 'Смотрим',
      created_at: ticket.updated_at,
    }),
  ]);
  t.double.setTab('Participations', [
    [...TABS.Participations.columns],
    row('Participations', {
      id: 'PR-77',
      promotion_id: 'P-1',
      telegram_id: client.telegram_id,
      name: client.name,
      phone: client.phone,
      created_at: '2025-09-01T10:00:00Z',
      status: 'new',
    }),
  ]);
  t.double.setTab('Broadcasts', [
    [...TABS.Broadcasts.columns],
    row('Broadcasts', {
      id: 'B-40',
      text: 'Осенняя распродажа',
      segment: 'all',
      scheduled_at: '2025-09-01T10:00:00Z',
      status: 'done',
      sent: '1890',
      failed: '3',
      blocked: '20',
      created_by: 'Olga',
    }),
  ]);
}

describe('moving in from the old bot', () => {
  it("the old bot's Sheet with 2,000 linked users: a broadcast reaches them all, nobody signs in again", async () => {
    oldBotSheet();
    t.app = await startSheets(t.dir, t.double);
    const reads = t.double.count('values.batchGet');
    const summary = await t.app.sync.pullNow();
    // one batch of reads takes the whole Sheet in (plus the header read of a first pull)
    expect(t.double.count('values.batchGet') - reads).toBe(2);
    expect(summary.imported).toMatchObject({ Users: LINKED, Tickets: 1, TicketMessages: 2, Participations: 1 });
    expect(summary.imported.Broadcasts).toBe(1);
    expect(summary.events).toBe(0); // moving in is not news

    // every linked user is signed in at their next update: the gateway finds them by telegram_id, no contact asked
    for (const i of [1, 2, 42, 1999, LINKED]) {
      const user = userByTelegramId(t.app.wb, 500_000 + i);
      expect(user, `user ${i}`).toMatchObject({ id: `U-${i}`, status: 'active', language: i % 3 ? 'ru' : 'en' });
    }
    expect(userByTelegramId(t.app.wb, 500_001)?.role).toBe('manager');

    // a broadcast reaches all of them at once, except those who blocked the old bot
    const recipients = recipientsFor(t.app.wb, 'all');
    expect(recipients).toHaveLength(LINKED - BLOCKED);
    const broadcast = createBroadcast(t.app.wb, {
      text: 'Мы переехали',
      segment: 'all',
      createdBy: 'Olga',
      start: 'draft',
    });
    expect(startBroadcast(t.app.wb, broadcast.id)).toMatchObject({ started: true, recipients: LINKED - BLOCKED });
    expect(broadcast.id).not.toBe('B-40'); // the sequence moved past the imported ids

    // conflicts are reported, never merged: the doubled telegram_id, the doubled phone, the id used twice
    const problems = t.app.sync.status().badRows.map((b) => `${b.tab} ${b.id}: ${b.problem}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Users U-9001: conflict: telegram_id 500007 is also on U-7; not imported',
        'Users U-9002: conflict: phone 8 (903) 000-00-09 is also on U-9; not imported',
        'Tickets T-812: id appears more than once; the first row is used',
      ]),
    );
    expect(summary.refused).toEqual({ Users: 2, Tickets: 1 });
    expect(t.app.wb.get('Users', 'U-9001')).toBeUndefined();
    expect(userByTelegramId(t.app.wb, 500_007)?.id).toBe('U-7');

    // the old request is known: the owner sees it with its thread, staff can answer it, the next ids are new
    expect(ticketsOf(t.app.wb, 500_042, { limit: 10, offset: 0 }).items.map((x) => x.id)).toEqual(['T-812']);
    expect(getTicket(t.app.wb, 'T-812', 500_042).messages.map((m) => m.text)).toEqual(['Где мой заказ?', 'Смотрим']);
    const answered = addMessage(t.app.wb, { ticketId: 'T-812', telegramId: 500_001, as: 'staff', text: 'Доставлен' });
    expect(answered.message.id).toBe('M-3003');

    // a later pull reads only the managers' columns again, and a status changed in the Sheet reaches the owner
    t.double.edit('Tickets', 'T-812', 'status', 'closed');
    await t.app.sync.flushNow();
    const later = await t.app.sync.pullNow();
    expect(later.imported).toEqual({});
    const events = t.app.wb
      .eventsSince('test', 100)
      .events.filter((e) => e.type === 'ticket.changed' && e.payload['by'] === 'sheet');
    expect(events.map((e) => e.payload)).toEqual([
      { ticketId: 'T-812', telegramId: 500_042, status: 'closed', by: 'sheet' },
    ]);

    // nobody signs in again; one who does (a new phone) keeps their row
    const again = signIn(t.app.wb, { accessPolicy: 'open' } as never, {
      telegramId: 500_042,
      phone: '+79030000042',
      name: 'Клиент 42',
      language: 'ru',
    });
    expect(again.user.id).toBe('U-42');
  });
});
