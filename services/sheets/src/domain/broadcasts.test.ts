import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.ts';
import { Workbook } from '../store/workbook.ts';
import {
  announcePromotion,
  cancelBroadcast,
  createBroadcast,
  progressOf,
  recipientsFor,
  recordAndClaim,
  resolveStaleClaims,
  setMarketingOptOut,
  startDue,
} from './broadcasts/index.ts';

function workbook() {
  const wb = new Workbook(openDatabase(':memory:'));
  const user = (telegramId: number, segment: string, extra: Record<string, string> = {}) =>
    wb.insert(
      'Users',
      {
        id: `U-${telegramId}`,
        telegram_id: String(telegramId),
        segment,
        status: 'active',
        language: 'ru',
        blocked_bot: 'no',
        ...extra,
      },
      { outbox: false },
    );
  user(1, 'retail');
  user(2, 'retail', { language: 'en' });
  user(3, 'partners');
  user(4, 'retail', { status: 'pending' });
  user(5, 'retail', { status: 'blocked' });
  user(6, 'retail', { blocked_bot: 'yes' });
  user(7, '');
  return wb;
}
const ids = (list: Array<{ telegramId: number }>) => list.map((r) => r.telegramId).sort();

describe('broadcast recipients', () => {
  it('are active users of the segment who have not blocked the bot or opted out; `all` is everyone', () => {
    const wb = workbook();
    expect(ids(recipientsFor(wb, 'retail'))).toEqual([1, 2]);
    expect(ids(recipientsFor(wb, 'retail, partners'))).toEqual([1, 2, 3]);
    expect(ids(recipientsFor(wb, 'all'))).toEqual([1, 2, 3, 7]);
    setMarketingOptOut(wb, 2, true);
    expect(ids(recipientsFor(wb, 'retail'))).toEqual([1]);
    setMarketingOptOut(wb, 2, false);
    expect(recipientsFor(wb, 'retail').find((r) => r.telegramId === 2)?.language).toBe('en');
  });
});

