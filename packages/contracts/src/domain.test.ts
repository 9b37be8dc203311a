import { describe, expect, it } from 'vitest';
import { isoDate, yesNo } from './domain.ts';
import { TAB_NAMES, TABS } from './workbook.ts';

describe('cell parsing', () => {
  it('reads yes/no cells in both languages', () => {
    for (const v of ['yes', 'Да', 'TRUE', ' да ']) expect(yesNo.parse(v)).toBe(true);
    for (const v of ['no', 'нет', 'false', '']) expect(yesNo.parse(v)).toBe(false);
    expect(yesNo.safeParse('maybe').success).toBe(false);
  });

  it('accepts ISO dates with or without time and rejects junk', () => {
    expect(isoDate.parse('2026-11-26')).toBe('2026-11-26');
    expect(isoDate.parse('2026-11-26T10:00:00Z')).toBe('2026-11-26T10:00:00Z');
    expect(isoDate.safeParse('завтра').success).toBe(false);
  });
});

describe('workbook layout', () => {
  it('has every tab of the design, each keyed by a column it has, managed columns among its columns', () => {
    expect(TAB_NAMES).toEqual([
      'Users',
      'Promotions',
      'Participations',
      'Tickets',
      'TicketMessages',
      'FAQ',
      'Broadcasts',
      'Unanswered',
      'Settings',
    ]);
    for (const tab of TAB_NAMES) {
      const { key, columns, managed } = TABS[tab];
      expect(columns).toContain(key);
      for (const m of managed) expect(columns).toContain(m);
    }
  });
});
