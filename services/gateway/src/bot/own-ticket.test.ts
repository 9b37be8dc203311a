import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import type { BotContext } from './context.ts';
import { ownTicketOnPress } from './own-ticket.ts';

/** The part of a context ownTicketOnPress uses, with what it did written down. */
function pressContext(get: () => Promise<unknown>) {
  const done: string[] = [];
  const ctx = {
    from: { id: 42 },
    answerCallbackQuery: async () => void done.push('answered'),
    reply: async (text: string) => void done.push(`reply ${text}`),
    t: (key: string) => key,
    deps: { sheets: { tickets: { get: { query: get } } } },
  } as unknown as BotContext & { from: { id: number } };
  return { ctx, done };
}

const trpcError = (code: string) =>
  TRPCClientError.from({ error: { message: code, code: -32000, data: { code, httpStatus: 400 } } });

describe('a press on one of the user’s requests', () => {
  it('returns the request', async () => {
    const { ctx, done } = pressContext(async () => ({ ticketId: 'T-1' }));
    expect(await ownTicketOnPress(ctx, 'T-1')).toEqual({ ticketId: 'T-1' });
    expect(done).toEqual(['answered']);
  });

  it('says "not found" for a request that is not the user’s or is gone', async () => {
    for (const code of ['NOT_FOUND', 'FORBIDDEN']) {
      const { ctx, done } = pressContext(async () => Promise.reject(trpcError(code)));
      expect(await ownTicketOnPress(ctx, 'T-2')).toBeNull();
      expect(done).toEqual(['answered', 'reply request-not-found']);
    }
  });

  it('leaves an unreachable sheets to the update retrier instead of saying "not found"', async () => {
    const unreachable = new TRPCClientError('fetch failed');
    const { ctx, done } = pressContext(async () => Promise.reject(unreachable));
    await expect(ownTicketOnPress(ctx, 'T-3')).rejects.toBe(unreachable);
    expect(done).toEqual(['answered']);
  });
});
