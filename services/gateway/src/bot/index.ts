import { Bot, BotError, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { callErrorCode } from '@mb/service-kit';
import type { BotContext, BotDeps } from './context.ts';
import { createI18n } from './i18n.ts';
import { promotionsFeature } from './features/promotions.ts';
import { startFeature } from './features/start.ts';
import { unhandledFeature } from './features/unhandled.ts';

export type CreateBotOptions = {
  token: string;
  botInfo: UserFromGetMe;
  apiRoot: string;
  deps: BotDeps;
  /** API transformers (the sandbox's in-process Bot API, metrics, retries), applied in order. */
  transformers?: Transformer[];
};

/** Builds the bot: deps and the account on the context, i18n, then one Composer per feature, "unhandled" last. */
export function createBot(opts: CreateBotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(opts.token, { botInfo: opts.botInfo, client: { apiRoot: opts.apiRoot } });
  for (const t of opts.transformers ?? []) bot.api.config.use(t);

  bot.use(async (ctx, next) => {
    ctx.deps = opts.deps;
    ctx.account = null;
    if (ctx.from && !ctx.from.is_bot) ctx.account = await opts.deps.sheets.users.byTelegramId.query({ telegramId: ctx.from.id });
    await next();
  });
  bot.use(createI18n());

  const features = bot.errorBoundary(handleError);
  features.use(startFeature);
  features.use(promotionsFeature);
  features.use(unhandledFeature);

  bot.catch(handleError);
  return bot;

  async function handleError(error: BotError<BotContext>): Promise<void> {
    const ctx = error.ctx;
    const code = callErrorCode(error.error);
    opts.deps.logger.error({ err: error.error, updateId: ctx.update.update_id, code }, 'update handler failed');
    if (ctx.chat?.type !== 'private') return;
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      const key = code === 'UNAVAILABLE' ? 'service-unavailable' : 'error-apology';
      await ctx.reply(typeof ctx.t === 'function' ? ctx.t(key) : 'Извините, что-то пошло не так.');
    } catch (replyError) {
      opts.deps.logger.warn({ err: replyError, updateId: ctx.update.update_id }, 'could not send the apology');
    }
  }
}
