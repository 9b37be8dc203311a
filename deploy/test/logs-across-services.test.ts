import type { ServerResponse } from 'node:http';
import { type Stack, startStack } from '@mb/gateway/stack';
import { BotApiDouble, captureLogs, contactUpdate, ruUser, TEST_CREDENTIALS, textUpdate } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The gateway logs to a buffer at debug level; the sheets server is watched for the request id it adopts.
const { lines, logger } = captureLogs('gateway', 'debug');
const sheetsSeen: Array<{ sent: string | undefined; adopted: unknown }> = [];
let api: BotApiDouble;
let stack: Stack;

beforeAll(async () => {
  api = await new BotApiDouble().start();
  stack = await startStack({ apiRoot: api.url, gateway: { logger } });
  stack.sheets.server.on('request', (req, res: ServerResponse) => {
    res.once('finish', () =>
      sheetsSeen.push({
        sent: req.headers['x-request-id'] as string | undefined,
        adopted: res.getHeader('x-request-id'),
      }),
    );
  });
});
afterAll(async () => {
  await stack?.close();
  await api?.close();
});

const refuseMessages = (call: { method: string }) =>
  call.method === 'sendMessage'
    ? { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } }
    : undefined;
const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('logs across services', () => {
  it('carry one request id from the gateway update to sheets, and the update id on every bot log line', async () => {
    // Telegram refuses every message (400, not retried): the handler fails and logs, and so does the apology.
    api.script(refuseMessages);
    const update = textUpdate(ruUser, '/start');
    expect((await stack.post(update)).status).toBe(200);
    await stack.gateway.dispatcher.idle();

    const id = `update-${update.update_id}`;
    const mine = parsed().filter((l) => l['updateId'] === update.update_id);
    expect(mine.map((l) => l['msg'])).toContain('update handler failed');
    for (const line of mine)
      expect(line).toMatchObject({ service: 'gateway', requestId: id, updateId: update.update_id });
    // Every line logged while the bot handled the update carries its ids (nothing escapes the context).
    const handling = parsed().filter(
      (l) => typeof l['msg'] === 'string' && /handler|apology|update/.test(l['msg'] as string),
    );
    for (const line of handling) expect(line['updateId'], JSON.stringify(line)).toBe(update.update_id);

    const calls = sheetsSeen.filter((s) => s.sent === id);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c.adopted).toBe(id);
  });

  it('never write the bot token, secrets, phone numbers or message text, even when a reply carrying them fails', async () => {
    const phrase = 'моя секретная фраза 4815162342';
    const phone = '+79035550199';
    await stack.post(textUpdate(ruUser, phrase));
    await stack.post(contactUpdate(ruUser, phone.slice(1)));
    await stack.post(textUpdate(ruUser, `/start ${phrase.replaceAll(' ', '_')}`));
    await stack.gateway.dispatcher.idle();
    expect(lines.length).toBeGreaterThan(2);
    const all = lines.join('');
    // What the bot tried to send rides on the failed call's error: its text must not reach the logs either.
    const sent = api.callsTo('sendMessage').map((c) => String(c.payload['text']));
    expect(sent.length).toBeGreaterThan(0);
    for (const text of sent) expect(all, 'logs contain a message text the bot sent').not.toContain(text.slice(0, 30));
    for (const secret of [
      ...TEST_CREDENTIALS,
      phrase,
      phrase.replaceAll(' ', '_'),
      phone,
      phone.slice(1),
      '9035550199',
    ]) {
      expect(all, `logs contain ${secret}`).not.toContain(secret);
    }
  });
});
