import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.ts';
import { Workbook } from '../store/workbook.ts';
import { listUnanswered, maskDigits, recordUnanswered } from './unanswered.ts';

const workbook = () => new Workbook(openDatabase(':memory:'));

describe('unanswered questions', () => {
  it('counts a question asked again (case, punctuation and spaces aside) in one row, with first and last time', () => {
    const wb = workbook();
    const first = recordUnanswered(wb, 'Можно ли оплатить биткоинами?', new Date('2026-11-20T10:00:00Z'));
    const again = recordUnanswered(wb, '  можно ли   оплатить БИТКОИНАМИ ', new Date('2026-11-21T12:00:00Z'));
    expect(again).toEqual({ ...first, count: 2, lastAskedAt: '2026-11-21T12:00:00.000Z' });
    expect(first).toMatchObject({
      question: 'Можно ли оплатить биткоинами?',
      count: 1,
      firstAskedAt: '2026-11-20T10:00:00.000Z',
      status: 'new',
    });
    expect(wb.count('Unanswered')).toBe(1);
  });

  it("queues the new row and each count for the Sheet, and never overwrites the manager's status", () => {
    const wb = workbook();
    const { id } = recordUnanswered(wb, 'Где купить подарочную карту?');
    wb.update('Unanswered', id, { status: 'ignored' }, { by: 'sheet' });
    recordUnanswered(wb, 'где купить подарочную карту');
    expect(wb.get('Unanswered', id)).toMatchObject({ count: '2', status: 'ignored' });
    const outbox = wb.db
      .prepare('SELECT kind, columns FROM outbox WHERE tab = ? ORDER BY seq')
      .all('Unanswered') as Array<{ kind: string; columns: string }>;
    expect(outbox.map((o) => o.kind)).toEqual(['insert', 'update']);
    expect(Object.keys(JSON.parse(outbox[1]!.columns) as object).sort()).toEqual(['count', 'last_asked_at']);
  });

  it('masks phone and card numbers and cuts very long questions', () => {
    expect(maskDigits('мой номер +7 903 555-01-02, заказ 12')).toBe('мой номер […], заказ 12');
    const wb = workbook();
    const long = recordUnanswered(wb, 'почему '.repeat(200));
    expect(long.question.length).toBe(500);
    expect(long.question.endsWith('…')).toBe(true);
  });

  it('lists the most asked first', () => {
    const wb = workbook();
    recordUnanswered(wb, 'раз');
    recordUnanswered(wb, 'два');
    recordUnanswered(wb, 'два');
    expect(listUnanswered(wb, { limit: 10 }).map((q) => [q.question, q.count])).toEqual([
      ['два', 2],
      ['раз', 1],
    ]);
    expect(listUnanswered(wb, { limit: 10, status: 'ignored' })).toEqual([]);
  });
});
