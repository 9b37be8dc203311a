import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import type { TicketDesk } from '../../tickets/desk.ts';
import type { EventDeps } from '../types.ts';
import { ticketHandlers } from './tickets.ts';

/** A desk that fails the test if the handler gets as far as telling anyone anything. */
const silentDesk = new Proxy({} as TicketDesk, {
  get: (_t, name) => {
    throw new Error(`the handler used the desk (${String(name)}) without a ticket`);
  },
});
const depsWithGet = (get: () => Promise<unknown>) =>
  ({ sheets: { tickets: { get: { query: get } } } }) as unknown as EventDeps;
const changed = { ticketId: 'T-7', telegramId: 42, by: 'sheet' as const };

describe('a request changed in the Sheet, when the gateway reads it back', () => {
  it('fails, so the event is retried, while sheets cannot answer: the user’s notice is not dropped', async () => {
    const unreachable = new TRPCClientError('fetch failed');
    await expect(
      ticketHandlers(silentDesk)['ticket.changed']!(
        changed,
        depsWithGet(async () => Promise.reject(unreachable)),
      ),
    ).rejects.toBe(unreachable);
  });

  it('does nothing when sheets says the request is gone', async () => {
    const gone = TRPCClientError.from({
      error: { message: 'no such request', code: -32004, data: { code: 'NOT_FOUND', httpStatus: 404 } },
    });
    await expect(
      ticketHandlers(silentDesk)['ticket.changed']!(
        changed,
        depsWithGet(async () => Promise.reject(gone)),
      ),
    ).resolves.toBeUndefined();
  });
});
