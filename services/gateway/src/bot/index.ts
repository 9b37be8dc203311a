import type { I18n } from '@grammyjs/i18n';
import { callErrorCode } from '@mb/service-kit';
import { type ApiClientOptions, Bot, type BotError, GrammyError, HttpError, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { broadcastDeepLink } from '../broadcast/deep-link.ts';
import { createTelegramFetch } from '../clients/telegram-fetch.ts';
import { DEFAULT_FLOOD_LIMIT, type FloodLimit, floodControl } from '../telegram/flood-control.ts';
import { isDependencyError, rootError } from '../webhook/retry.ts';
import { updateType } from '../webhook/route.ts';
import { callbackAnswers } from './callback-answers.ts';
import type { BotContext, BotDeps } from './context.ts';
import { approvalsFeature } from './features/approvals.ts';
import { assistantFeature } from './features/assistant.ts';
import { broadcastStaffFeature } from './features/broadcast-staff.ts';
import { menuFeature } from './features/menu.ts';
import { myTicketsFeature } from './features/my-tickets.ts';
import { mediaOfferFeature, newTicketFeature } from './features/new-ticket.ts';
import { optOutFeature } from './features/opt-out.ts';
import { privacyFeature } from './features/privacy.ts';
import { promotionsFeature } from './features/promotions.ts';
import { signinFeature } from './features/signin.ts';
import { staffTicketsFeature } from './features/staff-tickets.ts';
import { startFeature } from './features/start.ts';
import { ticketThreadFeature } from './features/ticket-thread.ts';
import { unhandledFeature } from './features/unhandled.ts';
import { botI18n, localeOfLanguageCode } from './i18n.ts';

export type CreateBotOptions = {
  token: string;
  botInfo: UserFromGetMe;
  apiRoot: string;
  deps: BotDeps;
  /** API transformers (metrics, retries), applied in order. */
  transformers?: Transformer[];
  /** The transformers conversations must install on the Api they build (they do not inherit the bot's). */
  conversationTransformers?: Transformer[];
  /** The HTTP client's fetch: the sandbox answers the Bot API in-process through it. */
  fetch?: ApiClientOptions['fetch'];
  /** Incoming updates allowed per user and time frame (default 20 per 10 s); `redis` shares the window. */
  flood?: Partial<FloodLimit> & { redis?: unknown };
  /** The app's translations (one per process); a bot built alone makes its own. */
  i18n?: I18n<BotContext>;
};

/** Builds the bot: deps and the account on the context, i18n, then one Composer per feature, "unhandled" last. */
export function createBot(opts: CreateBotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(opts.token, {
    botInfo: opts.botInfo,
    client: { apiRoot: opts.apiRoot, fetch: opts.fetch ?? createTelegramFetch() },
  });
  for (const t of opts.transformers ?? []) bot.api.config.use(t);
  const answers = callbackAnswers();
  bot.api.config.use(answers.transformer);
  bot.use(answers.middleware);

  const i18n = opts.i18n ?? botI18n();
  bot.use(
    floodControl({
      ...DEFAULT_FLOOD_LIMIT,
      ...opts.flood,
      prefix: `bot${opts.botInfo.id}`,
      ...(opts.deps.funnel ? { dropped: opts.deps.funnel.floodDropped, backlog: opts.deps.funnel.floodBacklog } : {}),
      // Flood control runs before the account is loaded: the notice speaks the Telegram client's language.
      notify: (ctx) => ctx.reply(i18n.t(localeOfLanguageCode(ctx.from?.language_code), 'flood-notice')),
    }),
  );
  bot.use(async (ctx, next) => {
    ctx.deps = opts.deps;
    ctx.account = null;
    if (ctx.from && !ctx.from.is_bot)
      ctx.account = await opts.deps.sheets.users.byTelegramId.query({ telegramId: ctx.from.id });
    await next();
  });
  bot.use(i18n);

  const features = bot.errorBoundary(handleError);
  features.use(broadcastDeepLink);
  features.use(startFeature);
  // /mydata and /forget: for anyone with a row, also pending or blocked (docs/privacy.md).
  features.use(privacyFeature);
  // The sign-in gate: in private chats, the features below see only active users.
  features.use(signinFeature);
  // A half-written request sees the user's messages first; a command or menu button leaves it and goes on below.
  if (opts.deps.tickets)
    features.use(
      newTicketFeature(opts.deps.tickets, opts.deps.publicUrl, opts.deps.sheets, [
        ...(opts.conversationTransformers ?? []),
        answers.transformer,
      ]),
    );
  features.use(approvalsFeature);
  features.use(optOutFeature);
  features.use(broadcastStaffFeature);
  features.use(menuFeature);
  features.use(promotionsFeature);
  if (opts.deps.tickets) {
    features.use(staffTicketsFeature);
    features.use(myTicketsFeature);
    features.use(ticketThreadFeature);
    // A photo, file or place sent outside a request: an offer to open one with it attached.
    features.use(mediaOfferFeature);
  }
  // Free text no feature above took is a question for the assistant.
  if (opts.deps.assistantChat) features.use(assistantFeature(opts.deps.assistantChat));
  features.use(unhandledFeature);

  bot.catch(handleError);
  return bot;

  async function handleError(error: BotError<BotContext>): Promise<void> {
    // Sheets or the assistant could not answer: the update is not finished; it stays in the inbox and the dispatcher
    // retries it with backoff (webhook/retry.ts). Only its final failure is counted and apologised for.
    if (isDependencyError(error.error)) throw error.error;
    const ctx = error.ctx;
    const code = callErrorCode(error.error);
    // A Bot API failure is not our bug; an unavailable service never gets here (it is retried, see above).
    const kind = error.error instanceof GrammyError || error.error instanceof HttpError ? 'telegram' : 'other';
    opts.deps.funnel?.handlerErrors.inc({ kind });
    opts.deps.logger.error(
      { err: rootError(error.error), updateId: ctx.update.update_id, updateType: updateType(ctx.update), code },
      'update handler failed',
    );
    if (ctx.chat?.type !== 'private') return;
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.reply(typeof ctx.t === 'function' ? ctx.t('error-apology') : 'Извините, что-то пошло не так.');
    } catch (replyError) {
      opts.deps.logger.warn(
        { err: rootError(replyError), updateId: ctx.update.update_id },
        'could not send the apology',
      );
    }
  }
}
