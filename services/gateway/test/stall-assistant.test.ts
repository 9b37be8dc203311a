import { type TestUser, textUpdate } from '@mb/testing';
import { expect, it } from 'vitest';
import { useStackBehindProxy } from './stall-proxy.ts';

// Issue 20 point 1: the assistant stalls (as under SIGSTOP) while users ask; each question is asked again with backoff,
// the user told "one moment" once, and after the assistant returns each question has its answer exactly once.
const users: TestUser[] = [0, 1].map((i) => ({ id: 7_400_001 + i, first_name: `A${i}`, language_code: 'ru' }));
const env = useStackBehindProxy('assistant', users);

it('asks every stalled question again and answers each exactly once after the assistant returns', async () => {
  const { api, proxy, stack } = env;
  proxy.stall();
  for (const u of users) expect((await stack.post(textUpdate(u, 'Какие часы работы поддержки?'))).status).toBe(200);
  await api.waitFor(
    () => users.every((u) => api.textsTo(u.id).some((t) => t.includes('минутку'))),
    10_000,
    'the one-moment notice to every asking chat',
  );
  // Meanwhile the chat is not held: a menu press is answered while the question waits.
  await stack.post(textUpdate(users[0]!, '/menu'));
  await api.waitFor(() => api.textsTo(users[0]!.id).some((t) => t.includes('Главное меню')), 5000, 'the menu');
  proxy.resume();
  await api.waitFor(
    () => users.every((u) => api.textsTo(u.id).some((t) => t.includes('с 9:00 до 21:00'))),
    10_000,
    'every answer',
  );
  await stack.gateway.dispatcher.idle();
  for (const u of users) {
    const texts = api.textsTo(u.id);
    expect(
      texts.filter((t) => t.includes('с 9:00 до 21:00')),
      texts.join(' | '),
    ).toHaveLength(1);
    expect(texts.filter((t) => t.includes('минутку'))).toHaveLength(1);
    expect(texts.some((t) => t.includes('недоступен') || t.includes('Извините'))).toBe(false);
  }
});
