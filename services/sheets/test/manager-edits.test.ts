import { describe, expect, it } from 'vitest';
import { addAsManager, editAsManager, ManagerEditError, tabView } from '../src/domain/manager-edits.ts';
import { openDatabase } from '../src/store/db.ts';
import { seedIfEmpty } from '../src/store/seed.ts';
import { Workbook } from '../src/store/workbook.ts';

function workbook() {
  const wb = new Workbook(openDatabase(':memory:'));
  seedIfEmpty(wb);
  return wb;
}

describe('a manager working in the local workbook', () => {
  it("edits a managers' column and the gateway gets the event once", () => {
    const wb = workbook();
    wb.update('Users', 'U-7', { telegram_id: '4242' });
    editAsManager(wb, { tab: 'Users', id: 'U-7', column: 'status', value: 'active' });
    editAsManager(wb, { tab: 'Users', id: 'U-7', column: 'status', value: 'active' });
    const { events } = wb.eventsSince('test', 10);
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['user.status_changed', { userId: 'U-7', telegramId: 4242, from: 'pending', to: 'active', by: 'sheet' }],
    ]);
    expect(wb.get('Users', 'U-7')?.status).toBe('active');
  });

  it("refuses the bot's columns, unknown tabs and rows with clear errors", () => {
    const wb = workbook();
    expect(() => editAsManager(wb, { tab: 'Users', id: 'U-7', column: 'telegram_id', value: '1' })).toThrow(
      /not a managers' column/,
    );
    expect(() => editAsManager(wb, { tab: 'Nope', id: 'x', column: 'a', value: '1' })).toThrow(ManagerEditError);
    expect(() => editAsManager(wb, { tab: 'Tickets', id: 'T-404', column: 'status', value: 'closed' })).toThrow(
      /no row T-404/,
    );
  });

  it('adds a live promotion (announced by an event) and an allow-list user with a fresh id; text stays text', () => {
    const wb = workbook();
    const today = new Date().toISOString().slice(0, 10);
    addAsManager(wb, {
      tab: 'Promotions',
      values: {
        id: 'winter',
        title: '=IMPORTXML("http://x")',
        starts_at: today,
        ends_at: '2099-01-01',
        status: 'active',
        segment: 'all',
        cta: 'participate',
      },
    });
    const user = addAsManager(wb, {
      tab: 'Users',
      values: { phone: '+79990000000', name: 'Новый', role: 'client', status: 'active', telegram_id: '1' },
    });
    expect(user.id).toMatch(/^U-\d+$/);
    expect((user as { telegram_id: string }).telegram_id).toBe(''); // not a managers' column: ignored
    expect(wb.get('Promotions', 'winter')?.title).toBe('=IMPORTXML("http://x")');
    expect(wb.eventsSince('t', 10).events.map((e) => e.type)).toContain('promotion.activated');
    expect(() => addAsManager(wb, { tab: 'Promotions', values: { id: 'winter', title: 'again' } })).toThrow(
      /already has/,
    );
    expect(tabView(wb, 'Promotions').rows[0]?.id).toBe('winter');
  });
});
