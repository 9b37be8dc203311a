import { askInChat, handOff } from '../../assistant-chat/answer-in-chat.ts';
import type { AssistantChatDeps } from '../../assistant-chat/index.ts';
import { HANDOFF_CALLBACK } from '../../assistant-chat/render.ts';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';
import { hearsMenu } from '../menu-labels.ts';

/**
 * The AI assistant in private chats, for signed-in users: any text that no feature before took is a question
 * (`/ask <question>` too); the answer streams in as a detached job of the chat. `/reset` forgets the conversation;
 * the "Create a request" button under an answer hands it to a human. Mounted just before "unhandled".
 */
export function assistantFeature(deps: AssistantChatDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private').filter((ctx) => ctx.account?.status === 'active');

  privateChat.filter(hearsMenu('menu-assistant'), (ctx) => ctx.reply(ctx.t('assistant-intro')));
  privateChat.command('reset', async (ctx) => {
    await ctx.deps.assistant.reset.mutate({ telegramId: ctx.from.id });
    await ctx.reply(ctx.t('assistant-reset-done'));
  });
  privateChat.command('ask', async (ctx) => {
    const question = ctx.match.trim();
    if (!question) return ctx.reply(ctx.t('assistant-intro'));
    await askInChat(ctx, deps, question);
  });
  privateChat.callbackQuery(HANDOFF_CALLBACK, async (ctx) => {
    await ctx.answerCallbackQuery();
    await handOff(ctx, deps);
  });
  privateChat.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    await askInChat(ctx, deps, ctx.message.text);
  });
  return feature;
}
