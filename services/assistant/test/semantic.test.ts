import { OpenAiDouble } from '@mb/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { streamAnswer, useHarness } from './harness.ts';

/** Embeddings as the double gives them: one direction for anything about paying, another for the rest. */
const conceptEmbedding = (text: string) => (/криптовалют|оплатить заказ/i.test(text) ? [1, 0, 0] : [0, 1, 0.2]);

describe('embedding search, when the provider offers it', () => {
  const h = useHarness({ assistant: { embeddingModel: 'emb-test' } });
  beforeAll(() => {
    h.model.embed(conceptEmbedding);
  });
  const embeddingCalls = () => h.model.requests.filter((r) => r.api === 'embeddings');

  it("brings a document no word of the question matches into the model's context", async () => {
    h.model.next({ kind: 'text', text: 'Оплата картой, через СБП или при получении [faq-15].' });
    const { result } = await streamAnswer(h.client(), { telegramId: 601, question: 'Принимаете криптовалюту?' });
    expect(result).toMatchObject({ outcome: 'llm', answered: true, sources: [{ id: 'faq-15' }] });
    const chat = h.model.requests.filter((r) => r.api === 'responses').at(-1)!;
    expect(OpenAiDouble.promptOf(chat)).toContain('faq-15');
    // The first search embedded the question and every document; the next embeds only its question.
    expect((embeddingCalls()[0]!.body['input'] as string[]).length).toBeGreaterThan(20);
    h.model.next({ kind: 'text', text: 'NO_ANSWER' });
    await streamAnswer(h.client(), { telegramId: 602, question: 'Криптовалюта подойдёт?' });
    expect(embeddingCalls().at(-1)!.body['input']).toEqual(['Криптовалюта подойдёт?']);
    expect(await h.metric('assistant_llm_tokens_total', { model: 'emb-test', kind: 'embedding' })).toBeGreaterThan(0);
  });

  it('answers from lexical retrieval alone when the provider has no embeddings, and stops asking for a while', async () => {
    await h.restartAssistant({ embeddingModel: 'emb-missing' });
    h.model.embeddingStatus = 404;
    const before = embeddingCalls().length;
    for (const telegramId of [603, 604]) {
      h.model.next({ kind: 'text', text: 'Доставка стоит 390 ₽ [faq-3].' });
      const { result } = await streamAnswer(h.client(), { telegramId, question: 'Сколько стоит доставка?' });
      expect(result).toMatchObject({ outcome: 'llm', sources: [{ id: 'faq-3' }] });
    }
    expect(embeddingCalls().length - before).toBe(1);
    expect(await h.metric('assistant_embedding_requests_total', { result: 'unsupported' })).toBe(1);
  });
});
