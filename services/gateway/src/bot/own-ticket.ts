import type { BotContext } from './context.ts';

/**
 * A button on one of the user's requests was pressed: answers the press and returns that request, or null once the
 * user is told it is not found (not theirs, or gone).
 */
export async function ownTicketOnPress(ctx: BotContext & { from: { id: number } }, ticketId: string) {
  await ctx.answerCallbackQuery();
  const ticket = await ctx.deps.sheets.tickets.get.query({ ticketId, telegramId: ctx.from.id }).catch(() => null);
  if (!ticket) await ctx.reply(ctx.t('request-not-found'));
  return ticket;
}
