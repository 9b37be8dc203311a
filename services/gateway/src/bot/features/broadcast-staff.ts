import {
  broadcastCommand,
  continueDraft,
  isStaff,
  readDraft,
  sendDraft,
  writeDraft,
} from '../../broadcast/staff-wizard.ts';
import { Composer } from '../composer.ts';
import type { BotContext } from '../context.ts';

/**
 * Staff broadcasts from the chat: `/broadcast` asks for the text, then the segment, shows how many users it reaches
 * and sends on a button; `/broadcast_status B-n`, `/broadcast_cancel B-n`. The draft lives in session storage, so the
 * steps may land on different replicas.
 */
export const broadcastStaffFeature = new Composer<BotContext>();
const staff = broadcastStaffFeature.chatType('private').filter(isStaff);

staff.command('broadcast', async (ctx) => {
  await writeDraft(ctx, { step: 'text' });
  await ctx.reply(ctx.t('broadcast-ask-text'));
});
staff.command('broadcast_status', (ctx) => broadcastCommand(ctx, ctx.match, 'status'));
staff.command('broadcast_cancel', (ctx) => broadcastCommand(ctx, ctx.match, 'cancel'));

staff.on('message:text', async (ctx, next) => {
  const draft = await readDraft(ctx);
  if (!draft || draft.step === 'confirm' || ctx.message.text.startsWith('/')) return next();
  await continueDraft(ctx, draft, ctx.message.text);
});

staff.callbackQuery(['bc:send', 'bc:drop'], async (ctx) => {
  const draft = await readDraft(ctx);
  await ctx.answerCallbackQuery();
  if (draft?.step !== 'confirm') return ctx.editMessageReplyMarkup();
  if (ctx.callbackQuery.data === 'bc:drop') {
    await writeDraft(ctx, null);
    await ctx.editMessageReplyMarkup();
    return ctx.reply(ctx.t('broadcast-discarded'));
  }
  await ctx.editMessageReplyMarkup();
  await sendDraft(ctx, draft);
});

broadcastStaffFeature
  .chatType('private')
  .command(['broadcast', 'broadcast_status', 'broadcast_cancel'], (ctx) => ctx.reply(ctx.t('broadcast-staff-only')));
