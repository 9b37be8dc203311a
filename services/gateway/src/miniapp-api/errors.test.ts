import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { fromServiceError, MiniAppError } from './errors.ts';

const serviceError = (code: string, message = code) =>
  TRPCClientError.from({ error: { code: -32600, message, data: { code, httpStatus: 400 } } });
const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
};

describe('fromServiceError', () => {
  it('maps a known code of another service to its reason and tRPC code', () => {
    const error = caught(() => fromServiceError(serviceError('NOT_FOUND'), { NOT_FOUND: 'request_not_found' }));
    expect(error).toBeInstanceOf(MiniAppError);
    expect(error).toMatchObject({ reason: 'request_not_found', code: 'NOT_FOUND' });
  });

  it('turns a service that does not answer into service_unavailable', () => {
    expect(caught(() => fromServiceError(new TRPCClientError('fetch failed')))).toMatchObject({
      reason: 'service_unavailable',
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('re-throws what it does not know as it was (a bug answers 500 and is logged)', () => {
    const unknown = serviceError('CONFLICT');
    expect(caught(() => fromServiceError(unknown, { NOT_FOUND: 'request_not_found' }))).toBe(unknown);
    const own = new MiniAppError('staff_only');
    expect(caught(() => fromServiceError(own))).toBe(own);
  });
});
