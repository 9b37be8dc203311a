import type { Clients } from '../clients/index.ts';
import { fromServiceError } from './errors.ts';

/** The user's own settings as the Mini App shows them: `marketing` is true when news and promotions may be sent. */
export type SettingsView = { marketing: boolean };

/** Reads whether the user receives marketing messages (the same opt-out `/stop` and `/start_news` change). */
export async function getSettings(clients: Clients, telegramId: number): Promise<SettingsView> {
  const { optedOut } = await clients.sheets.broadcasts.optedOut
    .query({ telegramId })
    .catch((e: unknown) => fromServiceError(e));
  return { marketing: !optedOut };
}

/**
 * Turns marketing messages (broadcasts, promotion announcements) on or off; replies to the user's own requests come
 * either way. Idempotent, durable when it returns.
 */
export async function setMarketing(clients: Clients, telegramId: number, marketing: boolean): Promise<SettingsView> {
  const { optedOut } = await clients.sheets.broadcasts.setOptOut
    .mutate({ telegramId, optedOut: !marketing })
    .catch((e: unknown) => fromServiceError(e, { BAD_REQUEST: 'bad_input' }));
  return { marketing: !optedOut };
}
