import type { Operation, TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { currentContext } from './context.ts';

export type BatchWindowOptions = {
  /** Procedures (`users.byTelegramId`) whose queries may share one HTTP request with others of the same window. */
  paths: readonly string[];
  /** How long a query waits for company while another batched query is already on its way (default 2 ms). */
  windowMs?: number;
  /** Most queries in one HTTP request (default 50). */
  maxItems?: number;
};

// Keyed by the call's context object: httpBatchLink hands its headers copies of the operations, not the originals.
const requestIds = new WeakMap<object, string>();
/** The request id of the unit of work that made the call, kept when the call leaves its async context in a batch. */
export const requestIdOf = (op: Operation): string | undefined => requestIds.get(op.context);

/**
 * Holds queries for a short window so that tRPC's httpBatchLink below sends them as one HTTP request. On this
 * machine every HTTP message between services costs far more CPU (loopback TCP, parsing, tRPC's request handling on
 * both sides) than the SQLite read it carries, and at a thousand updates a second many handlers ask sheets the same
 * kind of question within a few milliseconds. A query goes at once when no batched query is in flight, so a quiet
 * service adds no delay; under load it waits at most `windowMs`.
 */
export function batchWindowLink(windowMs: number): TRPCLink<AnyRouter> {
  let inFlight = 0;
  let held: Array<() => void> = [];
  let _timer: NodeJS.Timeout | null = null;
  const release = () => {
    _timer = null;
    const now = held;
    held = [];
    for (const go of now) go();
  };
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const requestId = currentContext()?.requestId;
        if (requestId) requestIds.set(op.context, requestId);
        let subscription: Unsubscribable | null = null;
        let cancelled = false;
        let counted = false;
        const settle = () => {
          if (counted) {
            counted = false;
            inFlight--;
          }
        };
        const go = () => {
          if (cancelled) return;
          inFlight++;
          counted = true;
          subscription = next(op).subscribe({
            next: (value) => observer.next(value),
            error: (error) => {
              settle();
              observer.error(error);
            },
            complete: () => {
              settle();
              observer.complete();
            },
          });
        };
        if (inFlight === 0 && held.length === 0) go();
        else {
          held.push(go);
          _timer ??= setTimeout(release, windowMs);
        }
        return () => {
          cancelled = true;
          settle();
          subscription?.unsubscribe();
        };
      });
}

/**
 * Headers of a batched request: the token, and `x-request-id` only when every call in it came from the same unit of
 * work (calls of different updates share no id; the peer then makes its own).
 */
export function batchHeaders(token: string, opList: readonly Operation[]): Record<string, string> {
  const h: Record<string, string> = { 'x-internal-token': token };
  const first = opList[0] ? requestIdOf(opList[0]) : undefined;
  if (first && opList.every((op) => requestIdOf(op) === first)) h['x-request-id'] = first;
  return h;
}
