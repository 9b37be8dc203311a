import { createServiceClient } from '@mb/service-kit';
import type { SheetsRouter } from '@mb/sheets/router-type';
import {
  BotApiDouble,
  callbackUpdate,
  llmOnDouble,
  OpenAiDouble,
  TEST_INTERNAL_TOKEN,
  type TestUser,
  textUpdate,
} from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

const petr: TestUser = { id: 7_100_001, first_name: 'Пётр', language_code: 'ru' };
const olga: TestUser = { id: 7_100_002, first_name: 'Olga', language_code: 'en' };
const anna: TestUser = { id: 7_100_003, first_name: 'Анна', language_code: 'ru' };

let api: BotApiDouble;
let model: OpenAiDouble;
let stack: Stack;

beforeAll(async () => {
  api = await new BotApiDouble().start();
  model = await new OpenAiDouble().start();
  stack = await startStack({
    apiRoot: api.url,
    gateway: { assistantPacing: { draftIntervalMs: 0, editIntervalMs: 0 }, events: { enabled: false } },
    assistant: {
      llm: llmOnDouble(model, { timeoutMs: 1000, idleMs: 800 }),
      deadlineMs: 3000,
      knowledgeTtlMs: 0,
    },
  });
  // Signed-in users: the seeded clients' rows carry their Telegram ids.
  stack.sheets.wb.update('Users', 'U-4', { telegram_id: String(petr.id) });
  stack.sheets.wb.update('Users', 'U-5', { telegram_id: String(olga.id), language: 'en' });
  stack.sheets.wb.update('Users', 'U-6', { telegram_id: String(anna.id) });
});
afterAll(async () => {
  await stack.close();
  await api.close();
  await model.close();
});

const callsTo = (chatId: number, method: string) =>
  api.callsTo(method).filter((c) => Number(c.payload['chat_id']) === chatId);
// Once drafts were refused (the edits test), answers that streamed end with an edit instead of a new message.
const finalMessage = (chatId: number, part: string) =>
  [...callsTo(chatId, 'sendMessage'), ...callsTo(chatId, 'editMessageText')].find(
    (c) => String(c.payload['text']).includes(part) && !String(c.payload['text']).endsWith(' …'),
  );
const waitForFinal = (chatId: number, part: string) =>
  api.waitFor(() => finalMessage(chatId, part) !== undefined, 8000, `"${part}" to ${chatId}`);
/** Waits until a `method` call to the chat (a draft, an edit) carries `part` in its text. */
const waitForCall = (chatId: number, method: string, part: string, timeoutMs: number, what: string) =>
  api.waitFor(() => callsTo(chatId, method).some((c) => String(c.payload['text']).includes(part)), timeoutMs, what);
/** The model's next answer: `text`, streamed in `chunks` deltas `delayMs` apart. */
const streams = (text: string, chunks: number, delayMs: number) => model.next({ kind: 'text', text, chunks, delayMs });

