import { type ConversationFlavor, conversations, createConversation } from '@grammyjs/conversations';
import { Composer, type Context, type Transformer } from 'grammy';
import { CB } from '../../tickets/format.ts';
import type { RequestsDeps } from '../../tickets/index.ts';
import { NEW_REQUEST, newRequestFlow } from '../../tickets/new-request-flow.ts';
import type { BotContext } from '../context.ts';
import { hearsMenu } from '../menu-labels.ts';

type Ctx = ConversationFlavor<BotContext>;

/** "New request": the entry points, `/cancel` at every step, and the dialogue itself (tickets/new-request-flow.ts). */
export function newRequestFeature(
  deps: RequestsDeps,
  publicUrl: string,
  sheets: BotContext['deps']['sheets'],
  apiTransformers: Transformer[] = [],
): Composer<BotContext> {
  const feature = new Composer<Ctx>();
  const pm = feature.chatType('private');
  // A conversation builds its own Api from the bot's client options, without the bot's transformers: install the
  // ones that must hold there too (bounded 429 retries, 403 marking) on every context it creates.
  const plugins = [
    async (ctx: Context, next: () => Promise<void>) => {
      ctx.api.config.use(...apiTransformers);
      await next();
    },
  ];
  pm.use(
    conversations<Ctx, Context>({
      storage: { type: 'key', version: 1, prefix: 'conv:', adapter: deps.conversations },
      plugins,
    }),
  );

  const cancel = async (ctx: Ctx) => {
    const active = ctx.conversation.active(NEW_REQUEST) > 0;
    if (active) await ctx.conversation.exit(NEW_REQUEST);
    await ctx.reply(ctx.t(active ? 'request-cancelled' : 'request-nothing-to-cancel'));
  };
  pm.command('cancel', cancel);
  pm.callbackQuery(CB.cancel, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await cancel(ctx);
  });

  // Only new messages and button presses speak to the dialogue: an edited message (or a reaction, a member update)
  // never advances or answers a step; it goes on down the chain like any other edit.
  pm.on(['message', 'callback_query']).use(
    createConversation<Ctx, Context>(newRequestFlow({ sheets, desk: deps.desk, publicUrl }), {
      id: NEW_REQUEST,
      maxMillisecondsToWait: 24 * 3_600_000,
    }),
  );

  const start = async (ctx: Ctx) => {
    if (ctx.account?.status !== 'active') return ctx.reply(ctx.t('request-sign-in-first'));
    await ctx.conversation.enter(NEW_REQUEST, ctx.account.language);
  };
  pm.command(['new', 'request'], start);
  pm.filter(hearsMenu('menu-new-request'), start);
  pm.callbackQuery('rq:new', async (ctx) => {
    await ctx.answerCallbackQuery();
    await start(ctx);
  });
  // The plugin's flavour only adds `ctx.conversation`, which nothing outside this Composer uses.
  return feature as unknown as Composer<BotContext>;
}
