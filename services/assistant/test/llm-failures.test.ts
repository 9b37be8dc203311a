import { recordWaits } from '@mb/testing';
import { describe, expect, it, vi } from 'vitest';
import { streamAnswer, useHarness } from './harness.ts';

/** Whatever the model does, the user gets an answer: the retrieval answer, marked as such, within the deadline. */
describe.each(['responses', 'chat'] as const)('model failures through the %s API', (api) => {
  // Per attempt 1.5 s, one retry, 1 s of stream silence, 4 s for the whole answer.
  const h = useHarness({ api });
  let nextUser = 200;
  const ask = () => streamAnswer(h.client(), { telegramId: nextUser++, question: 'Сколько стоит доставка?' });

  it('hands off a question the FAQ does not answer, rather than the entry sharing a word', async () => {
    h.model.next({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const { result } = await streamAnswer(h.client(), { telegramId: nextUser++, question: 'номер лицензии ЦБ?' });
    expect(result).toMatchObject({
      outcome: 'fallback',
      answered: false,
      handoff: true,
      sources: [],
      fallbackReason: 'server_error',
    });
  });

  it('waits out a 429 with retry-after and then answers from the model', async () => {
    const before = h.model.requests.length;
    h.model.next(
      { kind: 'status', status: 429, retryAfter: 1 },
      { kind: 'text', text: 'Доставка стоит 390 ₽ [faq-3].' },
    );
    // Timers on a clock that runs with real time but can be moved on, so that the retry-after second need not pass;
    // the waits scheduled in this process are recorded, each with how many model requests had arrived by then.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    const { waits, stop } = recordWaits(() => h.model.requests.length - before);
    try {
      const answer = ask();
      // Between the 429 and the retry the client waits the 1 s the answer asked for: the clock is moved past it.
      await expect.poll(() => waits, { interval: 5 }).toContainEqual({ ms: 1000, state: 1 });
      await vi.advanceTimersByTimeAsync(1000);
      const { result } = await answer;
      expect(result).toMatchObject({ outcome: 'llm', answered: true, sources: [{ id: 'faq-3' }] });
      expect(h.model.requests.length - before).toBe(2);
    } finally {
      stop();
      vi.useRealTimers();
    }
  });

  it.each([
    [
      '429 on every attempt',
      [
        { kind: 'status', status: 429, retryAfter: 0 },
        { kind: 'status', status: 429, retryAfter: 0 },
      ],
      'rate_limited',
    ],
    [
      '500 on every attempt',
      [
        { kind: 'status', status: 500 },
        { kind: 'status', status: 503 },
      ],
      'server_error',
    ],
    ['no response at all', [{ kind: 'hang' }, { kind: 'hang' }], 'timeout'],
    ['a stream that stops half way', [{ kind: 'hang', text: 'Доставка стоит', chunksFirst: 1 }], 'timeout'],
    ['a stream event that is not JSON', [{ kind: 'malformed', textFirst: 'Доставка ' }], 'malformed'],
  ] as const)('%s → the retrieval answer, marked as a fallback', async (_name, behaviours, reason) => {
    h.model.next(...behaviours);
    const { result } = await ask();
    expect(result).toMatchObject({
      outcome: 'fallback',
      mode: 'retrieval',
      answered: true,
      fallbackReason: reason,
      sources: [{ kind: 'faq', id: 'faq-3' }],
    });
    expect(result.text).toContain('390 ₽');
    expect(await h.metric('assistant_fallbacks_total', { reason })).toBeGreaterThanOrEqual(1);
  });

  it('an error event inside the stream → fallback', async () => {
    h.model.next({ kind: 'status', status: 400, message: 'bad request' });
    const { result } = await ask();
    expect(result).toMatchObject({ outcome: 'fallback', fallbackReason: 'rejected' });
  });

  it('counts outcomes, tokens per model and latency', async () => {
    h.model.next({ kind: 'text', text: 'Доставка стоит 390 ₽ [faq-3].', usage: { input: 321, output: 12 } });
    const input = await h.metric('assistant_llm_tokens_total', { model: 'gpt-test', kind: 'input' });
    await ask();
    expect(await h.metric('assistant_llm_tokens_total', { model: 'gpt-test', kind: 'input' })).toBe(input + 321);
    expect(await h.metric('assistant_requests_total', { outcome: 'llm' })).toBeGreaterThanOrEqual(2);
    expect(await h.metric('assistant_requests_total', { outcome: 'fallback' })).toBeGreaterThanOrEqual(5);
    expect(await h.metric('assistant_llm_duration_seconds_count', { api })).toBeGreaterThanOrEqual(2);
    expect(await h.metric('assistant_llm_time_to_first_token_seconds_count', { api })).toBeGreaterThanOrEqual(2);
  });
});

describe('no API key', () => {
  const h = useHarness({ llm: false });

  it('answers from retrieval, marked as such, and never calls a model', async () => {
    const { result, deltas } = await streamAnswer(h.client(), {
      telegramId: 1,
      question: 'How can I return an item for a refund?',
      language: 'en',
    });
    expect(result).toMatchObject({
      outcome: 'fallback',
      mode: 'retrieval',
      fallbackReason: 'no_key',
      answered: true,
      sources: [{ id: 'faq-5' }],
    });
    expect(deltas).toEqual([]);
    expect(h.model.requests).toEqual([]);
  });
});
