import { BotApiDouble, TEST_TOKEN } from '@mb/testing';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskEvent } from './render.ts';
import { streamToChat } from './stream-to-chat.ts';

let double: BotApiDouble;
let api: Api;
/** When each call left the client (the pacing is the sender's; the double's receive times add network jitter). */
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

async function* deltas(n: number, everyMs: number): AsyncGenerator<AskEvent> {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, everyMs));
    yield { type: 'delta', text: `слово${i} ` };
  }
  yield {
    type: 'final',
    result: { outcome: 'llm', mode: 'llm', answered: true, text: 'Готово.', sources: [], handoff: false },
  };
}

const render = (r: { text: string }) => ({ text: r.text });
const gaps = (ats: number[]) => ats.slice(1).map((at, i) => at - ats[i]!);

describe('streamToChat pacing', () => {
  it('sends drafts no closer than the draft interval, then the final message', async () => {
    const chatId = 9_000_001;
    await streamToChat({
      api,
      chatId,
      events: deltas(12, 20),
      render,
      pacing: { draftIntervalMs: 100, editIntervalMs: 1000 },
      drafts: { supported: true },
    });
    const drafts = sent.filter((c) => c.method === 'sendMessageDraft' && c.chatId === chatId);
    expect(drafts.length).toBeGreaterThanOrEqual(2);
    expect(drafts.length).toBeLessThan(12);
    for (const gap of gaps(drafts.map((d) => d.at))) expect(gap).toBeGreaterThanOrEqual(95);
    expect(double.textsTo(chatId).at(-1)).toBe('Готово.');
  });

  it('edits no closer than the edit interval when drafts are refused, and ends with one message', async () => {
    const chatId = 9_000_002;
    double.script((call) =>
      call.method === 'sendMessageDraft' && call.payload['chat_id'] === chatId
        ? { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: unsupported' } }
        : undefined,
    );
    const drafts = { supported: true };
    await streamToChat({
      api,
      chatId,
      events: deltas(12, 20),
      render,
      pacing: { draftIntervalMs: 0, editIntervalMs: 100 },
      drafts,
    });
    expect(drafts.supported).toBe(false);
    const calls = double.calls.filter((c) => c.payload['chat_id'] === chatId && c.method !== 'sendMessageDraft');
    expect(calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
    expect(calls.at(-1)).toMatchObject({ method: 'editMessageText', payload: { text: 'Готово.' } });
    const updates = sent.filter((c) => c.chatId === chatId && c.method !== 'sendMessageDraft').slice(0, -1);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (const gap of gaps(updates.map((c) => c.at))) expect(gap).toBeGreaterThanOrEqual(95);
  });
});
