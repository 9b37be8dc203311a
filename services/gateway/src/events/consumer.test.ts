import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createRegistry, listen } from '@mb/service-kit';
import { createSheetsApp } from '@mb/sheets/app';
import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../clients/index.ts';
import { EventConsumer } from './consumer.ts';
import type { EventHandlers } from './types.ts';

const TOKEN = 'consumer-test-internal-token-0123';
const logger = createLogger('test', 'silent');
let dir: string;
let sheets: ReturnType<typeof createSheetsApp>;
let port: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mb-events-'));
  sheets = createSheetsApp({ dbPath: join(dir, 'wb.sqlite'), internalToken: TOKEN, logger });
  port = await listen(sheets.server, 0, '127.0.0.1');
});
afterEach(async () => {
  sheets.server.closeAllConnections();
  await new Promise((r) => sheets.server.close(r));
  sheets.close();
  rmSync(dir, { recursive: true, force: true });
});

function consumer(handlers: EventHandlers, extra: { attempts?: number } = {}) {
  const metrics = createRegistry('gateway');
  const clients = createClients({
    sheetsUrl: `http://127.0.0.1:${port}`,
    assistantUrl: 'http://127.0.0.1:9',
    token: TOKEN,
    metrics,
  });
  const deps = {
    api: new Api('1:x'),
    sheets: clients.sheets,
    logger,
    t: (_l: string, k: string) => k,
    publicUrl: 'https://x',
    staffChat: async () => null,
  };
  const c = new EventConsumer({
    sheets: clients.sheets,
    handlers,
    deps,
    logger,
    registry: metrics.registry,
    consumer: 'test',
    idleMs: 10,
    maxBackoffMs: 50,
    ...extra,
  });
  const metric = async (name: string, label = '') =>
    (await metrics.registry.getSingleMetric(name)!.get()).values
      .filter((v) => JSON.stringify(v.labels).includes(label))
      .reduce((n, v) => n + v.value, 0);
  return { c, metric };
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
};
const unacked = () => sheets.wb.eventsSince('test', 100).events.map((e) => e.type);

describe('EventConsumer', () => {
  it('dispatches by type in order, validates payloads against the catalogue, and acknowledges each event', async () => {
    const seen: string[] = [];
    const { c, metric } = consumer({
      'user.pending': async (p) => void seen.push(`pending ${p.userId}`),
      'participation.created': async (p) => void seen.push(`joined ${p.promotionId}`),
    });
    sheets.wb.emit('user.pending', { userId: 'U-1', telegramId: 1, name: 'A' });
    sheets.wb.emit('something.new', { x: 1 });
    sheets.wb.emit('participation.created', { participationId: 'PR-1', promotionId: 'p1' });
    sheets.wb.emit('participation.created', { participationId: 'PR-2', promotionId: 'p2', telegramId: 2 });
    c.start();
    await until(() => unacked().length === 0, 'all acknowledged');
    await c.stop();
    expect(seen).toEqual(['pending U-1', 'joined p2']);
    expect(await metric('gateway_events_total', '"result":"invalid"')).toBe(1);
    expect(await metric('gateway_events_total', '"result":"unhandled"')).toBe(1);
  });

  it('retries a failing handler a bounded number of times, then skips it so the feed goes on', async () => {
    let tries = 0;
    const seen: string[] = [];
    const { c, metric } = consumer(
      {
        'user.pending': async () => {
          tries++;
          throw new Error('Telegram is down');
        },
        'promotion.changed': async (p) => void seen.push(p.promotionId),
      },
      { attempts: 2 },
    );
    sheets.wb.emit('user.pending', { userId: 'U-1', telegramId: 1, name: 'A' });
    sheets.wb.emit('promotion.changed', { promotionId: 'after' });
    c.start();
    await until(() => seen.length === 1, 'the next event handled');
    await c.stop();
    expect(tries).toBe(2);
    expect(await metric('gateway_events_total', '"result":"failed"')).toBe(1);
    expect(unacked()).toEqual([]);
  });

  it('backs off while sheets is unreachable and picks up what happened meanwhile once it is back', async () => {
    const seen: string[] = [];
    const { c, metric } = consumer({ 'promotion.activated': async (p) => void seen.push(p.promotionId) });
    sheets.server.closeAllConnections();
    await new Promise((r) => sheets.server.close(r));
    c.start();
    for (let i = 0; i < 200 && (await metric('gateway_events_pull_failures_total')) < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await metric('gateway_events_pull_failures_total')).toBeGreaterThanOrEqual(2);
    sheets.wb.emit('promotion.activated', { promotionId: 'while-down' });
    await listen(sheets.server, port, '127.0.0.1');
    await until(() => seen.length === 1, 'handled after sheets came back');
    await c.stop();
    expect(seen).toEqual(['while-down']);
  });

  it('stops cleanly: an event whose handler was interrupted stays unacknowledged for the next start', async () => {
    let attempts = 0;
    const failing = consumer(
      {
        'promotion.changed': async () => {
          attempts++;
          throw new Error('fails while we stop');
        },
      },
      { attempts: 5 },
    ).c;
    sheets.wb.emit('promotion.changed', { promotionId: 'p' });
    failing.start();
    await until(() => attempts >= 1, 'first attempt');
    await failing.stop();
    expect(unacked()).toEqual(['promotion.changed']);

    const seen: string[] = [];
    const next = consumer({ 'promotion.changed': async (p) => void seen.push(p.promotionId) }).c;
    next.start();
    await until(() => unacked().length === 0, 'handled at the next start');
    await next.stop();
    expect(seen).toEqual(['p']);
  });
});
