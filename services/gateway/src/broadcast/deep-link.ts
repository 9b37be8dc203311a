import { Composer } from '../bot/composer.ts';
import type { BotContext } from '../bot/context.ts';
import { BROADCAST_LINK } from './render.ts';

/**
 * `/start promo_<id>__b<n>` from a broadcast's button: counts the conversion for broadcast B-n (once per user), then
 * hands `/start promo_<id>` on to the start feature, which opens the promotion as for any promotion deep link.
 */
export const broadcastDeepLink = new Composer<BotContext>();

broadcastDeepLink.chatType('private').command('start', async (ctx, next) => {
  const m = BROADCAST_LINK.exec(ctx.match.trim());
  if (!m) return next();
  const broadcastId = `B-${m[2]}`;
  const promotionId = m[1]!.slice('promo_'.length);
  try {
    const { counted } = await ctx.deps.sheets.broadcasts.recordConversion.mutate({
      id: broadcastId,
      telegramId: ctx.from.id,
      promotionId,
    });
    if (counted) ctx.deps.broadcast?.conversions.inc({ broadcast: broadcastId });
  } catch (error) {
    ctx.deps.logger.warn({ err: error, broadcastId }, 'could not record a broadcast conversion');
  }
  // The start feature parses the plain promotion link; the bot_command entity at offset 0 stays valid.
  ctx.message.text = `/start ${m[1]}`;
  await next();
});
