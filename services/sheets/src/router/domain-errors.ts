import { TRPCError } from '@trpc/server';

/**
 * A router's boundary with its domain: `boundary(fn)` runs a domain call and turns the domain's typed error into a
 * TRPCError whose code is its reason's in `codes` (the domain error kept as the cause); any other error passes as it
 * is. The message is the error's, or with `message: 'reason'` the bare reason, for callers that branch on it.
 */
export function domainBoundary<E extends Error & { readonly reason: string }>(
  type: abstract new (...args: never[]) => E,
  codes: Record<E['reason'], TRPCError['code']>,
  opts: { message?: 'reason' } = {},
) {
  return <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof type)) throw error;
      const reason: E['reason'] = error.reason;
      throw new TRPCError({
        code: codes[reason],
        message: opts.message === 'reason' ? reason : error.message,
        cause: error,
      });
    }
  };
}
