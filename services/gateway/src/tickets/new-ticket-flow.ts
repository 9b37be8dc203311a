import type { Conversation } from '@grammyjs/conversations';
import type { TicketAttachment } from '@mb/contracts';
import { callErrorCode } from '@mb/service-kit';
import { type Context, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { menuKeyboard } from '../bot/keyboards.ts';
import { menuLabels } from '../bot/menu-labels.ts';
import type { SheetsClient } from '../clients/index.ts';
import type { TicketDesk } from './desk.ts';
import { CB, clip } from './format.ts';
import { attachmentsOf } from './staff-actions.ts';

export const NEW_TICKET = 'new-request';
const MAX_TEXT = 4000;
const MAX_FILES = 10;
const MENU_KEYS = ['menu-promotions', 'menu-my-requests', 'menu-new-request', 'menu-assistant', 'menu-webapp'];

export type FlowDeps = { sheets: SheetsClient; desk: TicketDesk; publicUrl: string };
/** What a request opened from a message outside the dialogue starts with: its file, or a place (a location's line). */
export type TicketStart = { files?: TicketAttachment[]; note?: string };

/**
 * The "new request" dialogue: category → text → optional photos/files → confirm. Runs in the grammY conversations
 * plugin (replayed from its stored state, so it survives a restart); nothing is written until the user confirms,
 * and the number is shown only after sheets has committed the request. `/cancel` and the cancel button are
 * handled outside (they exit the conversation); a menu button or another command leaves it and does its own thing.
 */
export function newTicketFlow(deps: FlowDeps) {
  return async function newTicket(
    conversation: Conversation<Context, Context>,
    ctx: Context,
    language: string,
    start: TicketStart = {},
  ): Promise<void> {
    const t = deps.desk.userT(language);
    const leaves = new Set(MENU_KEYS.flatMap((k) => [...menuLabels(k)]));
    const leave = async (c: Context) => {
      await c.reply(t('request-cancelled'));
      await conversation.halt({ next: true });
    };
    /**
     * A button the step does not wait for (a promotion card, an older message) is not the dialogue's: it goes on down
     * the chain, where its own feature acts (and answers it) or "unhandled" says it is out of date, and the step keeps
     * waiting. Without this the press was swallowed: no action, a 15 s spinner.
     */
    const passOn = (c: Context) => (c.callbackQuery ? conversation.skip({ next: true }) : undefined);
    /** At a step that takes buttons: a command or a menu button leaves, anything else gets a hint. */
    const buttonsOnly = async (c: Context) => {
      await passOn(c);
      const text = c.message?.text;
      await (text && (text.startsWith('/') || leaves.has(text)) ? leave(c) : c.reply(t('request-use-buttons')));
    };
    const telegramId = ctx.from!.id;

    const categories = await conversation.external(
      async () => (await deps.sheets.catalog.settings.query()).ticketCategories,
    );
    const kb = new InlineKeyboard();
    categories.forEach((c, i) => kb.text(c, CB.category(i)).row());
    await ctx.reply(t('request-choose-category'), { reply_markup: kb.text(t('button-cancel'), CB.cancel) });
    const picked = await conversation.waitForCallbackQuery(/^rq:c:(\d{1,3})$/, { otherwise: buttonsOnly });
    const category = categories[Number(picked.match[1])] ?? categories[0]!;
    await picked.answerCallbackQuery();
    await picked.editMessageText(t('request-category-picked', { category }));

    await ctx.reply(t('request-write-text'));
    // A photo or file sent with a caption is the request's text with the file attached; the rest of its media group
    // (one Telegram message per file, sharing media_group_id) is attached silently, as the one message it is.
    const files: TicketAttachment[] = [...(start.files ?? [])];
    let group: string | undefined;
    const attach = (m: Message) => {
      for (const f of attachmentsOf(m)) if (files.length < MAX_FILES) files.push(f);
      const sameGroup = m.media_group_id !== undefined && m.media_group_id === group;
      group = m.media_group_id;
      return sameGroup;
    };
    let text = '';
    while (!text) {
      const c = await conversation.waitFor('message', {
        otherwise: async (o) => {
          await passOn(o);
          await o.reply(t('request-text-expected'));
        },
      });
      const body = c.message.text ?? c.message.caption ?? '';
      const quiet = attach(c.message);
      if (c.message.text && (body.startsWith('/') || leaves.has(body))) await leave(c);
      else if (body.length > MAX_TEXT) await c.reply(t('request-text-too-long', { max: String(MAX_TEXT) }));
      else if (!body.trim()) {
        if (!quiet) await c.reply(t('request-text-expected'));
      } else text = body;
    }

    await ctx.reply(t('request-attach', { max: String(MAX_FILES) }), {
      reply_markup: new InlineKeyboard().text(t('button-done'), CB.done).text(t('button-cancel'), CB.cancel),
    });
    while (files.length < MAX_FILES) {
      const c = await conversation.waitFor(
        [
          'message:photo',
          'message:document',
          'message:audio',
          'message:video',
          'message:voice',
          'callback_query:data',
          'message:text',
        ],
        { otherwise: (o) => o.reply(t('request-attach-hint')) },
      );
      if (c.callbackQuery) {
        if (c.callbackQuery.data !== CB.done) await passOn(c);
        await c.answerCallbackQuery();
        break;
      }
      const m = c.message!;
      if (m.text) {
        await (m.text.startsWith('/') || leaves.has(m.text) ? leave(c) : c.reply(t('request-attach-hint')));
        continue;
      }
      const quiet = attach(m);
      if (m.caption) text = clip(`${text}\n${m.caption}`, MAX_TEXT);
      if (!quiet)
        await c.reply(t('request-attached', { count: files.length }), {
          reply_markup: new InlineKeyboard().text(t('button-done'), CB.done),
        });
    }

    if (start.note) text = clip(`${text}\n${start.note}`, MAX_TEXT);
    await ctx.reply(t('request-confirm', { category, text: clip(text, 3000), files: files.length }), {
      reply_markup: new InlineKeyboard().text(t('button-send'), CB.send).text(t('button-cancel'), CB.cancel),
    });
    const confirm = await conversation.waitForCallbackQuery(CB.send, { otherwise: buttonsOnly });
    await confirm.answerCallbackQuery();
    const result = await conversation.external(async () => {
      try {
        const ticket = await deps.sheets.tickets.create.mutate({ telegramId, category, text, attachments: files });
        deps.desk.open(ticket.id);
        return { id: ticket.id, error: null };
      } catch (error) {
        return { id: null, error: callErrorCode(error) };
      }
    });
    await confirm.editMessageReplyMarkup();
    const menu = menuKeyboard((k) => t(k), deps.publicUrl);
    if (result.id) await confirm.reply(t('request-created', { id: result.id }), { reply_markup: menu });
    else
      await confirm.reply(t(result.error === 'FORBIDDEN' ? 'request-sign-in-first' : 'request-failed'), {
        reply_markup: menu,
      });
  };
}