describe('the assistant in a private chat', () => {
  it('streams the answer as drafts, then one final message with sources and the hand-off button', async () => {
    streams('Доставка по России стоит 390 ₽, а от 3000 ₽ во время акции — бесплатно [faq-3].', 6, 30);
    const response = await stack.post(textUpdate(petr, 'Сколько стоит доставка?'));
    expect(response.status).toBe(200);
    await waitForFinal(petr.id, '390 ₽');

    const drafts = callsTo(petr.id, 'sendMessageDraft');
    expect(drafts.length).toBeGreaterThan(1);
    const draftTexts = drafts.map((d) => String(d.payload['text']));
    expect(draftTexts[0]!.length).toBeLessThan(draftTexts.at(-1)!.length);
    expect(new Set(drafts.map((d) => d.payload['draft_id'])).size).toBe(1);
    const final = finalMessage(petr.id, '390 ₽')!;
    expect(final.payload['text']).toBe(
      'Доставка по России стоит 390 ₽, а от 3000 ₽ во время акции — бесплатно.\n\n📎 Источники: Сколько стоит доставка?',
    );
    expect(JSON.stringify(final.payload['reply_markup'])).toContain('as:handoff');
    expect(callsTo(petr.id, 'sendMessage').filter((c) => String(c.payload['text']).includes('390'))).toHaveLength(1);
    // Drafts all came before the final message.
    expect(drafts.every((d) => d.at <= final.at)).toBe(true);
  });

  it('does not hold the chat: a command sent while the model is still writing is answered first', async () => {
    streams('Гарантия производителя действует от 12 месяцев, талон лежит в коробке [faq-16].', 8, 150);
    await stack.post(textUpdate(petr, 'Есть ли гарантия на товары?'));
    await waitForCall(petr.id, 'sendMessageDraft', 'Гарантия', 5000, 'first draft');
    await stack.post(textUpdate(petr, '/reset'));
    await waitForFinal(petr.id, 'Начинаем разговор заново');
    await waitForFinal(petr.id, '12 месяцев');
    expect(finalMessage(petr.id, 'Начинаем разговор заново')!.at).toBeLessThan(finalMessage(petr.id, '12 месяцев')!.at);
  });

  it('falls back to edits of one message where drafts are refused, ending with a last edit', async () => {
    api.script((call) =>
      call.method === 'sendMessageDraft'
        ? { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: method is not available' } }
        : undefined,
    );
    streams('Returns are accepted within 14 days: create a request with the category Problem [faq-5].', 5, 20);
    await stack.post(textUpdate(olga, 'How can I return an item?'));
    await waitForCall(olga.id, 'editMessageText', 'Sources:', 8000, 'final edit');
    const sent = callsTo(olga.id, 'sendMessage');
    expect(sent).toHaveLength(1);
    const edits = callsTo(olga.id, 'editMessageText');
    expect(edits.length).toBeGreaterThan(1);
    expect(String(edits.at(-1)!.payload['text'])).toBe(
      'Returns are accepted within 14 days: create a request with the category Problem.\n\n📎 Sources: Как вернуть товар?',
    );
    expect(JSON.stringify(edits.at(-1)!.payload['reply_markup'])).toContain('as:handoff');
    expect(edits.every((e) => e.payload['message_id'] === edits[0]!.payload['message_id'])).toBe(true);
  });

  it('says it does not know, and the hand-off button opens a request carrying the transcript', async () => {
    model.next({ kind: 'text', text: 'NO_ANSWER' });
    await stack.post(textUpdate(anna, 'Можно ли оплатить заказ биткоинами?'));
    await waitForFinal(anna.id, 'Не знаю ответа');
    expect(JSON.stringify(finalMessage(anna.id, 'Не знаю ответа')!.payload['reply_markup'])).toContain('as:handoff');

    await stack.post(callbackUpdate(anna, 'as:handoff', 1));
    await api.waitFor(() => finalMessage(anna.id, 'создано') !== undefined, 5000, 'request created');
    const id = /T-\d+/.exec(String(finalMessage(anna.id, 'создано')!.payload['text']))![0];
    const sheets = createServiceClient<SheetsRouter>({
      target: 'sheets',
      url: stack.sheetsUrl,
      token: TEST_INTERNAL_TOKEN,
    });
    const ticket = await sheets.tickets.get.query({ ticketId: id });
    expect(ticket).toMatchObject({
      telegramId: anna.id,
      text: 'Можно ли оплатить заказ биткоинами?',
      category: 'Вопрос',
    });
    const transcript = ticket.messages.find((m) => m.authorName === 'Переписка с помощником')!;
    expect(transcript.text).toBe('👤 Можно ли оплатить заказ биткоинами?\n\n🤖 (ответа в базе знаний не нашлось)');
    // The unanswered question is counted for managers.
    expect(stack.sheets.wb.find('Unanswered').map((r) => [r.question, r.count])).toContainEqual([
      'Можно ли оплатить заказ биткоинами?',
      '1',
    ]);
  });

  it('answers from retrieval, marked as such, when the model hangs', async () => {
    model.next({ kind: 'hang' });
    await stack.post(textUpdate(anna, 'Какие часы работы поддержки?'));
    await waitForFinal(anna.id, 'Ответ из базы знаний');
    const text = String(finalMessage(anna.id, 'Ответ из базы знаний')!.payload['text']);
    expect(text).toContain('с 9:00 до 21:00');
    // A configured model failed: the note says so.
    expect(text).toContain('ИИ-помощник сейчас недоступен');
  });

  it('says when the daily quota is used up, and when a question is too long, without asking the model', async () => {
    const requests = model.requests.length;
    await stack.post(textUpdate(olga, `Where is the store? ${'really '.repeat(200)}`));
    await waitForFinal(olga.id, 'too long');
    expect(String(finalMessage(olga.id, 'too long')!.payload['text'])).toBe(
      'The question is too long: at most 1,000 characters. Please shorten it.',
    );

    stack.sheets.wb.update('Settings', 'assistant_daily_quota', { value: '0' }, { outbox: false });
    try {
      await stack.post(textUpdate(petr, '/ask Где находится магазин?'));
      await waitForFinal(petr.id, 'Лимит вопросов');
      expect(String(finalMessage(petr.id, 'Лимит вопросов')!.payload['text'])).toContain('(0 в день)');
      expect(model.requests.length).toBe(requests);
    } finally {
      stack.sheets.wb.update('Settings', 'assistant_daily_quota', { value: '30' }, { outbox: false });
    }
  });

  it('answers a question through /ask, and the menu button explains what to ask', async () => {
    model.next({ kind: 'text', text: 'Шоурум в Москве, ул. Примерная, 1 [faq-20].' });
    await stack.post(textUpdate(anna, '/ask где находится магазин'));
    await waitForFinal(anna.id, 'Примерная');
    await stack.post(textUpdate(anna, '🤖 Спросить помощника'));
    await waitForFinal(anna.id, 'Задайте вопрос');
  });
});
