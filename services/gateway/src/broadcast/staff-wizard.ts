import { BroadcastStatus } from '@mb/contracts';
import { TRPCClientError } from '@trpc/client';
import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../bot/context.ts';
import type { BroadcastDraft } from './deps.ts';

export const isStaff = (ctx: BotContext) =>
  ctx.account?.status === 'active' && (ctx.account.role === 'manager' || ctx.account.role === 'admin');

const draftKey = (ctx: BotContext) => `broadcast-draft:${ctx.chat?.id ?? 0}`;

export async function readDraft(ctx: BotContext): Promise<BroadcastDraft | undefined> {
  return ctx.deps.broadcast ? await ctx.deps.broadcast.drafts.read(draftKey(ctx)) : undefined;
}
export async function writeDraft(ctx: BotContext, draft: BroadcastDraft | null): Promise<void> {
  const drafts = ctx.deps.broadcast?.drafts;
  if (!drafts) return;
  if (draft) await drafts.write(draftKey(ctx), draft);
  else await drafts.delete(draftKey(ctx));
}

/** Moves a draft one step on with the staff member's next message. */
export async function continueDraft(ctx: BotContext, draft: BroadcastDraft, text: string): Promise<void> {
  if (draft.step === 'text') {
    if (text.length > 4096) return void (await ctx.reply(ctx.t('broadcast-too-long')));
    await writeDraft(ctx, { step: 'segment', text });
    await ctx.reply(ctx.t('broadcast-ask-segment'));
    return;
  }
  if (draft.step === 'segment') {
    const segment = text.trim().toLowerCase().slice(0, 200) || 'all';
    const { count } = await ctx.deps.sheets.broadcasts.recipientCount.query({ segment });
    await writeDraft(ctx, { ...draft, step: 'confirm', segment });
    await ctx.reply(ctx.t('broadcast-preview', { segment, count }), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('broadcast-button-send'), 'bc:send')
        .text(ctx.t('broadcast-button-cancel'), 'bc:drop'),
    });
  }
}

/** The confirmed draft becomes a Broadcasts row, started now; the sender is woken. */
export async function sendDraft(ctx: BotContext, draft: BroadcastDraft): Promise<void> {
  const b = await ctx.deps.sheets.broadcasts.create.mutate({
    staffTelegramId: ctx.from!.id,
    text: draft.text!,
    segment: draft.segment ?? 'all',
    start: 'now',
  });
  await writeDraft(ctx, null);
  ctx.deps.broadcast?.wake();
  const got = await ctx.deps.sheets.broadcasts.get.query({ id: b.id });
  await ctx.reply(
    ctx.t('broadcast-started', {
      id: b.id,
      count: got ? got.progress.pending + got.progress.sending + got.progress.sent : 0,
    }),
  );
}

/** `/broadcast_status B-12` and `/broadcast_cancel B-12`. */
export async function broadcastCommand(ctx: BotContext, arg: string, action: 'status' | 'cancel'): Promise<void> {
  const id = arg.trim().toUpperCase();
  if (!/^B-\d{1,12}$/.test(id)) return void (await ctx.reply(ctx.t('broadcast-usage-id')));
  try {
    if (action === 'cancel') await ctx.deps.sheets.broadcasts.cancel.mutate({ id });
    const b = await ctx.deps.sheets.broadcasts.get.query({ id });
    if (!b) return void (await ctx.reply(ctx.t('broadcast-not-found', { id })));
    const p = b.progress;
    if (action === 'cancel') return void (await ctx.reply(ctx.t('broadcast-cancelled', { id, sent: p.sent })));
    await ctx.reply(
      ctx.t('broadcast-status', {
        id,
        // A status read in the staff member's language ("done" → "завершена"), the raw value when it is unknown.
        status: BroadcastStatus.safeParse(b.status).success ? ctx.t(`broadcast-state-${b.status}`) : b.status,
        sent: p.sent,
        failed: p.failed + p.unknown,
        blocked: p.blocked,
        pending: p.pending + p.sending,
        conversions: b.conversions,
      }),
    );
  } catch (error) {
    if (error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'NOT_FOUND')
      return void (await ctx.reply(ctx.t('broadcast-not-found', { id })));
    if (
      error instanceof TRPCClientError &&
      (error.data as { code?: string } | undefined)?.code === 'PRECONDITION_FAILED'
    )
      return void (await ctx.reply(ctx.t('broadcast-finished', { id })));
    throw error;
  }
}
