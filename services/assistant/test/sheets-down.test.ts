import { callErrorCode } from '@mb/service-kit';
import { describe, expect, it } from 'vitest';
import { streamAnswer, useHarness } from './harness.ts';

describe('sheets down', () => {
  const h = useHarness({ llm: false });

  it('keeps answering from the last FAQ, promotions and Settings it read; the unanswered count is given up quietly', async () => {
    expect(
      (await streamAnswer(h.client(), { telegramId: 701, question: 'Сколько стоит доставка?', segment: 'retail' }))
        .result.answered,
    ).toBe(true);
    h.sheets.server.closeAllConnections();
    await new Promise<void>((r) => h.sheets.server.close(() => r()));

    const { result } = await streamAnswer(h.client(), {
      telegramId: 701,
      question: 'Сколько стоит доставка?',
      segment: 'retail',
    });
    expect(result).toMatchObject({ answered: true, sources: [{ id: 'faq-3' }] });
    const unknown = await streamAnswer(h.client(), {
      telegramId: 701,
      question: 'Какая погода на Марсе?',
      segment: 'retail',
    });
    expect(unknown.result).toMatchObject({ answered: false, handoff: true });
    await expect.poll(() => h.metric('assistant_unanswered_record_failures_total'), { timeout: 8000 }).toBe(1);
  });

  it('says so (a clear error, not an invented answer) when it never read them', async () => {
    const error = await streamAnswer(h.client(), {
      telegramId: 702,
      question: 'Сколько стоит доставка?',
      segment: 'partners',
    }).catch((e: unknown) => e);
    expect(callErrorCode(error)).toBe('SERVICE_UNAVAILABLE');
    await expect(h.client().ask.mutate({ telegramId: 702, question: 'доставка', segment: 'partners' })).rejects.toThrow(
      /cannot read segment:partners/,
    );
  });
});
