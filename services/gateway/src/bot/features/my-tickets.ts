import { InlineKeyboard } from 'grammy';
import { CB, statusLabel, threadButtons, userThread } from '../../tickets/format.ts';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { hearsMenu } from '../menu-labels.ts';
import { ownTicketOnPress } from '../own-ticket.ts';

/** "My requests": the user's requests with status, newest first, five a page; a button opens one with its thread. */
export const myTicketsFeature = new Composer<BotContext>();
const pm = myTicketsFeature.chatType('private');
const PAGE = 5;

async function showList(ctx: BotContext, page: number, edit: boolean) {
  if (ctx.account?.status !== 'active' || ctx.account.telegramId === null)
    return ctx.reply(ctx.t('request-sign-in-first'));
  const { items, total } = await ctx.deps.sheets.tickets.mine.query({
    telegramId: ctx.account.telegramId,
    limit: PAGE,
    offset: page * PAGE,
  });
  if (total === 0)
    return ctx.reply(ctx.t('my-requests-empty'), {
      reply_markup: new InlineKeyboard().text(ctx.t('menu-new-request'), 'rq:new'),
    });
  const kb = new InlineKeyboard();
  for (const t of items)
    kb.text(
      ctx.t('request-line', { id: t.id, status: statusLabel(ctx.t, t.status), category: t.category }),
      CB.open(t.id),
    ).row();
  if (page > 0) kb.text(ctx.t('button-prev'), CB.list(page - 1));
  if ((page + 1) * PAGE < total) kb.text(ctx.t('button-next'), CB.list(page + 1));
  const text = ctx.t('my-requests-header', { from: page * PAGE + 1, to: page * PAGE + items.length, total });
  return edit ? ctx.editMessageText(text, { reply_markup: kb }) : ctx.reply(text, { reply_markup: kb });
}

pm.command('requests', (ctx) => showList(ctx, 0, false));
pm.filter(hearsMenu('menu-my-requests'), (ctx) => showList(ctx, 0, false));
pm.callbackQuery(/^rq:l:(\d{1,4})$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showList(ctx, Number(ctx.match[1]), true);
});

pm.callbackQuery(/^rq:o:(T-\d{1,9})$/, async (ctx) => {
  const ticket = await ownTicketOnPress(ctx, ctx.match[1]!);
  if (!ticket) return;
  const m = await ctx.reply(userThread(ctx.t, ticket), { reply_markup: threadButtons(ctx.t, ticket) });
  // Replying to the thread adds a message to the request.
  await ctx.deps.tickets?.desk.links.link(ticket.id, ctx.chat.id, m.message_id);
});
