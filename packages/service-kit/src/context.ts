import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What one unit of work (an HTTP request, an update, a job) carries across async calls and services. */
export type WorkContext = { requestId: string; updateId?: number };

const storage = new AsyncLocalStorage<WorkContext>();

export const currentContext = (): WorkContext | undefined => storage.getStore();
export const runWithContext = <T>(ctx: WorkContext, fn: () => T): T => storage.run(ctx, fn);
export const newRequestId = (): string => randomUUID();

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/** Takes an incoming `x-request-id` if it is well-formed, else makes a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : newRequestId();
}
