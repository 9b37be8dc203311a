import { type BotApiDouble, type TelegramLimits, type TestUser, textUpdate } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.ts';
import { STAFF, seedRecipients, startLimitedStack, waitUntil } from './broadcast-fixtures.ts';
import { eventsHandled } from './events-handled.ts';
import type { Stack } from './stack.ts';

let api: BotApiDouble;
let limits: TelegramLimits;
let stack: Stack;
let close: () => Promise<void>;

beforeAll(async () => {
  // No per-chat gap in the double: these tests are about what is sent (a user's reply right after a broadcast message
  // is a short burst Telegram tolerates); broadcast.test.ts and the bench hold the pacing.
  ({ api, limits, stack, close } = await startLimitedStack({}, { perChatMs: 0 }));
});
afterAll(() => close());

const wb = () => stack.sheets.wb;
const row = (id: string) => wb().get('Broadcasts', id)!;
const statesOf = (id: string) =>
  Object.fromEntries(
    (
      wb()
        .db.prepare('SELECT state, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY state')
        .all(id) as Array<{ state: string; n: number }>
    ).map((r) => [r.state, r.n]),
  );
const deliveredTo = (ids: number[]) => ids.reduce((n, id) => n + (limits.delivered.get(id) ?? 0), 0);
/** One whole poll of the broadcast sender (due, announcements, every running broadcast), awaited to its end. */
const senderPoll = () => stack.gateway.broadcasting.sender.tick();
/** `user` sends `text` and is answered with a message containing `part` (`what` it is, should it not come). */
async function ask(user: TestUser, text: string, part: string, what: string) {
  await stack.post(textUpdate(user, text));
  await waitUntil(() => api.textsTo(user.id).some((t) => t.includes(part)), 10_000, what);
}

