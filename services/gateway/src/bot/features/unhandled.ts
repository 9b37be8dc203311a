import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';

/**
 * Last in the chain: answers what nothing else took, once, and only in private chats (never in groups, so no reply
 * loops). Edited messages, reactions, member updates and unknown update types end here silently.
 */
export const unhandledFeature = new Composer<BotContext>();
const privateChat = unhandledFeature.chatType('private');

privateChat.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: ctx.t('button-outdated') }));
privateChat.on('message:text', (ctx) =>
  ctx.reply(ctx.t(ctx.message.text.startsWith('/') ? 'unknown-command' : 'not-understood')),
);
privateChat.on(['message:sticker', 'message:animation', 'message:voice', 'message:video_note'], (ctx) =>
  ctx.reply(ctx.t('not-understood')),
);
