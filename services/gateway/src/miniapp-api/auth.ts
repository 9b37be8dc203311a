import { validate } from '@telegram-apps/init-data-node';
import { z } from 'zod';

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
/** How far ahead of our clock an auth_date may be (Telegram's clock and ours differ a little). */
export const MAX_CLOCK_SKEW_S = 60;

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
  const data = readFields(raw);
  const age = Date.now() - data.authDate.getTime();
  if (maxAgeSeconds > 0 && age > maxAgeSeconds * 1000)
    throw new InitDataError('expired', 'initData has expired: reopen the Mini App');
  // Signed "in the future" beyond clock skew: never issued by Telegram now, so never accepted (it would outlive maxAge).
  if (age < -MAX_CLOCK_SKEW_S * 1000) throw new InitDataError('invalid', 'initData is dated in the future');
  const u = data.user;
  const user: MiniAppUser = { id: u.id, firstName: u.first_name };
  if (u.last_name) user.lastName = u.last_name;
  if (u.username) user.username = u.username;
  if (u.language_code) user.languageCode = u.language_code;
  const result: { user: MiniAppUser; authDate: Date; startParam?: string } = { user, authDate: data.authDate };
  if (data.startParam) result.startParam = data.startParam;
  return result;
}

const InitUser = z.object({
  id: z.number().int().positive(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

/**
 * The fields the API uses, read from initData whose hash was checked. Only these are required: clients older than
 * Bot API 8.0 send no `signature` (the library's own parser demands one), and any field may be absent or odd without
 * it being more than a 401 with a reason.
 */
function readFields(raw: string): { authDate: Date; user: z.infer<typeof InitUser>; startParam?: string } {
  const params = new URLSearchParams(raw);
  const authDate = Number(params.get('auth_date'));
  if (!Number.isInteger(authDate) || authDate <= 0) throw new InitDataError('invalid', 'initData has no auth_date');
  const userJson = params.get('user');
  if (!userJson) throw new InitDataError('invalid', 'initData has no user');
  let user: z.infer<typeof InitUser>;
  try {
    user = InitUser.parse(JSON.parse(userJson));
  } catch {
    throw new InitDataError('invalid', 'initData user is not readable');
  }
  const startParam = params.get('start_param');
  return { authDate: new Date(authDate * 1000), user, ...(startParam ? { startParam } : {}) };
}