describe('broadcast sources and control', () => {
  it('cancels midway from the staff chat: nobody pending gets it, and the counts match what was delivered', async () => {
    const ids = seedRecipients(wb(), { from: 20_000_000, count: 200, segment: 'cancel' });
    const b = await stack.gateway.clients.sheets.broadcasts.create.mutate({
      staffTelegramId: STAFF.id,
      text: 'Отменяемая рассылка',
      segment: 'cancel',
    });
    await waitUntil(() => deliveredTo(ids) >= 30, 20_000, '30 messages out');
    await ask(STAFF, `/broadcast_cancel ${b.id}`, `Рассылка ${b.id} остановлена`, 'the cancel confirmation');
    await waitUntil(() => !statesOf(b.id)['sending'], 5000, 'messages in flight to be recorded');
    const delivered = deliveredTo(ids);
    await senderPoll();
    expect(deliveredTo(ids)).toBe(delivered);
    expect(delivered).toBeLessThan(200);
    for (const id of ids) expect(limits.delivered.get(id) ?? 0).toBeLessThanOrEqual(1);
    const states = statesOf(b.id);
    expect(states['sent']).toBe(delivered);
    expect(states['cancelled']).toBe(200 - delivered);
    expect(row(b.id).status).toBe('cancelled');
    expect(row(b.id).sent).toBe(String(delivered));
  }, 40_000);

  it('sends a broadcast a manager scheduled in the Sheet when its time comes, not before', async () => {
    const ids = seedRecipients(wb(), { from: 21_000_000, count: 5, segment: 'sched' });
    const at = new Date(Date.now() + 2000).toISOString();
    // What the Sheet pull does with a new row: store it as the manager's, emit broadcast.scheduled.
    wb().insert(
      'Broadcasts',
      { id: 'B-900', text: 'Запланированная рассылка', segment: 'sched', scheduled_at: at, status: 'scheduled' },
      { outbox: false },
    );
    wb().emit('broadcast.scheduled', { broadcastId: 'B-900', scheduledAt: at });
    await eventsHandled(stack);
    await senderPoll();
    expect(deliveredTo(ids)).toBe(0);
    expect(row('B-900').status).toBe('scheduled');
    await waitUntil(() => row('B-900').status === 'done', 15_000, 'the scheduled broadcast to finish');
    for (const id of ids) expect(api.textsTo(id)).toEqual(['Запланированная рассылка']);
    expect(row('B-900').sent).toBe('5');
  }, 30_000);

  it('announces a promotion with notify=yes once, with a deep link whose taps count per broadcast', async () => {
    const ids = seedRecipients(wb(), { from: 22_000_000, count: 4, segment: 'vip' });
    wb().insert(
      'Promotions',
      {
        id: 'vip-day',
        title: 'День VIP',
        description: 'Скидка 30% для VIP',
        starts_at: '2020-01-01',
        ends_at: '2099-12-31',
        segment: 'vip',
        status: 'active',
        cta: 'participate',
        notify: 'yes',
      },
      { outbox: false },
    );
    wb().emit('promotion.activated', { promotionId: 'vip-day' });
    wb().emit('promotion.activated', { promotionId: 'vip-day' });
    const announcements = () => wb().find('Broadcasts', { created_by: 'promotion:vip-day' });
    await waitUntil(() => ids.every((id) => (limits.delivered.get(id) ?? 0) >= 1), 15_000, 'the announcement');
    // Both events handled, the announcement finished, then one more whole poll: a second announcement would be out.
    await eventsHandled(stack);
    await waitUntil(() => announcements().every((r) => r.status === 'done'), 10_000, 'the announcement to finish');
    await senderPoll();
    expect(announcements()).toHaveLength(1);
    expect(wb().get('Promotions', 'vip-day')!.announced_at).not.toBe('');
    const bId = announcements()[0]!.id;
    const sent = api.callsTo('sendMessage').filter((c) => ids.includes(Number(c.payload['chat_id'])));
    expect(sent).toHaveLength(4);
    const link = `https://t.me/test_bot?start=promo_vip-day__b${bId.slice(2)}`;
    expect(sent[0]!.payload['text']).toBe('День VIP\n\nСкидка 30% для VIP');
    expect(JSON.stringify(sent[0]!.payload['reply_markup'])).toContain(link);

    const tapper: TestUser = { id: ids[0]!, first_name: 'User', language_code: 'ru' };
    await stack.post(textUpdate(tapper, `/start promo_vip-day__b${bId.slice(2)}`));
    await stack.post(textUpdate(tapper, `/start promo_vip-day__b${bId.slice(2)}`));
    await waitUntil(
      () =>
        api.calls.some(
          (c) =>
            Number(c.payload['chat_id']) === tapper.id &&
            JSON.stringify(c.payload).includes('Скидка 30% для VIP') &&
            !('reply_markup' in c.payload && JSON.stringify(c.payload['reply_markup']).includes('t.me')),
        ),
      15_000,
      'the promotion card',
    );
    await stack.gateway.dispatcher.idle();
    const metrics = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`gateway_broadcast_conversions_total\\{broadcast="${bId}"[^}]*\\} 1\\n`));
    const got = await stack.gateway.clients.sheets.broadcasts.get.query({ id: bId });
    expect(got?.conversions).toBe(1);
  }, 40_000);

  it('skips users who sent /stop, who still get replies, and includes them again after /start_news', async () => {
    const ids = seedRecipients(wb(), { from: 23_000_000, count: 3, segment: 'news' });
    const quitter: TestUser = { id: ids[0]!, first_name: 'User', language_code: 'ru' };
    await ask(quitter, '/stop', 'отписались', 'the opt-out confirmation');
    expect((await stack.gateway.clients.sheets.broadcasts.recipientCount.query({ segment: 'news' })).count).toBe(2);
    const b = await stack.gateway.clients.sheets.broadcasts.create.mutate({
      staffTelegramId: STAFF.id,
      text: 'Новости',
      segment: 'news',
    });
    await waitUntil(() => row(b.id).status === 'done', 15_000, 'the broadcast');
    expect(api.textsTo(quitter.id)).not.toContain('Новости');
    expect(api.textsTo(ids[1]!)).toContain('Новости');
    await ask(quitter, '/start_news', 'снова включены', 'the opt-in confirmation');
    expect((await stack.gateway.clients.sheets.broadcasts.recipientCount.query({ segment: 'news' })).count).toBe(3);
  }, 40_000);

  it('refuses broadcast commands to non-staff and bad input to staff', async () => {
    const client: TestUser = {
      id: seedRecipients(wb(), { from: 24_000_000, count: 1, segment: 'x' })[0]!,
      first_name: 'C',
      language_code: 'ru',
    };
    await ask(client, '/broadcast', 'только менеджерам', 'the refusal');
    await ask(STAFF, '/broadcast_status nonsense', 'Укажите номер рассылки', 'the usage hint');
    await ask(STAFF, '/broadcast_status B-424242', 'B-424242 не найдена', 'not found');
    await expect(
      stack.gateway.clients.sheets.broadcasts.create.mutate({ staffTelegramId: client.id, text: 'x', segment: 'all' }),
    ).rejects.toThrow(/only managers/);
    await expect(
      stack.gateway.clients.sheets.broadcasts.create.mutate({ staffTelegramId: STAFF.id, text: '', segment: 'all' }),
    ).rejects.toThrow();
  }, 30_000);

  it('refuses a broadcast rate above 30 msg/s unless paid broadcasts are allowed, naming the variable', () => {
    expect(() => readEnv({ BROADCAST_RATE_PER_SECOND: '60' })).toThrow(
      /BROADCAST_RATE_PER_SECOND.*BROADCAST_ALLOW_PAID=yes/s,
    );
    expect(() => readEnv({ BROADCAST_RATE_PER_SECOND: 'fast' })).toThrow(/BROADCAST_RATE_PER_SECOND/);
    expect(readEnv({ BROADCAST_RATE_PER_SECOND: '60', BROADCAST_ALLOW_PAID: 'yes' })).toMatchObject({
      BROADCAST_RATE_PER_SECOND: 60,
      BROADCAST_ALLOW_PAID: true,
    });
    expect(readEnv({})).toMatchObject({
      BROADCAST_RATE_PER_SECOND: 30,
      BROADCAST_ALLOW_PAID: false,
      BROADCAST_SENDER: 'on',
    });
  });
});
