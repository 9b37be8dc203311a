import { type TestUser, textUpdate } from '@mb/testing';
import { expect, it } from 'vitest';
import { useStack } from './use-stack.ts';

const ivan: TestUser = { id: 7_200_001, first_name: 'Иван', language_code: 'ru' };

// Retries of the question bounded at 1.5 s here (10 min by default): then the user is told it is unavailable.
const env = useStack(
  { events: { enabled: false }, retry: { firstMs: 200, noticeAfterMs: 400, giveUpAfterMs: 1500 } },
  { signedIn: [ivan] },
);

it('says "one moment", then that the service is unavailable when the assistant stays unreachable, and the chat goes on', async () => {
  env.stack.assistant.server.closeAllConnections();
  await new Promise<void>((r) => env.stack.assistant.server.close(() => r()));
  await env.stack.post(textUpdate(ivan, 'Сколько стоит доставка?'));
  await env.api.waitFor(
    () => env.api.textsTo(ivan.id).some((t) => t.includes('минутку')),
    8000,
    'the one-moment notice',
  );
  await env.api.waitFor(
    () => env.api.textsTo(ivan.id).some((t) => t.includes('Сервис временно недоступен')),
    8000,
    'the unavailable message',
  );
  await env.stack.post(textUpdate(ivan, '/menu'));
  await env.api.waitFor(() => env.api.textsTo(ivan.id).some((t) => t.includes('Главное меню')), 5000, 'the menu');
  expect(env.api.callsTo('sendMessageDraft')).toEqual([]);
});
