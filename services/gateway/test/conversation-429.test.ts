import { BotApiDouble, callbackUpdate, ruUser, textUpdate, tooManyRequests } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

/**
 * Regression: a conversation builds its own Api from the bot's client options and lost the bot's transformers, so a
 * 429 inside the new-request dialogue was not waited out (the user got an apology instead of the next step).
 */
let api: BotApiDouble;
let stack: Stack;
beforeAll(async () => {
  api = await new BotApiDouble().start();
  stack = await startStack({ apiRoot: api.url });
  stack.sheets.wb.update('Users', 'U-4', { telegram_id: String(ruUser.id) });
});
afterAll(async () => {
  await stack.close();
  await api.close();
});

describe('a 429 inside the new-request dialogue', () => {
  it('is waited out (retry_after obeyed) and the dialogue goes on', async () => {
    let refused = 0;
    api.script((call) => {
      if (call.method === 'sendMessage' && String(call.payload['text']).startsWith('Опишите') && refused === 0) {
        refused++;
        return tooManyRequests(1);
      }
      return undefined;
    });
    await stack.post(textUpdate(ruUser, '/new'));
    await api.waitFor(
      () => api.textsTo(ruUser.id).some((t) => t.startsWith('Выберите тему')),
      5000,
      'the category question',
    );
    await stack.post(callbackUpdate(ruUser, 'rq:c:0'));
    await api.waitFor(
      () => api.textsTo(ruUser.id).filter((t) => t.startsWith('Опишите')).length === 2,
      8000,
      'the retried question',
    );
    expect(refused).toBe(1);
    expect(api.textsTo(ruUser.id).some((t) => t.includes('что-то пошло не так'))).toBe(false);
    await stack.post(textUpdate(ruUser, 'Не пришёл промокод'));
    await api.waitFor(
      () => api.textsTo(ruUser.id).some((t) => t.startsWith('Можно приложить')),
      5000,
      'the attachments step',
    );
  });
});
