import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallTimeoutError, createKeepAliveFetch } from './keep-alive-fetch.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('keep-alive fetch', () => {
  it('sends method, headers and body, and reads the JSON answer over one reused connection', async () => {
    const ports = new Set<number>();
    const url = await serve((req, res) => {
      ports.add(req.socket.remotePort!);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, token: req.headers['x-internal-token'], body, text: 'привет' }));
      });
    });
    const fetch = createKeepAliveFetch({ timeoutMs: 2000 });
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${url}/trpc/x`, {
        method: 'POST',
        headers: { 'x-internal-token': 't' },
        body: '{"a":"ё"}',
      });
      expect(res.ok).toBe(true);
      expect(await res.json()).toEqual({ method: 'POST', token: 't', body: '{"a":"ё"}', text: 'привет' });
    }
    expect(ports.size).toBe(1);
  });

  it('passes a non-2xx answer through with ok false (tRPC reads the error body)', async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('{"error":{"message":"nope"}}');
    });
    const res = await createKeepAliveFetch({ timeoutMs: 2000 })(`${url}/x`);
    expect(res.ok).toBe(false);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: 'nope' } });
  });

  it('fails with a timeout when the whole answer is not there in time, even after the headers came', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"slow":');
    });
    await expect(createKeepAliveFetch({ timeoutMs: 100 })(`${url}/x`)).rejects.toBeInstanceOf(CallTimeoutError);
  });

  it('stops when the caller aborts, with the caller’s reason', async () => {
    const url = await serve(() => undefined);
    const ac = new AbortController();
    const pending = createKeepAliveFetch({ timeoutMs: 5000 })(`${url}/x`, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('caller gave up')), 20);
    await expect(pending).rejects.toThrow('caller gave up');
  });

  it('fails when the connection closes before the answer is complete, and when nothing listens', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"half":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    await expect(createKeepAliveFetch({ timeoutMs: 2000 })(`${url}/x`)).rejects.toThrow();
    const closed = url.replace(/:\d+$/, ':1');
    await expect(createKeepAliveFetch({ timeoutMs: 2000 })(`${closed}/x`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses a body that is not a string, and a non-JSON answer fails at json()', async () => {
    const url = await serve((_req, res) => res.end('<html>bad gateway</html>'));
    const fetch = createKeepAliveFetch({ timeoutMs: 2000 });
    await expect(fetch(`${url}/x`, { method: 'POST', body: new Uint8Array([1]) })).rejects.toThrow(
      /string or stream bodies only/,
    );
    const res = await fetch(`${url}/x`);
    await expect(res.json()).rejects.toBeInstanceOf(SyntaxError);
  });
});
