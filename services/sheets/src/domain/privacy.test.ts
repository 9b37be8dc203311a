import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.ts';
import { DEFAULT_SETTINGS } from '../store/mappers.ts';
import { seedIfEmpty } from '../store/seed.ts';
import { Workbook } from '../store/workbook.ts';
import { ERASED, finishForget, forget, myData } from './privacy.ts';
import { recordStart, signIn, userByTelegramId } from './users.ts';

const TG = 7001;

/** A seeded workbook where Пётр (U-4) signed in, took part in a promotion and wrote a request with a photo. */
function workbook() {
  const wb = new Workbook(openDatabase(':memory:'));
  seedIfEmpty(wb);
  signIn(
    wb,
    DEFAULT_SETTINGS,
    { telegramId: TG, phone: '+79035550103', name: 'Пётр', language: 'ru' },
    new Date('2026-03-01T10:00:00Z'),
  );
  wb.insert('Participations', {
    id: 'P-1',
    promotion_id: 'promo-1',
    telegram_id: String(TG),
    name: 'Пётр Клиентов',
    phone: '+79035550103',
    created_at: '2026-03-02T10:00:00Z',
    status: 'new',
  });
  wb.insert('Tickets', {
    id: 'T-1',
    telegram_id: String(TG),
    name: 'Пётр Клиентов',
    text: 'Мой адрес: ул. Ленина',
    status: 'new',
  });
  wb.insert('TicketMessages', {
    id: 'M-1',
    ticket_id: 'T-1',
    author: 'user',
    author_name: 'Пётр',
    text: 'Мой адрес: ул. Ленина',
  });
  wb.insert('TicketMessages', { id: 'M-2', ticket_id: 'T-1', author: 'staff', author_name: 'Мария', text: 'Принято' });
  wb.db.prepare(`INSERT INTO ticket_attachments VALUES ('M-1', 0, 'photo', 'AgAD-file')`).run();
  recordStart(wb, TG, 'promo_promo-1');
  return wb;
}

describe('personal data', () => {
  it('myData lists what is kept, with counts of requests and participations', () => {
    const wb = workbook();
    expect(myData(wb, TG)).toEqual({
      name: 'Пётр Клиентов',
      phone: '+79035550103',
      segment: 'retail',
      language: 'ru',
      role: 'client',
      status: 'active',
      registeredAt: expect.any(String),
      lastSeenAt: '2026-03-01T10:00:00.000Z',
      consentAt: '2026-03-01T10:00:00.000Z',
      requests: 1,
      participations: 1,
    });
    expect(myData(wb, 999)).toBeNull();
  });

  it('forget erases the person everywhere at once, keeps the rows for counts, and happens once', () => {
    const wb = workbook();
    const outboxBefore = (wb.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    expect(forget(wb, TG)).toEqual({ userId: 'U-4' });
    expect(wb.get('Users', 'U-4')).toMatchObject({ phone: '', name: '', telegram_id: '', status: 'deleted' });
    expect(wb.get('Participations', 'P-1')).toMatchObject({ name: '', phone: '', promotion_id: 'promo-1' });
    expect(wb.get('Tickets', 'T-1')).toMatchObject({ name: '', text: ERASED, status: 'new' });
    expect(wb.get('TicketMessages', 'M-1')).toMatchObject({ text: '[удалено]', author_name: '' });
    expect(wb.get('TicketMessages', 'M-2')).toMatchObject({ text: 'Принято', author_name: 'Мария' });
    expect(wb.db.prepare('SELECT * FROM ticket_attachments').all()).toEqual([]);
    expect(wb.db.prepare('SELECT * FROM start_payloads').all()).toEqual([]);
    // The Sheet gets every erased cell through the outbox (durable across restarts).
    const queued = wb.db
      .prepare('SELECT tab, row_id, columns FROM outbox ORDER BY seq')
      .all()
      .slice(outboxBefore) as Array<{
      tab: string;
      row_id: string;
      columns: string;
    }>;
    expect(queued.map((q) => `${q.tab}:${q.row_id}`)).toEqual([
      'Participations:P-1',
      'Tickets:T-1',
      'TicketMessages:M-1',
      'Users:U-4',
    ]);
    expect(JSON.parse(queued[3]!.columns)).toEqual({ phone: '', name: '', telegram_id: '', status: 'deleted' });
    const events = wb.db.prepare(`SELECT payload FROM events WHERE type = 'user.forgotten'`).all() as Array<{
      payload: string;
    }>;
    expect(events.map((e) => JSON.parse(e.payload))).toEqual([{ userId: 'U-4', telegramId: TG }]);

    // A second request (a double tap, the Mini App after the bot) finds nothing: no second event.
    expect(forget(wb, TG)).toBeNull();
    expect(userByTelegramId(wb, TG)).toBeNull();
    expect(myData(wb, TG)).toBeNull();
    expect(finishForget(wb, TG)).toBe(true);
    expect(finishForget(wb, TG)).toBe(false);
    // Signing in again is a stranger's: the old row is not found by phone, a new pending row is made.
    const again = signIn(wb, DEFAULT_SETTINGS, { telegramId: TG, phone: '+79035550103', name: 'P', language: 'ru' });
    expect(again.outcome).toBe('pending_created');
    expect(again.user.id).not.toBe('U-4');
  });

  it('a failure midway leaves nothing half erased (one transaction)', () => {
    const wb = workbook();
    wb.db.exec(`CREATE TRIGGER fail_users BEFORE UPDATE ON "Users" BEGIN SELECT RAISE(ABORT, 'disk gone'); END`);
    expect(() => forget(wb, TG)).toThrow(/disk gone/);
    wb.db.exec('DROP TRIGGER fail_users');
    expect(wb.get('Participations', 'P-1')).toMatchObject({ name: 'Пётр Клиентов' });
    expect(wb.get('TicketMessages', 'M-1')).toMatchObject({ text: 'Мой адрес: ул. Ленина' });
    expect(wb.db.prepare('SELECT count(*) AS n FROM forget_requests').get()).toEqual({ n: 0 });
    expect(forget(wb, TG)).toEqual({ userId: 'U-4' });
  });
});
