import type http from 'node:http';
import net from 'node:net';
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

describe('slow and many clients (issue 18)', () => {
  let guarded: http.Server;
  let port: number;
  beforeAll(async () => {
    guarded = createHttpServer({
      service: 'kit',
      metrics: createRegistry('kit'),
      logger: createLogger('kit', 'silent'),
      routes: [
        {
          method: 'POST',
          path: '/slow',
          name: '/slow',
          handler: (req, res) => req.on('end', () => res.end()).resume(),
        },
      ],
      limits: { headersTimeoutMs: 200, requestTimeoutMs: 400, maxConnections: 2 },
    });
    port = await listen(guarded, 0, '127.0.0.1');
  });
  afterAll(() => {
    guarded.closeAllConnections();
    guarded.close();
  });

  /** Opens a socket, writes `text`, and resolves with all it received once the server closes it. */
  const untilClosed = (text: string) =>
    new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
      let received = '';
      socket.on('data', (d) => (received += d.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', () => undefined);
    });

  it('closes a client that never finishes its headers, with 408', async () => {
    expect(await untilClosed('POST /slow HTTP/1.1\r\nHost: x\r\n')).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a client whose body never finishes, with 408', async () => {
    const head = 'POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n';
    expect(await untilClosed(`${head}only a little`)).toMatch(/^HTTP\/1\.1 408/);
  });

  it('holds at most maxConnections; one more is closed at once', async () => {
    const capped = createHttpServer({
      service: 'kit',
      metrics: createRegistry('kit'),
      logger: createLogger('kit', 'silent'),
      routes: [],
      limits: { maxConnections: 2 },
    });
    const cappedPort = await listen(capped, 0, '127.0.0.1');
    let accepted = 0;
    const bothHeld = new Promise<void>((resolve) => capped.on('connection', () => ++accepted === 2 && resolve()));
    const held = [1, 2].map(() => net.connect(cappedPort, '127.0.0.1'));
    await bothHeld;
    const dropped = new Promise<void>((resolve) => capped.once('drop', () => resolve()));
    const third = new Promise<string>((resolve) => {
      const socket = net.connect(cappedPort, '127.0.0.1', () =>
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      let received = '';
      socket.on('data', (d) => (received += d.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', () => undefined);
    });
    await dropped;
    expect(await third).toBe('');
    for (const s of held) s.destroy();
    capped.closeAllConnections();
    capped.close();
  });
});
