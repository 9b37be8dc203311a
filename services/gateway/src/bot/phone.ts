import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A phone number in E.164 (`+79035550101`), or null when it is not a valid number. Accepts what people and Telegram
 * send: `8 (903) 555-01-01`, spaces, dashes, brackets, a missing `+` (`79035550101`, as Telegram often sends a
 * contact), a national number without a country code (taken as Russian, the default region).
 */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 40 || /[^\d\s()+\-.]/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  const candidates = trimmed.startsWith('+')
    ? [trimmed]
    : [...(digits.length >= 11 && !digits.startsWith('8') ? [`+${digits}`] : []), trimmed];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, 'RU');
    if (parsed?.isValid()) return parsed.number;
  }
  return null;
}

/**
 * The phone of a contact Telegram verified (the user shared their own): never refused for being unknown to
 * libphonenumber (new ranges reach Telegram before its metadata), so where the library calls it invalid its 7–15
 * digits are taken as E.164 (`+<digits>`, as Telegram sends them without the `+`). Null only when it has no such digits.
 */
export function verifiedPhone(raw: string): string | null {
  const normal = normalizePhone(raw);
  if (normal) return normal;
  const digits = raw.replace(/\D/g, '');
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : null;
}
