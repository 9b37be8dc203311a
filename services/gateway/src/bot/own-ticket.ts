import { nullUnlessUnavailable } from '../webhook/retry.ts';
import type { BotContext } from './context.ts';

/**
 * A button on one of the user's requests was pressed: answers the press and returns that request, or null once the
 * user is told it is not found (not theirs, or gone). Sheets being unreachable is not "not found": that error goes on
 * to the update retrier, which keeps the update and tells the user it waits (webhook/retry.ts).
 */
export async function ownTicketOnPress(ctx: BotContext & { from: { id: number } }, ticketId: string) {
  await ctx.answerCallbackQuery();
  const ticket = await ctx.deps.sheets.tickets.get
    .query({ ticketId, telegramId: ctx.from.id })
    .catch(nullUnlessUnavailable);
  if (!ticket) await ctx.reply(ctx.t('request-not-found'));
  return ticket;
}
