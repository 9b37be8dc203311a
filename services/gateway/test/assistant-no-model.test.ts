import { type TestUser, textUpdate } from '@mb/testing';
import { describe, expect, it } from 'vitest';
import { useStack } from './use-stack.ts';

const petr: TestUser = { id: 7_200_001, first_name: 'Пётр', language_code: 'ru' };

// No model configured: the assistant answers from the knowledge base alone.
const env = useStack(
  { assistantPacing: { draftIntervalMs: 0, editIntervalMs: 0 }, events: { enabled: false } },
  { signedIn: [petr] },
);

const sent = (part: string) =>
  env.api
    .callsTo('sendMessage')
    .filter((c) => Number(c.payload['chat_id']) === petr.id)
    .find((c) => String(c.payload['text']).includes(part));
const answerTo = async (question: string, part: string) => {
  await env.stack.post(textUpdate(petr, `/ask ${question}`));
  await env.api.waitFor(() => sent(part) !== undefined, 8000, `"${part}" after "${question}"`);
  return sent(part)!;
};

describe('the assistant without a model', () => {
  it('answers from the knowledge base as normal operation, not as "unavailable"', async () => {
    const message = await answerTo('Какие часы работы поддержки?', 'с 9:00 до 21:00');
    const text = String(message.payload['text']);
    expect(text).toContain('ℹ️ Ответ из базы знаний.');
    expect(text).not.toContain('недоступен');
  });

  it.each(['номер лицензии ЦБ?', 'в офис с собакой?'])(
    'says "I don\'t know" to "%s" and offers the hand-off, rather than the entry sharing a word',
    async (question) => {
      const before = env.api.callsTo('sendMessage').length;
      await env.stack.post(textUpdate(petr, `/ask ${question}`));
      await env.api.waitFor(() => env.api.callsTo('sendMessage').length > before, 8000, `an answer to "${question}"`);
      const answer = env.api.callsTo('sendMessage').slice(before).at(-1)!;
      expect(String(answer.payload['text'])).toContain('Не знаю ответа');
      expect(JSON.stringify(answer.payload['reply_markup'])).toContain('Создать обращение');
    },
  );
});
