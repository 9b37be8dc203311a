import { OpenAiDouble } from '@mb/testing';
import { describe, expect, it, vi } from 'vitest';
import { streamAnswer, useHarness } from './harness.ts';

describe('conversation memory', () => {
  const h = useHarness();

  it("gives the model the user's earlier turns, across a restart, and never another user's", async () => {
    h.model.next({ kind: 'text', text: 'Доставка стоит 390 ₽ [faq-3].' });
    await streamAnswer(h.client(), { telegramId: 301, question: 'Сколько стоит доставка?' });
    h.model.next({ kind: 'text', text: 'Возврат в течение 14 дней [faq-5].' });
    await streamAnswer(h.client(), { telegramId: 302, question: 'Как вернуть товар?' });

    await h.restartAssistant();
    h.model.next({ kind: 'text', text: 'Обычно 2–5 рабочих дней [faq-4].' });
    const { result } = await streamAnswer(h.client(), { telegramId: 301, question: 'а сколько идёт доставка?' });
    expect(result.sources.map((s) => s.id)).toContain('faq-4');
    const prompt = OpenAiDouble.promptOf(h.model.requests.at(-1)!);
    expect(prompt).toContain('Сколько стоит доставка?');
    expect(prompt).toContain('Доставка стоит 390 ₽.');
    expect(prompt).not.toContain('Как вернуть товар?');

    const transcript = await h.client().transcript.query({ telegramId: 301 });
    expect(transcript.map((t) => [t.role, t.text])).toEqual([
      ['user', 'Сколько стоит доставка?'],
      ['assistant', 'Доставка стоит 390 ₽.'],
      ['user', 'а сколько идёт доставка?'],
      ['assistant', 'Обычно 2–5 рабочих дней.'],
    ]);
  });

  it('forgets on reset', async () => {
    h.model.next({ kind: 'text', text: 'Гарантия 12 месяцев [faq-16].' });
    await streamAnswer(h.client(), { telegramId: 303, question: 'Есть ли гарантия?' });
    expect(await h.client().reset.mutate({ telegramId: 303 })).toEqual({ forgotten: 2 });
    expect(await h.client().transcript.query({ telegramId: 303 })).toEqual([]);
    h.model.next({ kind: 'text', text: 'Гарантия 12 месяцев [faq-16].' });
    await streamAnswer(h.client(), { telegramId: 303, question: 'Есть ли гарантия на товары?' });
    expect(OpenAiDouble.promptOf(h.model.requests.at(-1)!)).not.toContain('Есть ли гарантия?"');
  });

  it('keeps only the last N turns and forgets a conversation idle past the expiry', async () => {
    await h.restartAssistant({ memoryTurns: 2, memoryIdleMs: 300 });
    for (const q of ['Сколько стоит доставка?', 'Как вернуть товар?']) {
      h.model.next({ kind: 'text', text: 'Ответ [faq-3].' });
      await streamAnswer(h.client(), { telegramId: 304, question: q });
    }
    expect((await h.client().transcript.query({ telegramId: 304 })).map((t) => t.text)).toEqual([
      'Как вернуть товар?',
      'Ответ.',
    ]);
    // 400 ms later by the clock (only Date is faked: the expiry is judged on reading, by Date.now()).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 400 });
    try {
      expect(await h.client().transcript.query({ telegramId: 304 })).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
    await h.restartAssistant();
  });
});

describe('quotas', () => {
  const h = useHarness();

  const setSetting = (key: string, value: string) => h.sheets.wb.update('Settings', key, { value }, { outbox: false });

  it('refuses a user past the daily quota from Settings, with the limit, and counts it', async () => {
    setSetting('assistant_daily_quota', '2');
    h.model.respond(() => ({ kind: 'text', text: 'Доставка стоит 390 ₽ [faq-3].' }));
    for (let i = 0; i < 2; i++)
      expect(
        (await streamAnswer(h.client(), { telegramId: 401, question: 'Сколько стоит доставка?' })).result.outcome,
      ).toBe('llm');
    const requests = h.model.requests.length;
    const { result } = await streamAnswer(h.client(), { telegramId: 401, question: 'Сколько стоит доставка?' });
    expect(result).toMatchObject({ outcome: 'quota', answered: false, limit: 2 });
    expect(h.model.requests.length).toBe(requests);
    // Another user still has their quota; the non-streaming procedure says TOO_MANY_REQUESTS.
    expect(
      (await streamAnswer(h.client(), { telegramId: 402, question: 'Сколько стоит доставка?' })).result.outcome,
    ).toBe('llm');
    await expect(h.client().ask.mutate({ telegramId: 401, question: 'Сколько стоит доставка?' })).rejects.toThrow(
      /quota/,
    );
    expect(await h.metric('assistant_requests_total', { outcome: 'quota' })).toBe(2);
    setSetting('assistant_daily_quota', '30');
  });

  it('answers from retrieval once the global daily token budget is spent', async () => {
    // The budget counts what earlier tests spent today too: leave 1000 tokens.
    setSetting('assistant_daily_token_budget', String((await h.assistant.usage.tokensToday()) + 1000));
    h.model.respond(() => ({
      kind: 'text',
      text: 'Доставка стоит 390 ₽ [faq-3].',
      usage: { input: 900, output: 200 },
    }));
    expect(
      (await streamAnswer(h.client(), { telegramId: 403, question: 'Сколько стоит доставка?' })).result.outcome,
    ).toBe('llm');
    const { result } = await streamAnswer(h.client(), { telegramId: 404, question: 'Сколько стоит доставка?' });
    expect(result).toMatchObject({ outcome: 'fallback', fallbackReason: 'budget', answered: true });
    setSetting('assistant_daily_token_budget', '200000');
  });

  it('refuses an over-long question before any model call, and rejects empty or absurd input', async () => {
    const { result } = await streamAnswer(h.client(), { telegramId: 405, question: 'доставка '.repeat(200) });
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'too_long', answered: false });
    await expect(h.client().ask.mutate({ telegramId: 405, question: 'x'.repeat(1500) })).rejects.toThrow(/too long/);
    await expect(h.client().ask.mutate({ telegramId: 405, question: '   ' })).rejects.toThrow();
    await expect(h.client().ask.mutate({ telegramId: 405, question: 'x'.repeat(4097) })).rejects.toThrow();
    await expect(h.client().ask.mutate({ telegramId: 1.5, question: 'доставка' })).rejects.toThrow();
  });
});
