import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callErrorCode, createServiceClient } from './client.ts';
import { runWithContext } from './context.ts';
import { createHttpServer, listen } from './http-server.ts';
import { createTrpcHandler, internalContextFactory, internalProcedure, router } from './index.ts';
import { createLogger } from './logger.ts';
import { createRegistry } from './metrics.ts';

const TOKEN = 'internal-test-token';
const peerRouter = router({
  echo: internalProcedure.input(z.object({ n: z.number() })).query(({ input, ctx }) => {
    if (input.n < 0) throw new TRPCError({ code: 'NOT_FOUND', message: `no ${input.n}` });
    return { n: input.n, requestId: ctx.requestId };
  }),
  single: internalProcedure.input(z.object({ n: z.number() })).query(({ input }) => ({ n: input.n })),
});
type PeerRouter = typeof peerRouter;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A peer service; counts the HTTP requests that reach its tRPC route. `client()` batches `echo`, as callers do. */
async function startPeer() {
  const metrics = createRegistry('peer');
  const logger = createLogger('peer', 'silent', new Writable({ write: (_c, _e, cb) => cb() }));
  const trpc = createTrpcHandler({
    router: peerRouter,
    basePath: '/trpc/',
    createContext: internalContextFactory({ token: TOKEN, log: logger, metrics }),
  });
  const requests: string[] = [];
  server = createHttpServer({
    service: 'peer',
    metrics,
    logger,
    routes: [
      {
        path: '/trpc/',
        prefix: true,
        name: '/trpc',
        handler: (req, res) => {
          requests.push(req.url ?? '');
          return trpc(req, res);
        },
      },
    ],
  });
  const port = await listen(server, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const client = (opts: { url?: string; token?: string; retries?: number } = {}) =>
    createServiceClient<PeerRouter>({ target: 'peer', url, token: TOKEN, batch: { paths: ['echo'] }, ...opts });
  return { requests, client };
}

describe('batched reads between services', () => {
  it('sends queries made together in few HTTP requests, each caller getting its own answer or its own error', async () => {
    const peer = await startPeer();
    const client = peer.client();
    const ns = Array.from({ length: 40 }, (_, i) => (i === 7 ? -7 : i));
    const results = await Promise.allSettled(ns.map((n) => client.echo.query({ n })));
    results.forEach((r, i) => {
      if (i === 7) expect(r.status === 'rejected' && callErrorCode(r.reason)).toBe('NOT_FOUND');
      else expect(r.status === 'fulfilled' && r.value.n).toBe(i);
    });
    expect(peer.requests.length).toBeLessThanOrEqual(3);
    expect(peer.requests.every((u) => u.includes('batch=1'))).toBe(true);
  });

  it('carries the request id when every call of a batch shares it, and none when they come from different work', async () => {
    const peer = await startPeer();
    const client = peer.client();
    const same = await runWithContext({ requestId: 'update-1' }, () =>
      Promise.all([1, 2, 3].map((n) => client.echo.query({ n }))),
    );
    expect(same.map((r) => r.requestId)).toEqual(['update-1', 'update-1', 'update-1']);
    const mixed = await Promise.all(
      ['update-a', 'update-b', 'update-c'].map((id, n) =>
        runWithContext({ requestId: id }, () => client.echo.query({ n })),
      ),
    );
    // The first goes alone (nothing in flight yet); the two that waited for company travel together, without an id.
    expect(mixed[0]!.requestId).toBe('update-a');
    expect(mixed[1]!.requestId).not.toMatch(/^update-/);
    expect(mixed[2]!.requestId).toBe(mixed[1]!.requestId);
  });

  it('leaves procedures outside the list, and mutations, one request each', async () => {
    const peer = await startPeer();
    const client = peer.client();
    await Promise.all([1, 2, 3].map((n) => client.single.query({ n })));
    expect(peer.requests).toHaveLength(3);
    expect(peer.requests.some((u) => u.includes('batch=1'))).toBe(false);
  });

  it('fails every waiting call as unavailable when the peer is down, and a wrong token as unauthorized', async () => {
    const peer = await startPeer();
    const wrong = peer.client({ token: 'wrong-token' });
    const denied = await Promise.allSettled([1, 2].map((n) => wrong.echo.query({ n })));
    expect(denied.map((r) => r.status === 'rejected' && callErrorCode(r.reason))).toEqual([
      'UNAUTHORIZED',
      'UNAUTHORIZED',
    ]);
    const down = peer.client({ url: 'http://127.0.0.1:1', retries: 0 });
    const failed = await Promise.allSettled([1, 2, 3].map((n) => down.echo.query({ n })));
    expect(failed.map((r) => r.status === 'rejected' && callErrorCode(r.reason))).toEqual([
      'UNAVAILABLE',
      'UNAVAILABLE',
      'UNAVAILABLE',
    ]);
  });
});
