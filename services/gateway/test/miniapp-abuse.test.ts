import http from 'node:http';
import { listen } from '@mb/service-kit';
import { signInitData, TEST_TOKEN } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createGatewayApp } from '../src/app.ts';
import { MINIAPP_LIMITS } from '../src/miniapp-api/limits.ts';
import { startRedis } from './broadcast-fixtures.ts';
import { createReplica, type Stack, startStack } from './stack.ts';

// Regression tests of issue 18, finding 1 and 2: one POST batching 100 requests.create made 100 requests, a GET batch
// of 500 `me` made 510 calls to sheets, and a 200 MB body was read in full before validation.
const CLIENT = { id: 777, first_name: 'Пётр', language_code: 'ru' };
const OTHER = { id: 779, first_name: 'Ольга' };
const READS = 30;

let redis: Awaited<ReturnType<typeof startRedis>>;
let stack: Stack;
let replicaB: ReturnType<typeof createGatewayApp>;
let urlB: string;

beforeAll(async () => {
  redis = await startRedis();
  // Two replicas on one Redis; reads lowered so the test stays short (writes keep the production limit).
  const miniAppLimits = { reads: { points: READS, durationSeconds: 60 } };
  stack = await startStack({ gateway: { redisUrl: redis.url, replicaId: 'gw-a', miniAppLimits } });
  stack.sheets.wb.update('Users', 'U-4', { telegram_id: String(CLIENT.id) });
  stack.sheets.wb.update('Users', 'U-5', { telegram_id: String(OTHER.id) });
  replicaB = createReplica(stack, 'gw-b', {
    apiRoot: 'http://127.0.0.1:9',
    redisUrl: redis.url,
    miniAppLimits,
    events: { enabled: false },
  });
  urlB = `http://127.0.0.1:${await listen(replicaB.server, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  replicaB.server.closeAllConnections();
  await new Promise<void>((r) => replicaB.server.close(() => r()));
  await replicaB.close();
  await stack.close();
  await redis.stop();
});

const auth = (person: { id: number; first_name: string }) => `tma ${signInitData(TEST_TOKEN, person)}`;

/** One tRPC batch call over plain HTTP, as any client could send it. */
async function batch(
  base: string,
  person: { id: number; first_name: string },
  procedures: string[],
  inputs: unknown[] | null,
): Promise<{
  status: number;
  retryAfter: string | null;
  body: Array<{ error?: { data: { reason: string | null } } }>;
}> {
  const path = `${base}/api/trpc/${procedures.join(',')}?batch=1`;
  const headers = { authorization: auth(person), 'content-type': 'application/json' };
  const res = inputs
    ? await fetch(path, { method: 'POST', headers, body: JSON.stringify(Object.fromEntries(inputs.entries())) })
    : await fetch(`${path}&input=${encodeURIComponent(JSON.stringify({}))}`, { headers });
  const body = (await res.json()) as never;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: Array.isArray(body) ? body : [body] };
}
const tickets = () => stack.sheets.wb.find('Tickets', { telegram_id: String(CLIENT.id) }).length;

describe('Mini App API volume (issue 18 finding 1)', () => {
  it('refuses a batch of 100 requests.create before creating any', async () => {
    const before = tickets();
    const create = { category: 'Вопрос', text: 'спам' };
    const res = await batch(stack.gatewayUrl, CLIENT, Array(100).fill('requests.create'), Array(100).fill(create));
    expect(res.status).toBe(400);
    expect(tickets()).toBe(before);
  });

  it('limits changes per user across replicas: a 429 with Retry-After and a reason the Mini App words', async () => {
    const set = (base: string, person: { id: number; first_name: string } = CLIENT) =>
      batch(base, person, ['settings.setMarketing'], [{ marketing: true }]);
    const limit = MINIAPP_LIMITS.writes.points;
    // Half on each replica: with REDIS_URL they count in one place.
    for (let i = 0; i < limit; i++) expect((await set(i % 2 ? urlB : stack.gatewayUrl)).status).toBe(200);
    for (const base of [stack.gatewayUrl, urlB]) {
      const refused = await set(base);
      expect(refused.status).toBe(429);
      expect(refused.body[0]!.error!.data.reason).toBe('rate_limited');
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
    // Another user is not affected, and reads still work for the limited one.
    expect((await set(stack.gatewayUrl, OTHER)).status).toBe(200);
    expect((await batch(stack.gatewayUrl, CLIENT, ['me'], null)).status).toBe(200);
  });

  it('limits reads too, and a refused read never reaches sheets', async () => {
    const reader = { id: 4242, first_name: 'Reader' };
    const tenMe = Array(MINIAPP_LIMITS.maxBatch).fill('me');
    let used = 0;
    while (used + tenMe.length <= READS) {
      expect((await batch(stack.gatewayUrl, reader, tenMe, null)).status).toBe(200);
      used += tenMe.length;
    }
    const sheetsCalls = await userLookups();
    expect(sheetsCalls).toBeGreaterThan(0);
    const refused = await batch(urlB, reader, tenMe, null);
    expect(refused.status).toBe(429);
    expect(refused.body.map((r) => r.error?.data.reason)).toEqual(Array(tenMe.length).fill('rate_limited'));
    expect(await userLookups()).toBe(sheetsCalls);
  });
});

/** How many account look-ups sheets has served (its tRPC duration histogram). */
async function userLookups(): Promise<number> {
  const text = await (await fetch(`${stack.sheetsUrl}/metrics`)).text();
  return [
    ...text.matchAll(/^sheets_trpc_server_duration_seconds_count\{[^}]*procedure="users\.byTelegramId"[^}]*\} (\d+)/gm),
  ]
    .map((m) => Number(m[1]))
    .reduce((a, b) => a + b, 0);
}

/** Sends headers declaring `declared` bytes (or chunked) and writes `chunk`s until the server answers. */
function sendHuge(opts: {
  declared?: number;
  chunk: Buffer;
  max: number;
}): Promise<{ status: number; written: number }> {
  const url = new URL(`${stack.gatewayUrl}/api/trpc/requests.create`);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = http.request(url, {
      method: 'POST',
      headers: {
        authorization: auth(CLIENT),
        'content-type': 'application/json',
        ...(opts.declared ? { 'content-length': String(opts.declared) } : { 'transfer-encoding': 'chunked' }),
      },
    });
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, written });
      req.destroy();
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (opts.declared) return req.flushHeaders(); // nothing more: the length alone must be enough
    const pump = () => {
      while (!answered && written < opts.max) {
        written += opts.chunk.length;
        if (!req.write(opts.chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('Mini App API body limit (issue 18 finding 2)', () => {
  it('answers 413 to a declared 200 MB body before a byte of it is sent', async () => {
    expect(await sendHuge({ declared: 200 * 1024 * 1024, chunk: Buffer.alloc(0), max: 0 })).toEqual({
      status: 413,
      written: 0,
    });
  });

  it('stops reading a chunked body at the limit and answers 413 long before the client is done', async () => {
    const max = 64 * 1024 * 1024;
    const { status, written } = await sendHuge({ chunk: Buffer.alloc(16 * 1024, 'a'), max });
    expect(status).toBe(413);
    // Whatever the socket buffers took, the client was far from its 64 MB when the answer came.
    expect(written).toBeLessThan(max / 4);
  });

  it('still takes a normal body', async () => {
    const res = await batch(stack.gatewayUrl, OTHER, ['requests.create'], [{ category: 'Вопрос', text: 'Когда?' }]);
    expect(res.status).toBe(200);
  });
});
