import { callErrorCode } from '@mb/service-kit';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * Why a Mini App call failed, as a stable key: the webapp turns it into words in the user's language
 * (webapp/src/i18n.ts), so the server never sends user-facing text.
 */
export type MiniAppReason =
  | 'initdata_missing'
  | 'initdata_invalid'
  | 'initdata_expired'
  | 'not_signed_in'
  | 'staff_only'
  | 'promotion_not_found'
  | 'promotion_not_live'
  | 'promotion_link_only'
  | 'request_not_found'
  | 'request_closed'
  | 'assistant_quota'
  | 'rate_limited'
  | 'bad_input'
  | 'service_unavailable';

const CODES: Record<MiniAppReason, TRPC_ERROR_CODE_KEY> = {
  initdata_missing: 'UNAUTHORIZED',
  initdata_invalid: 'UNAUTHORIZED',
  initdata_expired: 'UNAUTHORIZED',
  not_signed_in: 'FORBIDDEN',
  staff_only: 'FORBIDDEN',
  promotion_not_found: 'NOT_FOUND',
  promotion_not_live: 'PRECONDITION_FAILED',
  promotion_link_only: 'PRECONDITION_FAILED',
  request_not_found: 'NOT_FOUND',
  request_closed: 'PRECONDITION_FAILED',
  assistant_quota: 'TOO_MANY_REQUESTS',
  rate_limited: 'TOO_MANY_REQUESTS',
  bad_input: 'BAD_REQUEST',
  service_unavailable: 'SERVICE_UNAVAILABLE',
};

export class MiniAppError extends Error {
  override readonly name = 'MiniAppError';
  readonly reason: MiniAppReason;
  readonly code: TRPC_ERROR_CODE_KEY;
  /** For `rate_limited`: when the next call will be accepted (sent as `Retry-After`). */
  readonly retryAfterMs: number | undefined;
  constructor(reason: MiniAppReason, message: string = reason, retryAfterMs?: number) {
    super(message);
    this.reason = reason;
    this.code = CODES[reason];
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Maps an error from another service's call on purpose: the codes listed in `known` become that reason, a service that
 * does not answer becomes `service_unavailable`, anything else is re-thrown (a bug: the API answers 500 and logs it).
 */
export function fromServiceError(error: unknown, known: Partial<Record<string, MiniAppReason>> = {}): never {
  if (error instanceof MiniAppError) throw error;
  const code = callErrorCode(error);
  const reason = known[code];
  if (reason) throw new MiniAppError(reason);
  if (code === 'UNAVAILABLE' || code === 'TIMEOUT' || code === 'SERVICE_UNAVAILABLE')
    throw new MiniAppError('service_unavailable');
  throw error;
}
