import { describe, expect, it } from 'vitest';
import { eventsForManagerChange } from './change-events.ts';

const now = new Date('2026-11-26T12:00:00Z');

describe('eventsForManagerChange', () => {
  it('turns a Users status or role edit into user events', () => {
    const before = { id: 'U-7', telegram_id: '42', status: 'pending', role: 'client' };
    expect(eventsForManagerChange('Users', before, { ...before, status: 'Active' }, now)).toEqual([
      {
        type: 'user.status_changed',
        payload: { userId: 'U-7', telegramId: 42, from: 'pending', to: 'active', by: 'sheet' },
      },
    ]);
    expect(eventsForManagerChange('Users', before, { ...before, role: 'manager' }, now)).toEqual([
      { type: 'user.role_changed', payload: { userId: 'U-7', telegramId: 42, from: 'client', to: 'manager' } },
    ]);
    expect(eventsForManagerChange('Users', before, { ...before, status: 'junk' }, now)).toEqual([]);
  });

  it('reports a ticket status or answer change, and nothing for an untouched row', () => {
    const before = { id: 'T-1', telegram_id: '42', status: 'new', answer: '' };
    expect(eventsForManagerChange('Tickets', before, { ...before, status: 'answered', answer: 'Готово' }, now)).toEqual(
      [
        {
          type: 'ticket.changed',
          payload: { ticketId: 'T-1', telegramId: 42, status: 'answered', answer: 'Готово', by: 'sheet' },
        },
      ],
    );
    expect(eventsForManagerChange('Tickets', before, { ...before }, now)).toEqual([]);
  });

  it('announces a promotion when it becomes live, and a change while it is live', () => {
    const draft = {
      id: 'p1',
      title: 'A',
      description: '',
      image_url: '',
      starts_at: '2026-11-01',
      ends_at: '2026-12-31',
      segment: 'all',
      status: 'draft',
      cta: 'participate',
      link_url: '',
      notify: 'да',
      announced_at: '',
    };
    const active = { ...draft, status: 'active' };
    expect(eventsForManagerChange('Promotions', draft, active, now)).toEqual([
      { type: 'promotion.activated', payload: { promotionId: 'p1' } },
    ]);
    expect(eventsForManagerChange('Promotions', undefined, active, now)).toEqual([
      { type: 'promotion.activated', payload: { promotionId: 'p1' } },
    ]);
    expect(eventsForManagerChange('Promotions', active, { ...active, title: 'B' }, now)).toEqual([
      { type: 'promotion.changed', payload: { promotionId: 'p1' } },
    ]);
    expect(eventsForManagerChange('Promotions', active, { ...active, ends_at: '2026-11-01' }, now)).toEqual([]);
  });

  it('schedules and cancels broadcasts', () => {
    const draft = { id: 'B-1', status: 'draft', scheduled_at: '2026-11-27T10:00:00Z' };
    expect(eventsForManagerChange('Broadcasts', draft, { ...draft, status: 'scheduled' }, now)).toEqual([
      { type: 'broadcast.scheduled', payload: { broadcastId: 'B-1', scheduledAt: '2026-11-27T10:00:00Z' } },
    ]);
    expect(
      eventsForManagerChange('Broadcasts', { ...draft, status: 'scheduled' }, { ...draft, status: 'cancelled' }, now),
    ).toEqual([{ type: 'broadcast.cancelled', payload: { broadcastId: 'B-1' } }]);
  });
});
