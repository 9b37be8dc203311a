import { TRPCClientError } from '@trpc/client';
import type { Update } from 'grammy/types';
import { expect, it } from 'vitest';
import { ChatDispatcher } from '../src/webhook/dispatcher.ts';
import { RetryStoppedError, UpdateRetrier } from '../src/webhook/retry.ts';

// Issue 20 point 1, the semantics every handling process keeps (docs/bot.md, "When a service stalls").
const msg = (updateId: number, chat: number, text: string) =>
  ({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1,
      chat: { id: chat, type: 'private', first_name: 'X' },
      from: { id: chat, is_bot: false, first_name: 'X', language_code: 'en' },
      text,
    },
  }) as Update;
const down = () => new TRPCClientError('fetch failed');

function harness(policy: Partial<ConstructorParameters<typeof UpdateRetrier>[0]['policy']>) {
  const handled: string[] = [];
  const notices: string[] = [];
  const givenUp: number[] = [];
  let sheetsUp = true;
  const retrier = new UpdateRetrier({
    handle: async (u) => {
      const text = (u.message as { text: string }).text;
      if (text.startsWith('bug')) throw new TypeError('a bug');
      if (text.startsWith('needs-sheets') && !sheetsUp) throw down();
      handled.push(text);
    },
    policy: { firstMs: 10, maxPauseMs: 40, noticeAfterMs: 30, giveUpAfterMs: 60_000, ...policy },
    notify: async (u, what) => {
      notices.push(`${u.update_id}:${what}`);
    },
    onRetry: () => undefined,
    onGiveUp: (u) => givenUp.push(u.update_id),
  });
  const dispatcher = new ChatDispatcher(retrier.handle);
  return {
    retrier,
    dispatcher,
    handled,
    notices,
    givenUp,
    setSheets: (up: boolean) => {
      sheetsUp = up;
    },
  };
}

it('keeps a failed update at its chat head, retries it in order, lets other chats go on, and says "one moment" once', async () => {
  const h = harness({});
  h.setSheets(false);
  h.dispatcher.push(msg(1, 100, 'needs-sheets A1'));
  h.dispatcher.push(msg(2, 100, 'plain A2'));
  h.dispatcher.push(msg(3, 200, 'plain B1'));
  // Chat B is not held up by chat A's stalled dependency; A2 waits behind A1.
  await expect.poll(() => h.handled).toEqual(['plain B1']);
  await expect.poll(() => h.notices).toEqual(['1:waiting']);
  h.setSheets(true);
  await h.dispatcher.idle();
  expect(h.handled).toEqual(['plain B1', 'needs-sheets A1', 'plain A2']);
  expect(h.notices).toEqual(['1:waiting']);
  expect(h.givenUp).toEqual([]);
});

it('gives up after the bound: counted once, the user told, the chat goes on', async () => {
  const h = harness({ giveUpAfterMs: 80 });
  h.setSheets(false);
  h.dispatcher.push(msg(1, 100, 'needs-sheets A1'));
  h.dispatcher.push(msg(2, 100, 'plain A2'));
  await h.dispatcher.idle();
  expect(h.givenUp).toEqual([1]);
  expect(h.notices).toEqual(['1:waiting', '1:failed']);
  expect(h.handled).toEqual(['plain A2']);
});

it('does not retry a handler bug, and a stop ends the waits leaving the update unhandled', async () => {
  const h = harness({});
  await expect(h.retrier.handle(msg(1, 100, 'bug'))).rejects.toThrow(TypeError);
  h.setSheets(false);
  const waiting = h.retrier.handle(msg(2, 100, 'needs-sheets'));
  await expect.poll(() => h.retrier.waiting).toBe(1);
  h.retrier.stop();
  await expect(waiting).rejects.toBeInstanceOf(RetryStoppedError);
  expect(h.handled).toEqual([]);
});

it('finishes an update whose attempt was running when the stop came: handled, not left for the next start', async () => {
  const { promise: running, resolve: release } = Promise.withResolvers<void>();
  const { promise: inHandler, resolve: started } = Promise.withResolvers<void>();
  const handled: number[] = [];
  const retrier = new UpdateRetrier({
    handle: async (u) => {
      started();
      await running;
      handled.push(u.update_id);
    },
    notify: async () => undefined,
    onRetry: () => undefined,
    onGiveUp: () => undefined,
  });
  const done = retrier.handle(msg(7, 100, 'plain'));
  await inHandler;
  retrier.stop();
  release();
  await expect(done).resolves.toBeUndefined();
  expect(handled).toEqual([7]);
  await expect(retrier.handle(msg(8, 100, 'plain'))).rejects.toBeInstanceOf(RetryStoppedError);
});
