import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';

/**
 * `/stop` opts out of marketing messages (broadcasts, promotion announcements); `/start_news` opts back in. Replies to
 * the user's own requests keep coming either way.
 */
export const optOutFeature = new Composer<BotContext>();
const privateChat = optOutFeature.chatType('private');

privateChat.command('stop', async (ctx) => {
  await ctx.deps.sheets.broadcasts.setOptOut.mutate({ telegramId: ctx.from.id, optedOut: true });
  await ctx.reply(ctx.t('optout-done'));
});

privateChat.command('start_news', async (ctx) => {
  await ctx.deps.sheets.broadcasts.setOptOut.mutate({ telegramId: ctx.from.id, optedOut: false });
  await ctx.reply(ctx.t('optout-resumed'));
});
