import { parse, validate } from '@telegram-apps/init-data-node';

export type MiniAppUser = {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
};

export class InitDataError extends Error {
  override readonly name = 'InitDataError';
  readonly reason: 'missing' | 'invalid' | 'expired';
  constructor(reason: InitDataError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Maximum age of initData: a day for reading, an hour for calls that change data. */
export const READ_MAX_AGE_S = 86_400;
export const WRITE_MAX_AGE_S = 3_600;

/**
 * Checks `Authorization: tma <initData>` by HMAC with the bot token (constant-time compare inside the library) and
 * its age; returns the user taken only from the validated data.
 */
export function authenticate(
  header: string | undefined,
  botToken: string,
  maxAgeSeconds: number,
): { user: MiniAppUser; authDate: Date; startParam?: string } {
  if (!header?.startsWith('tma ')) throw new InitDataError('missing', 'Authorization: tma <initData> is required');
  const raw = header.slice(4).trim();
  // The signature first, then the age: a forged old initData is "invalid", never merely "expired".
  try {
    validate(raw, botToken, { expiresIn: 0 });
  } catch {
    throw new InitDataError('invalid', 'initData signature is not valid');
  }
  const data = parse(raw);
  if (maxAgeSeconds > 0 && Date.now() - data.auth_date.getTime() > maxAgeSeconds * 1000)
    throw new InitDataError('expired', 'initData has expired: reopen the Mini App');
  if (!data.user) throw new InitDataError('invalid', 'initData has no user');
  const u = data.user;
  const user: MiniAppUser = { id: u.id, firstName: u.first_name };
  if (u.last_name) user.lastName = u.last_name;
  if (u.username) user.username = u.username;
  if (u.language_code) user.languageCode = u.language_code;
  const result: { user: MiniAppUser; authDate: Date; startParam?: string } = { user, authDate: data.auth_date };
  if (data.start_param) result.startParam = data.start_param;
  return result;
}
