import { createHmac } from 'node:crypto';
import { sign } from '@telegram-apps/init-data-node';

/** initData signed with `token`, as Telegram would put it in the Mini App's launch parameters. */
export function signInitData(
  token: string,
  user: { id: number; first_name: string; language_code?: string },
  authDate = new Date(),
): string {
  return sign(
    { user: { ...user }, chat_instance: '8134722200314281151', chat_type: 'private' } as never,
    token,
    authDate,
  );
}

/** The published tma.js test vector (Telegram-Mini-Apps/telegram-apps, packages/init-data-node tests). */
export const PUBLISHED_VECTOR = {
  token: '7342037359:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ',
  authDate: new Date(1733584787 * 1000),
  userId: 279058397,
  initData:
    'user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg%22%7D' +
    '&chat_instance=8134722200314281151&chat_type=private&auth_date=1733584787' +
    '&signature=zL-ucjNyREiHDE8aihFwpfR9aggP2xiAo3NSpfe-p7IbCisNlDKlo7Kb6G4D0Ao2mBrSgEk4maLSdv6MLIlADQ' +
    '&hash=2174df5b000556d044f3f020384e879c8efcab55ddea2ced4eb752e93e7080d6',
};

/**
 * initData made of exactly these fields, hashed with `token` as Telegram does (HMAC-SHA256 of the sorted
 * `key=value` lines, keyed by HMAC("WebAppData", token)): for clients older than Bot API 8.0 (no `signature`) and
 * for data with fields missing or odd.
 */
export function hashInitDataFields(token: string, fields: Record<string, string>): string {
  const check = Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(token).digest();
  const params = new URLSearchParams(fields);
  params.set('hash', createHmac('sha256', secret).update(check).digest('hex'));
  return params.toString();
}
