import { describe, expect, it } from 'vitest';
import { normalizePhone, verifiedPhone } from './phone.ts';

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

describe('verifiedPhone (a contact Telegram verified)', () => {
  it.each([
    ['79035550101', '+79035550101'],
    // a range libphonenumber's metadata does not know yet: taken as the digits Telegram verified
    ['72000000000', '+72000000000'],
    ['380001234567', '+380001234567'],
    ['+888 0000 0001', '+88800000001'],
    ['9991234567890', '+9991234567890'],
  ])('takes %s as %s', (raw, e164) => expect(verifiedPhone(raw)).toBe(e164));

  it('agrees with normalizePhone wherever the library knows the number', () =>
    expect(verifiedPhone('8 (903) 555-01-01')).toBe(normalizePhone('8 (903) 555-01-01')));

  it.each(['', '123', '0123456789', `1${'2'.repeat(15)}`])('refuses %s (no E.164 digits)', (raw) =>
    expect(verifiedPhone(raw)).toBeNull(),
  );
});
