import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

// Sheets and the assistant without a model: the answers come from retrieval alone.
const h = useHarness({ llm: false });

const client = () => h.client();

describe('assistant ask (retrieval only)', () => {
  it.each([
    ['Сколько стоит доставка?', 'ru', 'faq-3'],
    ['как вернуть товар', 'ru', 'faq-5'],
    ['сколько идет доставка заказа', 'ru', 'faq-4'],
    ['какие часы работы поддержки', 'ru', 'faq-9'],
    ['How do I get a promo code?', 'en', 'faq-2'],
    ['How can I return an item for a refund?', 'en', 'faq-5'],
    ['what is the warranty', 'en', 'faq-16'],
  ] as const)('%s → %s', async (question, language, id) => {
    const answer = await client().ask.mutate({ telegramId: 1, question, language });
    expect(answer.answered).toBe(true);
    expect(answer.mode).toBe('retrieval');
    expect(answer.sources[0]).toMatchObject({ kind: 'faq', id });
  });

  it('says it does not know, rather than inventing', async () => {
    const answer = await client().ask.mutate({ telegramId: 1, question: 'Какая погода на Марсе?', language: 'ru' });
    // The chat words "I don't know" in the user's language and offers the hand-off.
    expect(answer).toMatchObject({
      answered: false,
      sources: [],
      text: '',
      handoff: true,
      outcome: 'fallback',
      fallbackReason: 'no_key',
    });
  });

  it.each([
    'номер лицензии ЦБ?',
    'в офис с собакой?',
    'phone number of the tax office',
    'гарантия на квартиру в новостройке',
  ])('hands off "%s" instead of the FAQ entry that merely shares a word', async (question) => {
    const answer = await client().ask.mutate({ telegramId: 1, question, language: 'ru' });
    expect(answer).toMatchObject({ answered: false, sources: [], handoff: true, fallbackReason: 'no_key' });
  });

  it('refuses an empty or over-long question', async () => {
    await expect(client().ask.mutate({ telegramId: 1, question: '   ', language: 'ru' })).rejects.toThrow();
    await expect(client().ask.mutate({ telegramId: 1, question: 'x'.repeat(2001), language: 'ru' })).rejects.toThrow();
  });
});
