import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, createTrpcHandler, readBody, sendJson } from '@mb/service-kit';
import type { TRPCError } from '@trpc/server';
import { MiniAppError } from './errors.ts';
import type { MiniAppLimits } from './limits.ts';
import { miniAppRouter } from './router.ts';
import type { MiniAppContext } from './trpc.ts';

/**
 * /api/trpc/*: the Mini App API behind its volume limits. A body over `maxBodyBytes` is refused with 413 before it is
 * read (declared length) or as soon as it grows past the limit (chunked), and the connection is closed; a batch of more
 * than `maxBatch` procedures is a 400; a call over the user's rate limit is a 429 with `Retry-After`.
 */
export function miniAppApiRoute(opts: {
  createContext: (opts: { req: IncomingMessage }) => MiniAppContext;
  limits: Pick<MiniAppLimits, 'maxBatch' | 'maxBodyBytes'>;
  onError: (opts: { error: TRPCError; path: string | undefined }) => void;
}) {
  const trpc = createTrpcHandler({
    router: miniAppRouter,
    basePath: '/api/trpc/',
    createContext: opts.createContext,
    maxBatchSize: opts.limits.maxBatch,
    // Belt and braces: the body reaches tRPC already read, but tRPC keeps the same limit.
    maxBodySize: opts.limits.maxBodyBytes,
    onError: opts.onError,
    responseMeta: ({ errors }) => {
      const waits = errors.flatMap((e) =>
        e.cause instanceof MiniAppError && e.cause.retryAfterMs ? [e.cause.retryAfterMs] : [],
      );
      return waits.length > 0 ? { headers: { 'retry-after': String(Math.ceil(Math.max(...waits) / 1000)) } } : {};
    },
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'POST') {
      try {
        // Handed to tRPC as a string (its adapter takes a pre-read `req.body`), so the limit is ours to keep.
        (req as IncomingMessage & { body?: string }).body = (await readBody(req, opts.limits.maxBodyBytes)).toString(
          'utf8',
        );
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        sendJson(
          res,
          413,
          {
            error: {
              message: error.message,
              code: -32600,
              data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, reason: null },
            },
          },
          { connection: 'close' },
        );
        return;
      }
    }
    await trpc(req, res);
  };
}
