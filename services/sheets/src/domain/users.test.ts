import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.ts';
import { DEFAULT_SETTINGS } from '../store/mappers.ts';
import { seedIfEmpty } from '../store/seed.ts';
import { Workbook } from '../store/workbook.ts';
import {
  markSeen,
  NotStaffError,
  phoneKey,
  recordStart,
  setBlockedBot,
  setStatusByStaff,
  signIn,
  takeStart,
  userIdByPhone,
} from './users.ts';

function workbook() {
  const wb = new Workbook(openDatabase(':memory:'));
  seedIfEmpty(wb);
  return wb;
}
const allowlist = { ...DEFAULT_SETTINGS, accessPolicy: 'allowlist' as const };
const open = { ...DEFAULT_SETTINGS, accessPolicy: 'open' as const };

describe('users', () => {
  it('finds rows by phone whatever form the manager typed', () => {
    const wb = workbook();
    expect(phoneKey('8 (903) 555-01-01')).toBe('79035550101');
    expect(userIdByPhone(wb, '+79035550101')).toBe('U-2');
    expect(userIdByPhone(wb, '+79035550102')).toBe('U-3');
    expect(userIdByPhone(wb, '+79035550104')).toBe('U-5');
    expect(userIdByPhone(wb, '+79035550105')).toBe('U-6');
    expect(userIdByPhone(wb, '+79999999999')).toBeNull();
    // A phone with a character the index does not know (non-breaking spaces pasted from a document) is still found.
    wb.insert(
      'Users',
      { id: 'U-50', phone: '+7\u00a0912\u00a0000-00-50', name: 'x', status: 'active' },
      { outbox: false },
    );
    expect(userIdByPhone(wb, '+79120000050')).toBe('U-50');
    const indexes = (
      wb.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Users'`).all() as Array<{
        name: string;
      }>
    ).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['users_phone_key', 'users_phone_odd']));
  });

  it('records the consent when the contact is shared (first time only), on a linked row and on a new one', () => {
    const wb = workbook();
    const t1 = new Date('2026-03-01T10:00:00Z');
    const linked = signIn(wb, allowlist, { telegramId: 501, phone: '+79035550103', name: 'P', language: 'ru' }, t1);
    expect(linked.user.consentAt).toBe(t1.toISOString());
    const again = signIn(wb, allowlist, { telegramId: 501, phone: '+79035550103', name: 'P', language: 'ru' });
    expect(again.user.consentAt).toBe(t1.toISOString());
    const fresh = signIn(wb, open, { telegramId: 502, phone: '+79120000099', name: 'N', language: 'en' }, t1);
    expect(fresh.user.consentAt).toBe(t1.toISOString());
    expect(wb.get('Users', fresh.user.id)?.consent_at).toBe(t1.toISOString());
  });

  it('signs in, registers or queues by policy, and moves an account to the row of the phone it proved', () => {
    const wb = workbook();
    expect(signIn(wb, allowlist, { telegramId: 11, phone: '+79035550103', name: 'x', language: 'ru' }).outcome).toBe(
      'signed_in',
    );
    expect(signIn(wb, allowlist, { telegramId: 12, phone: '+79035550106', name: 'x', language: 'ru' }).outcome).toBe(
      'pending',
    );
    expect(signIn(wb, allowlist, { telegramId: 13, phone: '+79035550107', name: 'x', language: 'ru' }).outcome).toBe(
      'blocked',
    );
    const queued = signIn(wb, allowlist, { telegramId: 14, phone: '+79120000000', name: 'New', language: 'en' });
    expect(queued).toMatchObject({
      outcome: 'pending_created',
      user: { status: 'pending', language: 'en', name: 'New' },
    });
    expect(wb.eventsSince('t', 10).events).toEqual([
      expect.objectContaining({
        type: 'user.pending',
        payload: { userId: queued.user.id, telegramId: 14, name: 'New' },
      }),
    ]);
    expect(signIn(wb, open, { telegramId: 15, phone: '+79120000001', name: 'Open', language: 'ru' }).outcome).toBe(
      'registered',
    );
    // Telegram account 11 now proves another phone: the link moves.
    signIn(wb, allowlist, { telegramId: 11, phone: '+79035550104', name: 'x', language: 'ru' });
    expect(wb.get('Users', 'U-4')!.telegram_id).toBe('');
    expect(wb.get('Users', 'U-5')!.telegram_id).toBe('11');
  });

  it('lets only an active manager or admin decide, once', () => {
    const wb = workbook();
    signIn(wb, allowlist, { telegramId: 1, phone: '+79000000001', name: 'a', language: 'ru' });
    signIn(wb, allowlist, { telegramId: 4, phone: '+79035550103', name: 'c', language: 'ru' });
    const { user } = signIn(wb, allowlist, { telegramId: 9, phone: '+79120000009', name: 'p', language: 'ru' });
    expect(() => setStatusByStaff(wb, 4, user.id, 'active')).toThrow(NotStaffError);
    expect(setStatusByStaff(wb, 1, user.id, 'active').changed).toBe(true);
    expect(setStatusByStaff(wb, 1, user.id, 'active').changed).toBe(false);
    const events = wb.eventsSince('t', 10).events.filter((e) => e.type === 'user.status_changed');
    expect(events).toEqual([
      expect.objectContaining({
        payload: { userId: user.id, telegramId: 9, from: 'pending', to: 'active', by: 'staff' },
      }),
    ]);
  });

  it('decides "already blocked" one way, whatever spelling a manager typed into blocked_bot', () => {
    const wb = workbook();
    const user = signIn(wb, allowlist, { telegramId: 6, phone: '+79035550106', name: 'f', language: 'ru' }).user;
    const cell = () => wb.get('Users', user.id)?.blocked_bot;
    for (const yes of ['да', ' TRUE ', '1', 'yes']) {
      wb.update('Users', user.id, { blocked_bot: yes });
      expect(setBlockedBot(wb, 6, true), yes).toBe(false);
      expect(cell()).toBe(yes);
    }
    for (const no of ['нет', '', '0', 'false']) {
      wb.update('Users', user.id, { blocked_bot: no });
      expect(setBlockedBot(wb, 6, false), no).toBe(false);
      expect(setBlockedBot(wb, 6, true), no).toBe(true);
      expect(cell()).toBe('yes');
    }
    wb.update('Users', user.id, { blocked_bot: 'maybe' });
    expect(setBlockedBot(wb, 6, true)).toBe(true);
    expect(cell()).toBe('yes');
  });

  it('keeps blocked_bot, last_seen_at and deep links cheap and exact', () => {
    const wb = workbook();
    signIn(wb, allowlist, { telegramId: 4, phone: '+79035550103', name: 'c', language: 'ru' });
    expect(setBlockedBot(wb, 4, true)).toBe(true);
    expect(setBlockedBot(wb, 4, true)).toBe(false);
    expect(setBlockedBot(wb, 4, false)).toBe(true);
    expect(setBlockedBot(wb, 5, true)).toBe(false); // no row linked
    expect(markSeen(wb, 4)).toBe(false);
    expect(markSeen(wb, 4, new Date(Date.now() + 2 * 3_600_000))).toBe(true);
    recordStart(wb, 4, 'promo_a');
    recordStart(wb, 4, 'promo_b');
    expect(takeStart(wb, 4)).toBe('promo_b');
    expect(takeStart(wb, 4)).toBeNull();
  });
});
