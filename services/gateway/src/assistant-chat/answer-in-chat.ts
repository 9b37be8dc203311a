import type { Language } from '@mb/contracts';
import { callErrorCode } from '@mb/service-kit';
import type { BotContext } from '../bot/context.ts';
import { isDependencyError, UpdateRetrier } from '../webhook/retry.ts';
import type { AssistantChatDeps } from './index.ts';
import { formatTranscript, renderAnswer } from './render.ts';
import { streamToChat } from './stream-to-chat.ts';

const languageOf = async (ctx: BotContext): Promise<Language> => ((await ctx.i18n.getLocale()) === 'en' ? 'en' : 'ru');

/**
 * Queues the answer to a question as a job of this chat (see AnswerJobs) and returns at once, so the update's
 * handler, and the chat's next updates, do not wait for the model.
 */
export async function askInChat(ctx: BotContext, deps: AssistantChatDeps, question: string): Promise<void> {
  const account = ctx.account!;
  const chatId = ctx.chat!.id;
  const language = await languageOf(ctx);
  const t = (key: string, vars?: Record<string, string | number>) => ctx.t(key, vars);
  const queued = deps.jobs.run(String(chatId), async () => {
    await ctx.api.sendChatAction(chatId, 'typing').catch(() => undefined);
    let events: Awaited<ReturnType<typeof ctx.deps.assistant.askStream.mutate>> | undefined;
    let gaveUp: unknown;
    // The assistant down or stalled before it took the question: asked again with backoff (webhook/retry.ts), the user
    // told "one moment" once; given up after the bound, then told the service is unavailable.
    const asking = new UpdateRetrier({
      handle: async () => {
        events = await ctx.deps.assistant.askStream.mutate(
          { telegramId: account.telegramId ?? ctx.from!.id, segment: account.segment, question, language },
          { context: { stream: true }, signal: AbortSignal.timeout(deps.streamTimeoutMs) },
        );
      },
      policy: deps.retry,
      notify: async (_update, what) => {
        if (what === 'waiting') await ctx.api.sendMessage(chatId, ctx.t('update-waiting'));
      },
      onRetry: (update, error, attempt, retryInMs) =>
        ctx.deps.logger.warn(
          { err: error, updateId: update.update_id, attempt, retryInMs },
          'assistant unavailable; the question is asked again',
        ),
      onGiveUp: (_update, error) => {
        gaveUp = error;
      },
    });
    try {
      await asking.handle(ctx.update);
      if (!events) throw gaveUp;
      const result = await streamToChat({
        api: ctx.api,
        chatId,
        events,
        pacing: deps.pacing,
        drafts: deps.drafts,
        updates: deps.metrics.streamUpdates,
        render: (r) => renderAnswer(r, t),
      });
      deps.metrics.answers.inc({ outcome: result.outcome });
    } catch (error) {
      deps.metrics.answers.inc({ outcome: 'error' });
      const code = callErrorCode(error);
      ctx.deps.logger.error({ err: error, code, updateId: ctx.update.update_id }, 'assistant answer failed');
      const down = isDependencyError(error) || code === 'SERVICE_UNAVAILABLE';
      await ctx.api.sendMessage(chatId, ctx.t(down ? 'service-unavailable' : 'error-apology'));
    }
  });
  if (!queued) await ctx.reply(ctx.t('assistant-busy'));
}

/** "Create a request" under an answer: a request carrying the conversation with the assistant. */
export async function handOff(ctx: BotContext, deps: AssistantChatDeps): Promise<void> {
  const telegramId = ctx.from!.id;
  const t = (key: string, vars?: Record<string, string | number>) => ctx.t(key, vars);
  // The button goes first, so a second tap cannot open a second request.
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  const turns = await ctx.deps.assistant.transcript.query({ telegramId });
  const question = turns.filter((turn) => turn.role === 'user').at(-1)?.text;
  if (!question) {
    deps.metrics.handoffs.inc({ result: 'empty' });
    await ctx.reply(t('assistant-handoff-empty'));
    return;
  }
  const settings = await ctx.deps.sheets.catalog.settings.query();
  try {
    const ticket = await ctx.deps.sheets.tickets.create.mutate({
      telegramId,
      category: settings.ticketCategories[0] ?? 'Вопрос',
      text: question,
      transcript: formatTranscript(turns, t),
    });
    deps.metrics.handoffs.inc({ result: 'created' });
    await ctx.reply(t('assistant-handoff-created', { id: ticket.id }));
  } catch (error) {
    deps.metrics.handoffs.inc({ result: 'failed' });
    throw error;
  }
}
