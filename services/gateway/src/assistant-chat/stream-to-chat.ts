import { type Api, GrammyError, type InlineKeyboard } from 'grammy';
import type { Counter } from 'prom-client';
import { type AskEvent, type AskResult, clipText } from './render.ts';

export type StreamPacing = {
  /** Least time between two drafts (`sendMessageDraft`, private chats, Bot API 9.3+). */
  draftIntervalMs: number;
  /** Least time between two edits of the growing message (fallback): Telegram allows about one message a second per chat. */
  editIntervalMs: number;
};
export const DEFAULT_PACING: StreamPacing = { draftIntervalMs: 400, editIntervalMs: 1500 };

/** Whether drafts work with this Bot API server; the first refusal switches the process to edits. */
export type DraftSupport = { supported: boolean };

export type StreamToChatOptions = {
  api: Api;
  chatId: number;
  events: AsyncIterable<AskEvent>;
  render: (result: AskResult) => { text: string; keyboard?: InlineKeyboard };
  pacing: StreamPacing;
  drafts: DraftSupport;
  /** Bot API calls made to show the stream, by method (draft, edit, final). */
  updates?: Counter<'method'>;
};

let nextDraftId = 1 + Math.floor(Math.random() * 1_000_000);

/**
 * Shows an answer growing in a private chat: drafts (`sendMessageDraft`) while it streams, then one final
 * `sendMessage`; where drafts are refused, one message that is edited (throttled) and finished by a last edit, so the
 * chat still ends with a single message. The final text is the assistant's final result, which replaces whatever was
 * streamed (it may be the retrieval answer after the model failed half way).
 */
export async function streamToChat(opts: StreamToChatOptions): Promise<AskResult> {
  const { api, chatId, pacing } = opts;
  const draftId = nextDraftId++;
  let text = '';
  let shown = '';
  let lastAt = 0;
  let editedMessageId: number | undefined;

  const show = async () => {
    const preview = clipText(`${text} …`);
    if (preview === shown) return;
    if (opts.drafts.supported) {
      try {
        await api.sendMessageDraft(chatId, draftId, preview);
        opts.updates?.inc({ method: 'draft' });
        shown = preview;
        return;
      } catch (error) {
        if (!(error instanceof GrammyError) || error.error_code === 429) return;
        // An older Bot API or a chat without drafts: edits from now on.
        opts.drafts.supported = false;
      }
    }
    if (editedMessageId === undefined) editedMessageId = (await api.sendMessage(chatId, preview)).message_id;
    else await api.editMessageText(chatId, editedMessageId, preview);
    opts.updates?.inc({ method: 'edit' });
    shown = preview;
  };

  for await (const event of opts.events) {
    if (event.type === 'final') {
      const { text: finalText, keyboard } = opts.render(event.result);
      const extra = keyboard ? { reply_markup: keyboard } : {};
      if (editedMessageId !== undefined) await api.editMessageText(chatId, editedMessageId, finalText, extra);
      else await api.sendMessage(chatId, finalText, extra);
      opts.updates?.inc({ method: 'final' });
      return event.result;
    }
    text += event.text;
    const interval = opts.drafts.supported ? pacing.draftIntervalMs : pacing.editIntervalMs;
    if (Date.now() - lastAt >= interval) {
      lastAt = Date.now();
      await show();
    }
  }
  throw new Error('the assistant stream ended without a final answer');
}