describe('claims and outcomes', () => {
  it('hands each recipient to one lane, records outcomes, marks 403s blocked_bot and finishes the row', () => {
    const wb = workbook();
    const b = createBroadcast(wb, { text: 'Привет', segment: 'retail', createdBy: 'test', start: 'now' });
    expect(b.status).toBe('sending');
    const a = recordAndClaim(wb, b.id, 'r/0', undefined, true).next!;
    const c = recordAndClaim(wb, b.id, 'r/1', undefined, true).next!;
    expect(a.telegramId).not.toBe(c.telegramId);
    // A lane whose answer was lost asks again: it gets the same recipient, not a second one.
    expect(recordAndClaim(wb, b.id, 'r/0', undefined, true).next!.telegramId).toBe(a.telegramId);
    expect(recordAndClaim(wb, b.id, 'r/0', { telegramId: a.telegramId, outcome: 'sent' }, true)).toEqual({
      recorded: true,
      next: null,
    });
    // Another lane cannot record a claim it does not hold.
    expect(recordAndClaim(wb, b.id, 'r/0', { telegramId: c.telegramId, outcome: 'sent' }, false).recorded).toBe(false);
    recordAndClaim(wb, b.id, 'r/1', { telegramId: c.telegramId, outcome: 'blocked', error: 'Forbidden' }, false);
    expect(wb.find('Users', { telegram_id: String(c.telegramId) })[0]!.blocked_bot).toBe('yes');
    expect(wb.get('Broadcasts', b.id)).toMatchObject({ status: 'done', sent: '1', failed: '0', blocked: '1' });
  });

  it('gives up a recipient refused with 429 five times', () => {
    const wb = workbook();
    const b = createBroadcast(wb, { text: 'x', segment: 'partners', createdBy: 'test', start: 'now' });
    for (let i = 0; i < 5; i++) {
      const next = recordAndClaim(wb, b.id, 'w/0', undefined, true).next!;
      recordAndClaim(wb, b.id, 'w/0', { telegramId: next.telegramId, outcome: 'retry' }, false);
    }
    expect(progressOf(wb, b.id)).toMatchObject({ pending: 0, failed: 1 });
  });

  it('after a restart: a claim never tried goes back to pending, one handed to Telegram becomes unknown', () => {
    const wb = workbook();
    const b = createBroadcast(wb, { text: 'x', segment: 'retail', createdBy: 'test', start: 'now' });
    const tried = recordAndClaim(wb, b.id, 'gw-a/0', undefined, true).next!;
    recordAndClaim(wb, b.id, 'gw-a/1', undefined, true);
    expect(
      resolveStaleClaims(wb, { worker: 'gw-a', attempted: [{ broadcastId: b.id, telegramId: tried.telegramId }] }),
    ).toEqual({ unknown: 1, released: 1 });
    expect(progressOf(wb, b.id)).toMatchObject({ pending: 1, sending: 0, unknown: 1 });
    // A worker that never returns: its claims count as tried once the lease is over.
    recordAndClaim(wb, b.id, 'gone/0', undefined, true);
    expect(resolveStaleClaims(wb, { leaseMs: 1000 }, Date.now() + 5000)).toEqual({ unknown: 1, released: 0 });
    expect(wb.get('Broadcasts', b.id)).toMatchObject({ status: 'done', failed: '2' });
  });

  it('cancels: pending recipients are cancelled, the row says so, a finished broadcast cannot be cancelled', () => {
    const wb = workbook();
    const b = createBroadcast(wb, { text: 'x', segment: 'all', createdBy: 'test', start: 'now' });
    expect(cancelBroadcast(wb, b.id).status).toBe('cancelled');
    expect(progressOf(wb, b.id)).toMatchObject({ pending: 0, cancelled: 4 });
    expect(recordAndClaim(wb, b.id, 'w/0', undefined, true).next).toBeNull();
    const done = createBroadcast(wb, { text: 'x', segment: 'nobody', createdBy: 'test', start: 'now' });
    expect(wb.get('Broadcasts', done.id)!.status).toBe('done');
    expect(() => cancelBroadcast(wb, done.id)).toThrow(/finished/);
  });
});

describe('sources', () => {
  it('starts a scheduled broadcast only when due', () => {
    const wb = workbook();
    const at = '2030-01-01T10:00:00Z';
    const b = createBroadcast(wb, {
      text: 'x',
      segment: 'retail',
      scheduledAt: at,
      createdBy: 'test',
      start: 'schedule',
    });
    expect(startDue(wb, new Date('2029-12-31T10:00:00Z'))).toEqual([]);
    expect(startDue(wb, new Date('2030-01-01T10:00:01Z'))).toEqual([b.id]);
    expect(startDue(wb, new Date('2030-01-01T10:00:02Z'))).toEqual([]);
  });

  it('announces a live promotion with notify=yes once, and one without notify never', () => {
    const wb = workbook();
    const promo = (id: string, notify: string) =>
      wb.insert(
        'Promotions',
        {
          id,
          title: 'Акция',
          description: 'Описание',
          starts_at: '2020-01-01',
          ends_at: '2099-01-01',
          segment: 'retail',
          status: 'active',
          cta: 'participate',
          notify,
        },
        { outbox: false },
      );
    promo('p1', 'да');
    promo('p2', 'нет');
    const first = announcePromotion(wb, 'p1');
    expect(first.broadcastId).toMatch(/^B-\d+$/);
    expect(announcePromotion(wb, 'p1').broadcastId).toBeNull();
    expect(announcePromotion(wb, 'p2').broadcastId).toBeNull();
    expect(wb.get('Promotions', 'p1')!.announced_at).not.toBe('');
    expect(wb.get('Broadcasts', first.broadcastId!)).toMatchObject({
      text: 'Акция\n\nОписание',
      segment: 'retail',
      created_by: 'promotion:p1',
      status: 'sending',
    });
  });
});
