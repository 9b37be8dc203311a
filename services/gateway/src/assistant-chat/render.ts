import type { AssistantOutputs } from '@mb/assistant/router-type';
import { InlineKeyboard } from 'grammy';

export type AskEvent = AssistantOutputs['askStream'] extends AsyncIterable<infer E> ? E : never;
export type AskResult = Extract<AskEvent, { type: 'final' }>['result'];
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** callback_data of the "Create a request" button under an answer. */
export const HANDOFF_CALLBACK = 'as:handoff';
const MAX_TEXT = 4096;

export const clipText = (text: string, max = MAX_TEXT) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The final message for an answer: the text (or "I don't know", the quota or length refusal in the user's language),
 * the sources by title, a note when it is the retrieval answer (and whether a model failed), and the hand-off button.
 */
export function renderAnswer(result: AskResult, t: Translate): { text: string; keyboard?: InlineKeyboard } {
  const handoff = new InlineKeyboard().text(t('assistant-handoff-button'), HANDOFF_CALLBACK);
  switch (result.outcome) {
    case 'quota':
      return { text: t('assistant-quota', { limit: result.limit ?? 0 }), keyboard: handoff };
    case 'refused':
      return { text: t('assistant-too-long', { max: result.limit ?? 0 }) };
    default:
      break;
  }
  if (!result.answered) return { text: t('assistant-unknown'), keyboard: handoff };
  const parts = [result.text];
  if (result.sources.length > 0)
    parts.push(t('assistant-sources', { list: result.sources.map((s) => s.title).join('; ') }));
  // Without a key (or past the token budget) the knowledge-base answer is normal operation; "unavailable" is said
  // only when a configured model failed.
  if (result.mode === 'retrieval')
    parts.push(
      t(
        result.fallbackReason === 'no_key' || result.fallbackReason === 'budget'
          ? 'assistant-retrieval-note'
          : 'assistant-fallback-note',
      ),
    );
  const tail = parts.slice(1).join('\n\n');
  return { text: `${clipText(parts[0]!, MAX_TEXT - tail.length - 2)}\n\n${tail}`.trim(), keyboard: handoff };
}

export type TranscriptTurn = { role: 'user' | 'assistant'; text: string; at: string };

/** The conversation as the staff will read it in the request (newest kept when too long). */
export function formatTranscript(turns: TranscriptTurn[], t: Translate, max = 20_000): string {
  const lines = turns.map((turn) =>
    turn.role === 'user' ? `👤 ${turn.text}` : `🤖 ${turn.text || t('assistant-transcript-no-answer')}`,
  );
  let text = lines.join('\n\n');
  while (text.length > max && lines.length > 1) {
    lines.shift();
    text = lines.join('\n\n');
  }
  return clipText(text, max);
}
