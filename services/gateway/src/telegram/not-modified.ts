import { GrammyError } from 'grammy';

/**
 * For `.catch` after an edit: Telegram refuses an edit that changes nothing ("message is not modified"), which is
 * success for an edit that only has to leave the message in a state; any other error is rethrown.
 */
export function unlessNotModified(error: unknown): void {
  if (!(error instanceof GrammyError && /not modified/i.test(error.description))) throw error;
}
