import { type TelegramLimits, textUpdate } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF, seedRecipients, startLimitedStack, waitUntil } from './broadcast-fixtures.ts';
import { users } from './chat-order.ts';
import type { Stack } from './stack.ts';

let limits: TelegramLimits;
let stack: Stack;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ limits, stack, close } = await startLimitedStack({ handlerWorkers: 2 }));
  await stack.gateway.workers!.ready();
});
afterAll(() => close());

describe('the sending budget with handler workers', () => {
  it('counts the replies of both workers in the window a broadcast fills: no broadcast message is refused', async () => {
    const refused: number[] = [];
    limits.onRejected = (call, cause) => cause === 'global' && refused.push(Number(call.payload['chat_id']));
    const ids = seedRecipients(stack.sheets.wb, { from: 11_000_000, count: 240, segment: 'rate' });
    const b = await stack.gateway.clients.sheets.broadcasts.create.mutate({
      staffTelegramId: STAFF.id,
      text: 'Распродажа для всех',
      segment: 'rate',
    });
    // Replies all through the broadcast, about one for every three messages (~10/s), each from a chat of its own (so
    // spread over both workers), one at a time.
    const askers = users(7_300_000, 80);
    for (const [i, asker] of askers.entries()) {
      await waitUntil(() => limits.total >= 10 + i * 3, 30_000, `room for reply ${i}`);
      expect((await stack.post(textUpdate(asker, '/start'))).status).toBe(200);
      await waitUntil(() => limits.delivered.get(asker.id) === 1, 10_000, `reply ${i}`);
    }
    await waitUntil(
      () => stack.sheets.wb.get('Broadcasts', b.id)!.status === 'done',
      60_000,
      'the broadcast to finish',
    );
    for (const id of ids) expect(limits.delivered.get(id), `recipient ${id}`).toBe(1);
    // A broadcast message waits until the window has room counting every worker's replies, so none is refused. (Had
    // each worker a budget of its own, the sender would not see their replies and would be refused all along.)
    // Replies never wait (docs/scaling.md): one that finds the window full is refused and retried (auto-retry).
    expect(refused.filter((chat) => ids.includes(chat))).toEqual([]);
    expect(limits.maxInAnySecond()).toBeLessThanOrEqual(30);
  }, 120_000);
});
