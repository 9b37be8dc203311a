import { type BotApiDouble, type TelegramLimits, type TestUser, textUpdate } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF, seedRecipients, startLimitedStack, waitUntil } from './broadcast-fixtures.ts';
import type { Stack } from './stack.ts';

let api: BotApiDouble;
let limits: TelegramLimits;
let stack: Stack;
let close: () => Promise<void>;

/**
 * Paid broadcasts at 300 msg/s, the double enforcing the same: 2,000 messages take seconds, not the 67 s they take at
 * the free 30 msg/s. What is checked is the same at any rate; `npm run bench -- broadcast` measures 30 and 60 msg/s.
 */
const RATE = 300;
beforeAll(async () => {
  ({ api, limits, stack, close } = await startLimitedStack(
    { broadcast: { pollMs: 100, ratePerSecond: RATE, allowPaid: true, concurrency: 8 } },
    { perSecond: RATE },
  ));
});
afterAll(() => close());

const broadcastRow = (id: string) => stack.sheets.wb.get('Broadcasts', id)!;
const _recipientStates = (id: string) =>
  Object.fromEntries(
    (
      stack.sheets.wb.db
        .prepare('SELECT state, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY state')
        .all(id) as Array<{ state: string; n: number }>
    ).map((r) => [r.state, r.n]),
  );

describe('broadcasts within Telegram limits', () => {
  it('reaches 2,000 recipients exactly once within the configured rate, marks 403 users blocked_bot, and keeps answering users meanwhile', async () => {
    const ids = seedRecipients(stack.sheets.wb, { from: 10_000_000, count: 2000, segment: 'bulk' });
    const blocked = ids.filter((_, i) => i % 40 === 7);
    for (const id of blocked) limits.blocked.add(id);
    const b = await stack.gateway.clients.sheets.broadcasts.create.mutate({
      staffTelegramId: STAFF.id,
      text: 'Большая распродажа!',
      segment: 'bulk',
    });
    expect(b.status).toBe('sending');

    // Interactive replies while the broadcast runs: each is answered (they take their slot first).
    await waitUntil(() => limits.total > 200, 30_000, 'the broadcast to get going');
    const asker: TestUser = { id: 7_100_001, first_name: 'Ольга', language_code: 'ru' };
    await stack.post(textUpdate(asker, '/start'));
    await waitUntil(() => api.textsTo(asker.id).length > 0, 10_000, 'the reply to /start');
    expect(broadcastRow(b.id).status).toBe('sending');

    await waitUntil(() => broadcastRow(b.id).status === 'done', 60_000, 'the broadcast to finish');
    for (const id of ids) expect(limits.delivered.get(id) ?? 0, `recipient ${id}`).toBe(limits.blocked.has(id) ? 0 : 1);
    const row = broadcastRow(b.id);
    expect({ sent: row.sent, failed: row.failed, blocked: row.blocked }).toEqual({
      sent: String(2000 - blocked.length),
      failed: '0',
      blocked: String(blocked.length),
    });
    for (const id of blocked)
      expect(stack.sheets.wb.find('Users', { telegram_id: String(id) })[0]!.blocked_bot).toBe('yes');
    // The gate keeps the sender inside the double's window: 429s stay rare, never more than the rate in any second.
    expect(limits.maxInAnySecond()).toBeLessThanOrEqual(RATE);
    expect(limits.tooManyRequests).toBeLessThan(20);

    // A later broadcast to the same segment skips the users who blocked the bot.
    const again = await stack.gateway.clients.sheets.broadcasts.recipientCount.query({ segment: 'bulk' });
    expect(again.count).toBe(2000 - blocked.length);
  }, 90_000);
});
