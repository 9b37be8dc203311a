import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxRefusal } from '../src/sandbox/routes.ts';
import { type Stack, startStack } from './stack.ts';

// Issue 18 finding 3: the sandbox API served every user's phone and accepted a cross-site `text/plain` POST that
// changed welcome_text. It now answers this machine's own page only.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ botToken: null });
});
afterAll(() => stack.close());

/** A raw request, so any Host, Origin or content type can be sent, as an attacker's page or proxy would. */
function request(
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${stack.gatewayUrl}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const welcome = async () => {
  const tab = JSON.parse((await request('GET', '/sandbox/api/workbook?tab=Settings', {})).body) as {
    rows: Array<{ id?: string; key?: string; value: string }>;
  };
  return tab.rows.find((r) => (r.key ?? r.id) === 'welcome_text')?.value;
};
const edit = JSON.stringify({ tab: 'Settings', id: 'welcome_text', column: 'value', value: 'owned' });

describe('sandbox API lock-down (issue 18 finding 3)', () => {
  it('refuses a cross-site text/plain write, a foreign Origin and a write without Origin', async () => {
    const before = await welcome();
    expect(before).toBeTruthy();
    const own = new URL(stack.gatewayUrl).origin;
    const attempts: Array<{ headers: Record<string, string>; status: number }> = [
      { headers: { 'content-type': 'text/plain', origin: 'https://evil.example' }, status: 415 },
      { headers: { 'content-type': 'text/plain;charset=UTF-8', origin: own }, status: 415 },
      { headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, status: 403 },
      { headers: { 'content-type': 'application/json' }, status: 403 },
    ];
    for (const a of attempts)
      expect((await request('POST', '/sandbox/api/workbook/edit', a.headers, edit)).status, JSON.stringify(a)).toBe(
        a.status,
      );
    expect(await welcome()).toBe(before);
  });

  it('takes a JSON write from its own page', async () => {
    const own = new URL(stack.gatewayUrl).origin;
    const res = await request(
      'POST',
      '/sandbox/api/workbook/edit',
      { 'content-type': 'application/json', origin: own },
      edit,
    );
    expect(res.status).toBe(200);
    expect(await welcome()).toBe('owned');
  });

  it('answers neither through a proxy nor at a foreign host name (DNS rebinding)', async () => {
    expect((await request('GET', '/sandbox/api/state', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(403);
    const port = new URL(stack.gatewayUrl).port;
    const rebound = await request('GET', '/sandbox/api/state', { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('+7903');
    expect((await request('GET', '/sandbox', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await request('GET', '/sandbox/api/state', {})).status).toBe(200);
  });

  it('answers loopback addresses only', () => {
    const req = (remoteAddress: string) => ({
      method: 'GET',
      headers: { host: 'localhost:8080' },
      socket: { remoteAddress },
    });
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(sandboxRefusal(req(address))).toBeNull();
    for (const address of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', ''])
      expect(sandboxRefusal(req(address))?.status).toBe(403);
  });
});
