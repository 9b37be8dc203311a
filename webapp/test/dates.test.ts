import { describe, expect, it } from 'vitest';
import { shortDate } from '../src/dom.ts';

/** Every date the Mini App shows goes through shortDate: one format per language, whatever the input's form. */
describe('dates in one format per language', () => {
  it.each([
    ['2026-12-31', 'ru', '31.12.2026'],
    ['2026-12-31T09:30:00.000Z', 'ru', '31.12.2026'],
    ['2026-12-31', 'en', '31/12/2026'],
    ['2026-12-31T09:30:00.000Z', 'en', '31/12/2026'],
  ])('%s in %s → %s', (iso, lang, shown) => {
    expect(shortDate(iso, lang)).toBe(shown);
  });

  it('shows a value that is not a date as it is', () => {
    expect(shortDate('soon', 'ru')).toBe('soon');
  });
});
