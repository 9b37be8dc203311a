import { type TestUser, textUpdate } from '@mb/testing';
import { expect, it } from 'vitest';
import { useStackBehindProxy } from './stall-proxy.ts';

// Issue 20 point 1: sheets stalls (as under SIGSTOP: connections accepted, nothing answered) while users press /start
// and /menu. Every acknowledged update is kept and retried; after sheets returns each one has its answer exactly once,
// a chat's updates in order, and the user was told "one moment" once.
const users: TestUser[] = [0, 1, 2].map((i) => ({ id: 7_300_001 + i, first_name: `U${i}`, language_code: 'ru' }));
const stranger: TestUser = { id: 7_300_099, first_name: 'Гость', language_code: 'ru' };
const env = useStackBehindProxy('sheets', users);

const metric = async (name: string) => {
  const text = await env.stack.gateway.metrics.registry.metrics();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
};

it('keeps every update while sheets stalls and answers each exactly once, in order, after it returns', async () => {
  const { api, proxy, stack } = env;
  proxy.stall();
  for (const u of users) {
    expect((await stack.post(textUpdate(u, '/menu'))).status).toBe(200);
    expect((await stack.post(textUpdate(u, '🎁 Акции'))).status).toBe(200);
  }
  expect((await stack.post(textUpdate(stranger, '/start'))).status).toBe(200);
  // Long enough for several failed attempts (calls time out after 0.8 s) and the notice.
  await api.waitFor(
    () => users.every((u) => api.textsTo(u.id).some((t) => t.includes('минутку'))),
    10_000,
    'the one-moment notice to every waiting chat',
  );
  expect(await metric('gateway_update_retries_total')).toBeGreaterThan(0);
  proxy.resume();
  await stack.gateway.dispatcher.idle();
  for (const u of users) {
    const texts = api.textsTo(u.id);
    const menu = texts.filter((t) => t.includes('Главное меню'));
    const promotions = texts.filter((t) => t.includes('Акции (') || t.includes('Сейчас нет активных акций'));
    expect(menu, `${u.first_name}: ${texts.join(' | ')}`).toHaveLength(1);
    expect(promotions, `${u.first_name}: ${texts.join(' | ')}`).toHaveLength(1);
    expect(texts.indexOf(menu[0]!)).toBeLessThan(texts.indexOf(promotions[0]!));
    expect(texts.filter((t) => t.includes('минутку'))).toHaveLength(1);
    expect(texts.some((t) => t.includes('Извините') || t.includes('недоступен'))).toBe(false);
  }
  expect(api.textsTo(stranger.id).filter((t) => t.includes('номер'))).not.toHaveLength(0);
  expect(await metric('gateway_handler_errors_total')).toBe(0);
  expect(await metric('gateway_update_errors_total')).toBe(0);
}, 15_000); // a stall, retries with backoff and the catch-up: 5 s was short under load
