import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentContext } from './context.ts';
import { createHttpServer, listen, sendJson } from './http-server.ts';
import { createLogger } from './logger.ts';
import { createRegistry } from './metrics.ts';

let server: http.Server;
let base: string;
const metrics = createRegistry('kit');

beforeAll(async () => {
  server = createHttpServer({
    service: 'kit',
    metrics,
    logger: createLogger('kit', 'silent'),
    routes: [
      {
        method: 'POST',
        path: '/hook',
        name: '/hook',
        handler: (_req, res) => sendJson(res, 200, { hook: true, requestId: currentContext()?.requestId }),
      },
      { path: '/files/', prefix: true, name: '/files', handler: (req, res) => sendJson(res, 200, { file: req.url }) },
      {
        method: 'GET',
        path: '/files/special',
        name: '/files/special',
        handler: (_req, res) => sendJson(res, 200, { special: true }),
      },
      {
        method: 'GET',
        path: '/throws',
        name: '/throws',
        handler: () => {
          throw new Error('boom');
        },
      },
      {
        method: 'GET',
        path: '/rejects',
        name: '/rejects',
        handler: async () => {
          throw new Error('late boom');
        },
      },
    ],
  });
  base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('createHttpServer routing', () => {
  it('routes an exact path and method, ignoring the query string, with the request id in context and header', async () => {
    const res = await fetch(`${base}/hook?x=1`, { method: 'POST', headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    expect(await res.json()).toEqual({ hook: true, requestId: 'req-42' });
  });

  it('answers 405 for a known path with another method, 404 for an unknown path', async () => {
    expect((await fetch(`${base}/hook`)).status).toBe(405);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it('tries routes in the order declared: a prefix declared first wins over a later exact path', async () => {
    expect(await (await fetch(`${base}/files/special`)).json()).toEqual({ file: '/files/special' });
    expect(await (await fetch(`${base}/files/a.txt`)).json()).toEqual({ file: '/files/a.txt' });
  });

  it('answers 500 when a handler throws or rejects, and stays up', async () => {
    expect((await fetch(`${base}/throws`)).status).toBe(500);
    expect((await fetch(`${base}/rejects`)).status).toBe(500);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('counts requests by route name and status, never by raw URL', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/kit_http_request_duration_seconds_count\{[^}]*route="\/files"[^}]*status="200"[^}]*\} [1-9]/);
    expect(text).toMatch(/route="method_not_allowed"/);
    expect(text).toMatch(/route="not_found"/);
    expect(text).not.toContain('a.txt');
  });
});
