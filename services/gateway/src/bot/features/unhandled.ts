import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';

/** Last in the chain: answers what nothing else took, without ever replying in groups (no reply loops). */
export const unhandledFeature = new Composer<BotContext>();
const privateChat = unhandledFeature.chatType('private');

privateChat.on('callback_query', (ctx) => ctx.answerCallbackQuery());
privateChat.on('message:text', (ctx) => (ctx.message.text.startsWith('/') ? ctx.reply(ctx.t('unknown-command')) : undefined));
