import { createServiceClient } from '@mb/service-kit';
import { describe, expect, it } from 'vitest';
import type { SheetsRouter } from '../src/router-type.ts';
import { INTERNAL, startSheets, stopSheets, ticketRow, useSyncedSheets } from './sync-harness.ts';

const today = new Date().toISOString().slice(0, 10);
const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const t = useSyncedSheets();

/** The gateway's side of the feed: pull after the committed cursor, then ack (what a restarted consumer resumes from). */
async function consume(url: string): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  const client = createServiceClient<SheetsRouter>({ target: 'sheets', url, token: INTERNAL });
  const { events } = await client.events.pull.query({ consumer: 'gateway', limit: 500 });
  if (events.length) await client.events.ack.mutate({ consumer: 'gateway', seq: events.at(-1)!.seq });
  return events.map((e) => ({ type: e.type, payload: e.payload }));
}

describe('manager edits in the Sheet become change events, exactly once', () => {
  it('turns ticket, promotion, user and broadcast edits into events once, across restarts of the service and of its consumer', async () => {
    t.app.wb.insert('Tickets', ticketRow({ name: 'Anna', text: 'Где заказ?', created_at: today }));
    t.app.wb.insert('Users', {
      id: 'U-1',
      telegram_id: '7001',
      phone: '+79990000001',
      name: 'Anna',
      role: 'client',
      segment: 'retail',
      status: 'active',
      language: 'ru',
    });
    await t.app.sync.flushNow();
    await t.app.sync.pullNow();
    expect(await consume(t.app.url)).toEqual([]); // the bot's own rows are not manager changes

    t.double.edit('Tickets', 'T-1001', 'status', 'answered');
    t.double.edit('Tickets', 'T-1001', 'answer', 'Заказ в пути');
    t.double.edit('Users', 'U-1', 'role', 'manager');
    t.double.addRow('Promotions', {
      id: 'winter',
      title: 'Зима',
      starts_at: today,
      ends_at: later,
      segment: 'all',
      status: 'active',
      cta: 'participate',
      notify: 'yes',
    });
    t.double.addRow('Broadcasts', {
      text: 'Скидки!',
      segment: 'all',
      scheduled_at: `${later}T10:00:00Z`,
      status: 'scheduled',
    });
    await t.app.sync.pullNow();
    const first = await consume(t.app.url);
    expect(first).toEqual(
      expect.arrayContaining([
        {
          type: 'ticket.changed',
          payload: { ticketId: 'T-1001', telegramId: 7001, status: 'answered', answer: 'Заказ в пути', by: 'sheet' },
        },
        { type: 'user.role_changed', payload: { userId: 'U-1', telegramId: 7001, from: 'client', to: 'manager' } },
        { type: 'promotion.activated', payload: { promotionId: 'winter' } },
        {
          type: 'broadcast.scheduled',
          payload: { broadcastId: expect.stringMatching(/^B-\d+$/), scheduledAt: `${later}T10:00:00Z` },
        },
      ]),
    );
    expect(first).toHaveLength(4);
    expect(t.app.wb.get('Tickets', 'T-1001')).toMatchObject({ status: 'answered', answer: 'Заказ в пути' });

    // the broadcast a manager added without an id gets one, written back to its row
    await t.app.sync.flushNow();
    const broadcastId = (first[3]!.payload as { broadcastId: string }).broadcastId;
    expect(t.double.records('Broadcasts')).toEqual([expect.objectContaining({ id: broadcastId, text: 'Скидки!' })]);

    // nothing changed: nothing new, also after the service restarts (the last-seen Sheet is durable)
    await t.app.sync.pullNow();
    await stopSheets(t.app);
    t.app = await startSheets(t.dir, t.double);
    await t.app.sync.pullNow();
    await t.app.sync.pullNow();
    expect(await consume(t.app.url)).toEqual([]);

    // a further edit after the restart: exactly its own events
    t.double.edit('Promotions', 'winter', 'title', 'Зимняя распродажа');
    t.double.edit('Users', 'U-1', 'status', 'blocked');
    t.double.edit('Broadcasts', broadcastId, 'status', 'cancelled');
    await t.app.sync.pullNow();
    expect(await consume(t.app.url)).toEqual([
      {
        type: 'user.status_changed',
        payload: { userId: 'U-1', telegramId: 7001, from: 'active', to: 'blocked', by: 'sheet' },
      },
      { type: 'promotion.changed', payload: { promotionId: 'winter' } },
      { type: 'broadcast.cancelled', payload: { broadcastId } },
    ]);

    // a consumer that restarts before acking sees the same events again (at least once), then nothing once acked
    t.double.edit('Tickets', 'T-1001', 'status', 'closed');
    await t.app.sync.pullNow();
    const client = createServiceClient<SheetsRouter>({ target: 'sheets', url: t.app.url, token: INTERNAL });
    const unacked = await client.events.pull.query({ consumer: 'gateway', limit: 10 });
    expect(unacked.events.map((e) => e.type)).toEqual(['ticket.changed']);
    expect((await consume(t.app.url)).map((e) => e.type)).toEqual(['ticket.changed']);
    expect(await consume(t.app.url)).toEqual([]);
  });

  it('gives an allow-list row a manager added without an id an id, writes it back, and keeps it across pulls', async () => {
    await t.app.sync.pullNow(); // the import
    t.double.addRow('Users', {
      phone: '+79991112233',
      name: 'Ivan',
      role: 'client',
      segment: 'partners',
      status: 'active',
    });
    await t.app.sync.pullNow();
    const [user] = t.app.wb.find('Users', { phone: '+79991112233' });
    expect(user).toMatchObject({
      id: expect.stringMatching(/^U-\d+$/),
      name: 'Ivan',
      segment: 'partners',
      status: 'active',
    });
    await t.app.sync.pullNow(); // before the write-back: the same row keeps the same id
    expect(t.app.wb.find('Users', { phone: '+79991112233' })).toHaveLength(1);
    await t.app.sync.flushNow();
    expect(t.double.records('Users')).toEqual([
      expect.objectContaining({ id: user!.id, phone: '+79991112233', name: 'Ivan' }),
    ]);
    await t.app.sync.pullNow();
    expect(t.app.wb.count('Users')).toBe(1);
    expect(t.app.wb.eventsSince('test', 10).events.map((e) => e.payload)).toEqual([
      { userId: user!.id, telegramId: null, from: '', to: 'active', by: 'sheet' },
    ]);
  });

  it('pulls on demand through sync.pullNow and reports the counts', async () => {
    t.double.addRow('FAQ', { id: 'f1', question: 'Вопрос?', answer: 'Ответ.', tags: 'a, b', active: 'да' });
    const client = createServiceClient<SheetsRouter>({ target: 'sheets', url: t.app.url, token: INTERNAL });
    const result = await client.sync.pullNow.mutate();
    expect(result).toMatchObject({ inserted: 1, rows: { FAQ: 1 }, problems: [], badRows: [] });
    expect(await client.catalog.faq.query()).toEqual([
      { id: 'f1', question: 'Вопрос?', answer: 'Ответ.', tags: ['a', 'b'], active: true },
    ]);
    const reads = t.double.count('values.batchGet');
    await client.sync.pullNow.mutate();
    expect(t.double.count('values.batchGet')).toBe(reads + 1); // a pull is one batchGet (the first also reads headers)
  });
});
