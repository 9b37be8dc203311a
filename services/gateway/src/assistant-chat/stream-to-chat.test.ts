import { BotApiDouble, TEST_TOKEN } from '@mb/testing';
import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AskEvent } from './render.ts';
import { type DraftSupport, type StreamPacing, streamToChat } from './stream-to-chat.ts';

let double: BotApiDouble;
let api: Api;
/** When each call left the client, by the test's clock (Date is faked: the stream's pauses move it, nothing else). */
const sent: Array<{ method: string; chatId: unknown; at: number }> = [];
beforeAll(async () => {
  double = await new BotApiDouble().start();
  api = new Api(TEST_TOKEN, { apiRoot: double.url });
  api.config.use((prev, method, payload, signal) => {
    sent.push({ method, chatId: (payload as { chat_id?: unknown }).chat_id, at: Date.now() });
    return prev(method, payload, signal);
  });
});
afterAll(() => double.close());
// Only Date is faked: the HTTP calls to the double run on real timers, and no real time is waited for.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** `n` deltas, the clock moving `everyMs` before each (a model streaming at that pace), then the final answer. */
async function* deltas(n: number, everyMs: number): AsyncGenerator<AskEvent> {
  for (let i = 0; i < n; i++) {
    vi.advanceTimersByTime(everyMs);
    yield { type: 'delta', text: `слово${i} ` };
  }
  yield {
    type: 'final',
    result: { outcome: 'llm', mode: 'llm', answered: true, text: 'Готово.', sources: [], handoff: false },
  };
}

const render = (r: { text: string }) => ({ text: r.text });
const gaps = (ats: number[]) => ats.slice(1).map((at, i) => at - ats[i]!);
/** The growing preview once deltas 0…k have arrived. */
const preview = (k: number) => `${Array.from({ length: k + 1 }, (_, i) => `слово${i} `).join('')} …`;

/** Twelve deltas 20 ms apart, then the final answer, shown in `chatId` with `pacing`. */
const streamTwelveDeltas = (chatId: number, pacing: StreamPacing, drafts: DraftSupport) =>
  streamToChat({ api, chatId, events: deltas(12, 20), render, pacing, drafts });

describe('streamToChat pacing', () => {
  it('sends drafts no closer than the draft interval, then the final message', async () => {
    const chatId = 9_000_001;
    await streamTwelveDeltas(chatId, { draftIntervalMs: 100, editIntervalMs: 1000 }, { supported: true });
    // Deltas every 20 ms, a draft at most every 100 ms: the first delta, the sixth, the eleventh; then the answer.
    const drafts = sent.filter((c) => c.method === 'sendMessageDraft' && c.chatId === chatId);
    expect(gaps(drafts.map((d) => d.at))).toEqual([100, 100]);
    const draftTexts = double.callsTo('sendMessageDraft').filter((c) => c.payload['chat_id'] === chatId);
    expect(draftTexts.map((c) => c.payload['text'])).toEqual([preview(0), preview(5), preview(10)]);
    const messages = double.callsTo('sendMessage').filter((c) => c.payload['chat_id'] === chatId);
    expect(messages.map((c) => c.payload['text'])).toEqual(['Готово.']);
  });

  it('edits no closer than the edit interval when drafts are refused, and ends with one message', async () => {
    const chatId = 9_000_002;
    double.script((call) =>
      call.method === 'sendMessageDraft' && call.payload['chat_id'] === chatId
        ? { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: unsupported' } }
        : undefined,
    );
    const drafts = { supported: true };
    await streamTwelveDeltas(chatId, { draftIntervalMs: 0, editIntervalMs: 100 }, drafts);
    expect(drafts.supported).toBe(false);
    // One refused draft, then one message edited at most every 100 ms, the last edit the answer.
    const calls = double.calls.filter((c) => c.payload['chat_id'] === chatId && c.method !== 'sendMessageDraft');
    expect(calls.map((c) => [c.method, c.payload['text']])).toEqual([
      ['sendMessage', preview(0)],
      ['editMessageText', preview(5)],
      ['editMessageText', preview(10)],
      ['editMessageText', 'Готово.'],
    ]);
    const updates = sent.filter((c) => c.chatId === chatId && c.method !== 'sendMessageDraft').slice(0, -1);
    expect(gaps(updates.map((c) => c.at))).toEqual([100, 100]);
  });
});
