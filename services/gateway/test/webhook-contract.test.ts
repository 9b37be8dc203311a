import { BotApiDouble, TEST_SECRET } from '@mb/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UPDATE_KINDS } from './fixtures/update-kinds.ts';
import { type Stack, startStack } from './stack.ts';

// Issue 20 point 4: 200 for every update Telegram may send, whatever its kind (twice: the repeat has no effect),
// 4xx for what is not an update, never 5xx.
let api: BotApiDouble;
let stack: Stack;

beforeAll(async () => {
  api = await new BotApiDouble().start();
  stack = await startStack({ apiRoot: api.url, gateway: { events: { enabled: false } } });
});
afterAll(async () => {
  await stack.close();
  await api.close();
});

it('acknowledges every kind of update with 200, and a repeat too', async () => {
  let id = 8_800_000;
  for (const [kind, body] of Object.entries(UPDATE_KINDS)) {
    const update = JSON.stringify({ update_id: id++, ...body });
    for (const round of [1, 2]) expect((await stack.post(update)).status, `${kind} #${round}`).toBe(200);
  }
  await stack.gateway.dispatcher.idle();
  const metrics = await stack.gateway.metrics.registry.metrics();
  expect(metrics).not.toMatch(/gateway_update_errors_total\{[^}]*\} [1-9]/);
});

it('answers 4xx, never 5xx, to what is not an update', async () => {
  const cases: Array<[string, string, string?]> = [
    ['not json', '{"update_id": 1,'],
    ['an array', '[{"update_id": 1}]'],
    ['no update_id', '{"message": {}}'],
    ['a string update_id', '{"update_id": "1"}'],
    ['a fractional update_id', '{"update_id": 1.5}'],
    ['null', 'null'],
    ['empty', ''],
    ['wrong secret', '{"update_id": 8899999}', 'wrong-secret'],
  ];
  for (const [what, body, secret] of cases) {
    const res = await stack.post(body, secret ?? TEST_SECRET);
    expect(res.status, what).toBeGreaterThanOrEqual(400);
    expect(res.status, what).toBeLessThan(500);
  }
});
