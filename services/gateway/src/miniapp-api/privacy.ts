import type { Clients } from '../clients/index.ts';
import { fromServiceError, MiniAppError } from './errors.ts';

/** What is stored about the user (the Mini App's "My data", the same as `/mydata` in the chat). */
export async function myData(clients: Clients, telegramId: number) {
  const data = await clients.sheets.users.myData.query({ telegramId }).catch((e: unknown) => fromServiceError(e));
  if (!data) throw new MiniAppError('not_signed_in', 'nothing is stored for this account');
  return data;
}

/**
 * Erases the user, as `/forget` does: sheets clears the Users row and their words in one transaction, then tells the
 * gateway (event `user.forgotten`) to drop the assistant's memory and session state and to tell the staff chat.
 * `forgotten: false` when nothing was linked any more (erased already).
 */
export async function forgetMe(clients: Clients, telegramId: number): Promise<{ forgotten: boolean }> {
  const result = await clients.sheets.users.forget.mutate({ telegramId }).catch((e: unknown) => fromServiceError(e));
  return { forgotten: result.forgotten };
}
