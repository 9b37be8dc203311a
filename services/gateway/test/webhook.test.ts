import { BotApiDouble, enUser, ruUser, TEST_TOKEN, textUpdate } from '@mb/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

let api: BotApiDouble;
let stack: Stack;

beforeAll(async () => {
  api = await new BotApiDouble().start();
  stack = await startStack({ apiRoot: api.url });
});
afterAll(async () => {
  await stack.close();
  await api.close();
});
afterEach(async () => {
  await stack.gateway.dispatcher.idle();
  api.calls.length = 0;
});

describe('POST /telegram/webhook', () => {
  it('answers /start with the welcome text from Settings through the Bot API', async () => {
    const res = await stack.post(textUpdate(ruUser, '/start'));
    expect(res.status).toBe(200);
    await api.waitFor(() => api.callsTo('sendMessage').length > 0, 5000, 'sendMessage');
    const call = api.callsTo('sendMessage')[0]!;
    expect(call.token).toBe(TEST_TOKEN);
    expect(call.payload['chat_id']).toBe(ruUser.id);
    expect(call.payload['text']).toContain('Здравствуйте! Это бот компании «Пример»');
    expect(JSON.stringify(call.payload['reply_markup'])).toContain('request_contact');
  });

  it('answers in English for an English-speaking user', async () => {
    await stack.post(textUpdate(enUser, '/start'));
    await api.waitFor(() => api.textsTo(enUser.id).length > 0);
    expect(api.textsTo(enUser.id)[0]).toContain('share your phone number');
  });

  it('refuses a wrong or missing secret with 401 and runs no handler', async () => {
    expect((await stack.post(textUpdate(ruUser, '/start'), 'wrong-secret')).status).toBe(401);
    const res = await fetch(`${stack.gatewayUrl}/telegram/webhook`, {
      method: 'POST',
      body: JSON.stringify(textUpdate(ruUser, '/start')),
    });
    expect(res.status).toBe(401);
    // Had either update been taken, its handling would be queued: once the queue is idle, nothing ran.
    await stack.gateway.dispatcher.idle();
    expect(api.calls).toHaveLength(0);
  });

  it('answers malformed JSON with 400 and stays up', async () => {
    expect((await stack.post('{"update_id": 1, "message": ')).status).toBe(400);
    expect((await stack.post('[]')).status).toBe(400);
    expect((await stack.post('{"message": {}}')).status).toBe(400);
    expect((await fetch(`${stack.gatewayUrl}/healthz`)).status).toBe(200);
    expect((await stack.post(textUpdate(ruUser, '/start'))).status).toBe(200);
  });

  it('has exactly one effect for a repeated update_id', async () => {
    const update = textUpdate(ruUser, '/start');
    const answers = await Promise.all([stack.post(update), stack.post(update), stack.post(update)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await api.waitFor(() => api.callsTo('sendMessage').length > 0);
    await stack.gateway.dispatcher.idle();
    expect(api.callsTo('sendMessage')).toHaveLength(1);
    const metrics = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_updates_duplicate_total\{[^}]*\} [1-9]/);
  });

  it('exposes readiness of sheets and assistant', async () => {
    const res = await fetch(`${stack.gatewayUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, checks: { sheets: { ok: true }, assistant: { ok: true } } });
  });
});
