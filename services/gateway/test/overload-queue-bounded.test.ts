import { openSqlite } from '@mb/service-kit';
import { BotApiDouble, textUpdate } from '@mb/testing';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatDispatcher, chatKeyOf } from '../src/webhook/dispatcher.ts';
import { SqliteInbox } from '../src/webhook/inbox.ts';
import { type Stack, startStack } from './stack.ts';

/** Regression: under overload the in-memory queue of acknowledged updates grew without bound. */
describe('the dispatcher under overload', () => {
  it('holds at most maxQueued updates in memory, and handles every accepted update once, each chat in order', async () => {
    const inbox = new SqliteInbox(openSqlite(':memory:'));
    const handled: Update[] = [];
    let peak = 0;
    const dispatcher: ChatDispatcher = new ChatDispatcher(
      async (update) => {
        peak = Math.max(peak, dispatcher.inMemory);
        await new Promise((r) => setImmediate(r));
        handled.push(update);
        inbox.done(update.update_id);
      },
      { maxConcurrent: 8, maxQueued: 100, load: (ids) => inbox.bodies(ids) },
    );
    const updates = Array.from({ length: 3000 }, (_, i) => ({
      update_id: 1_000 + i,
      message: {
        message_id: i,
        date: 0,
        chat: { id: 7_000 + (i % 50), type: 'private' },
        from: { id: 7_000 + (i % 50), is_bot: false, first_name: 'U' },
        text: `m${i}`,
      },
    })) as unknown as Update[];
    // A burst: every update acknowledged (durable) before any handler had a chance to run.
    expect(await Promise.all(updates.map((u) => inbox.accept(u)))).toEqual(updates.map(() => true));
    for (const u of updates) {
      dispatcher.push(u);
      peak = Math.max(peak, dispatcher.inMemory);
    }
    expect(dispatcher.queued).toBeGreaterThan(100);
    await dispatcher.idle();
    expect(peak).toBeLessThanOrEqual(100);
    expect(handled.map((u) => u.update_id).sort((a, b) => a - b)).toEqual(updates.map((u) => u.update_id));
    const lastPerChat = new Map<string, number>();
    for (const u of handled) {
      const key = chatKeyOf(u);
      expect(u.update_id).toBeGreaterThan(lastPerChat.get(key) ?? 0);
      lastPerChat.set(key, u.update_id);
    }
    expect(inbox.pending()).toEqual([]);
    inbox.close();
  });
});

describe('the webhook with a small memory queue', () => {
  let api: BotApiDouble;
  let stack: Stack;
  beforeAll(async () => {
    api = await new BotApiDouble().start();
    stack = await startStack({ apiRoot: api.url, gateway: { maxQueuedUpdates: 10 } });
  });
  afterAll(async () => {
    await stack.close();
    await api.close();
  });

  it('answers every one of 200 users exactly once', async () => {
    const users = Array.from({ length: 200 }, (_, i) => ({
      id: 6_100_000 + i,
      first_name: `U${i}`,
      language_code: 'ru',
    }));
    const answers = await Promise.all(users.map((u) => stack.post(textUpdate(u, '/start'))));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    await stack.gateway.dispatcher.idle();
    for (const u of users) expect(api.textsTo(u.id), String(u.id)).toHaveLength(1);
  });
});
