import { BotApiDouble, type TestUser, textUpdate } from '@mb/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

const ivan: TestUser = { id: 7_200_001, first_name: 'Иван', language_code: 'ru' };
let api: BotApiDouble;
let stack: Stack;

beforeAll(async () => {
  api = await new BotApiDouble().start();
  // Retries of the question bounded at 1.5 s here (10 min by default): then the user is told it is unavailable.
  stack = await startStack({
    apiRoot: api.url,
    gateway: { events: { enabled: false }, retry: { firstMs: 200, noticeAfterMs: 400, giveUpAfterMs: 1500 } },
  });
  stack.sheets.wb.update('Users', 'U-4', { telegram_id: String(ivan.id) });
});
afterAll(async () => {
  await stack.close();
  await api.close();
});

it('says "one moment", then that the service is unavailable when the assistant stays unreachable, and the chat goes on', async () => {
  stack.assistant.server.closeAllConnections();
  await new Promise<void>((r) => stack.assistant.server.close(() => r()));
  await stack.post(textUpdate(ivan, 'Сколько стоит доставка?'));
  await api.waitFor(() => api.textsTo(ivan.id).some((t) => t.includes('минутку')), 8000, 'the one-moment notice');
  await api.waitFor(
    () => api.textsTo(ivan.id).some((t) => t.includes('Сервис временно недоступен')),
    8000,
    'the unavailable message',
  );
  await stack.post(textUpdate(ivan, '/menu'));
  await api.waitFor(() => api.textsTo(ivan.id).some((t) => t.includes('Главное меню')), 5000, 'the menu');
  expect(api.callsTo('sendMessageDraft')).toEqual([]);
});
