import type { BotDeps } from './context.ts';

/** The staff group: STAFF_CHAT_ID when set, else `staff_chat_id` from Settings; null when neither (notices are logged). */
export async function staffChatId(deps: Pick<BotDeps, 'sheets' | 'staffChatOverride'>): Promise<number | null> {
  if (deps.staffChatOverride !== undefined) return deps.staffChatOverride;
  return (await deps.sheets.catalog.settings.query()).staffChatId;
}
