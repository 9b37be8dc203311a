import { callbackUpdate, textUpdate } from '@mb/testing';
import { describe, expect, it } from 'vitest';
import { person } from './signin-helpers.ts';
import { useStack } from './use-stack.ts';

/**
 * Issue 20 point 3: after downtime Telegram redelivers what it kept, all at once. Those updates were written before
 * the burst began (their `date` is old): a backlog, handled in full. A flood of fresh updates beyond the limit is
 * dropped, counted, and the user is told once.
 */
const FLOOD = { limit: 5, timeFrameMs: 60_000 };

const env = useStack({ flood: FLOOD, events: { idleMs: 20 } });

const textsTo = (chatId: number) => env.api.textsTo(chatId);
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${env.stack.gatewayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
/** Posts all updates at once, as Telegram does with several connections, and waits until every one is handled. */
async function postAtOnce(updates: unknown[]) {
  const answers = await Promise.all(updates.map((u) => env.stack.post(u)));
  expect(answers.every((r) => r.status === 200)).toBe(true);
  await env.stack.gateway.dispatcher.idle();
}

describe('flood control and a redelivered backlog', () => {
  it('handles all of a backlog of 20 updates of one user dated before the burst, and drops none', async () => {
    const user = person(6_400_001, 'Вернувшийся');
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const droppedBefore = await metric('gateway_flood_dropped_total');
    await postAtOnce(
      Array.from({ length: 20 }, (_, i) => textUpdate(user, '/start', { date: tenMinutesAgo + i * 10 })),
    );
    const replies = textsTo(user.id);
    expect(replies).toHaveLength(20);
    expect(replies.every((t) => t.includes('поделитесь номером'))).toBe(true);
    expect(await metric('gateway_flood_dropped_total')).toBe(droppedBefore);
    expect(await metric('gateway_flood_backlog_total')).toBe(20);
    // The backlog did not use up the window: fresh messages right after it are answered.
    await postAtOnce([textUpdate(user, '/start')]);
    expect(textsTo(user.id)).toHaveLength(21);
  });

  it('drops a fresh flood beyond the limit, counts each drop, answers dropped presses, and tells the user once', async () => {
    const user = person(6_400_002, 'Торопливый');
    const droppedBefore = await metric('gateway_flood_dropped_total');
    await postAtOnce(Array.from({ length: 20 }, () => textUpdate(user, '/start')));
    const presses = [callbackUpdate(user, 'pr:p:1'), callbackUpdate(user, 'pr:p:2')];
    await postAtOnce(presses);
    const replies = textsTo(user.id);
    const notices = replies.filter((t) => t.includes('слишком часто'));
    expect(notices).toHaveLength(1);
    expect(replies.filter((t) => t.includes('поделитесь номером'))).toHaveLength(FLOOD.limit);
    expect(await metric('gateway_flood_dropped_total')).toBe(droppedBefore + 20 - FLOOD.limit + presses.length);
    const answered = env.api.callsTo('answerCallbackQuery').map((c) => c.payload['callback_query_id']);
    for (const p of presses) expect(answered).toContain(p.callback_query.id);
  });
});
