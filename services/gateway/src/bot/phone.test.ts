import { describe, expect, it } from 'vitest';
import { normalizePhone } from './phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['8 (903) 555-01-01', '+79035550101'],
    ['+7 903 555-01-02', '+79035550102'],
    ['79035550104', '+79035550104'],
    ['+7-903-555-01-05', '+79035550105'],
    ['9035550105', '+79035550105'],
    ['7 (903) 555 01 01', '+79035550101'],
    ['447911123456', '+447911123456'],
    ['+44 7911 123456', '+447911123456'],
    ['380501234567', '+380501234567'],
  ])('reads %s as %s', (raw, e164) => expect(normalizePhone(raw)).toBe(e164));

  it.each(['', '123', 'abc', '+7 903 555', '=IMPORTXML("x")', `+7${'9'.repeat(40)}`])('refuses %s', (raw) =>
    expect(normalizePhone(raw)).toBeNull(),
  );
});
