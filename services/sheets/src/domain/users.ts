import type { User } from '@mb/contracts';
import { toUser } from '../store/mappers.ts';
import type { Workbook } from '../store/workbook.ts';

/** The user row linked to a Telegram account, if any (a row that cannot be read counts as none). */
export function userByTelegramId(wb: Workbook, telegramId: number): User | null {
  const row = wb.find('Users', { telegram_id: String(telegramId) })[0];
  if (!row) return null;
  try {
    return toUser(row);
  } catch {
    return null;
  }
}
