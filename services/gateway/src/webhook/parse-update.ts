import type { Update } from 'grammy/types';

/**
 * A Telegram update from its JSON text, or `undefined` when the text is not one (not JSON, not an object, no whole
 * `update_id`). The one check for bodies from outside: the webhook's request, and what comes back from a shared store.
 */
export function parseUpdate(raw: string): Update | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return Number.isSafeInteger((parsed as { update_id?: unknown }).update_id) ? (parsed as Update) : undefined;
}
