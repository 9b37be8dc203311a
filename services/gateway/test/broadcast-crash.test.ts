import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createRegistry, listen } from '@mb/service-kit';
import { createSheetsApp } from '@mb/sheets/app';
import { BotApiDouble, TEST_INTERNAL_TOKEN, TEST_TOKEN, TelegramLimits } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../src/clients/index.ts';
import { addStaff, STAFF, seedRecipients, waitUntil } from './broadcast-fixtures.ts';

const CHILD = fileURLToPath(new URL('./broadcast-child.ts', import.meta.url));
let dir: string;
let sheets: ReturnType<typeof createSheetsApp>;
let sheetsUrl: string;
let api: BotApiDouble;
let limits: TelegramLimits;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mb-crash-'));
  sheets = createSheetsApp({
    dbPath: join(dir, 'workbook.sqlite'),
    internalToken: TEST_INTERNAL_TOKEN,
    logger: createLogger('test', 'silent'),
  });
  sheetsUrl = `http://127.0.0.1:${await listen(sheets.server, 0, '127.0.0.1')}`;
  api = await new BotApiDouble().start();
  limits = new TelegramLimits({ perSecond: 30, perChatMs: 1000 }).install(api);
  addStaff(sheets.wb);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL');
  sheets.server.closeAllConnections();
  await new Promise<void>((r) => sheets.server.close(() => r()));
  sheets.close();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the sender in a child process (same worker name each time, as a restarted replica). */
async function startSender(): Promise<ChildProcess> {
  const cfg = {
    sheetsUrl,
    apiRoot: api.url,
    token: TEST_TOKEN,
    internalToken: TEST_INTERNAL_TOKEN,
    worker: 'replica-a',
    journalPath: join(dir, 'gateway.sqlite'),
  };
  const child = spawn(process.execPath, [CHILD, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sender exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

/** A broadcast to `count` new recipients in `segment`, created by STAFF through the sheets client; with their ids. */
async function broadcastTo(segment: string, from: number, count: number, text: string) {
  const ids = seedRecipients(sheets.wb, { from, count, segment });
  const client = createClients({
    sheetsUrl,
    assistantUrl: sheetsUrl,
    token: TEST_INTERNAL_TOKEN,
    metrics: createRegistry('gateway'),
  }).sheets;
  const b = await client.broadcasts.create.mutate({ staffTelegramId: STAFF.id, text, segment });
  return { ids, b };
}

describe('a broadcast across kill -9 of the sending process', () => {
  it('completes after a restart with no recipient twice and none missed, even when killed while Telegram had the message', async () => {
    const { ids, b } = await broadcastTo('crash', 30_000_000, 300, 'Переживёт kill -9');

    const first = await startSender();
    // The worst moment: Telegram has accepted message 100, the sender has not seen the answer (nor recorded it).
    limits.onAccepted = (_call, n) => {
      if (n === 100) process.kill(first.pid!, 'SIGKILL');
    };
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');
    limits.onAccepted = undefined;
    const stateCount = (state: string) =>
      (
        sheets.wb.db
          .prepare('SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? AND state = ?')
          .get(b.id, state) as { n: number }
      ).n;
    expect(stateCount('sending')).toBe(1);
    expect(sheets.wb.get('Broadcasts', b.id)!.status).toBe('sending');

    const second = await startSender();
    await waitUntil(
      () => sheets.wb.get('Broadcasts', b.id)!.status === 'done',
      60_000,
      'the broadcast to finish after the restart',
    );
    process.kill(second.pid!, 'SIGKILL');
    await exited(second);

    const twice = ids.filter((id) => (limits.delivered.get(id) ?? 0) > 1);
    const missed = ids.filter((id) => (limits.delivered.get(id) ?? 0) === 0);
    expect({ twice, missed }).toEqual({ twice: [], missed: [] });
    // The claim that was in flight is `unknown` (never resent); every other recipient is `sent`.
    expect(stateCount('unknown')).toBe(1);
    expect(stateCount('sent')).toBe(299);
    expect(sheets.wb.get('Broadcasts', b.id)).toMatchObject({ sent: '299', failed: '1', blocked: '0' });
  }, 90_000);

  it('rides out a restart of the sheets service midway: outcomes are recorded once it is back, nobody twice or missed', async () => {
    const { ids, b } = await broadcastTo('sheets-restart', 31_000_000, 150, 'Переживёт рестарт sheets');
    const sender = await startSender();
    const delivered = () => ids.filter((id) => limits.delivered.has(id)).length;
    await waitUntil(() => delivered() >= 40, 20_000, '40 messages out');
    // Stop sheets (connections cut, database closed) and start it again on the same port and file.
    const port = Number(new URL(sheetsUrl).port);
    sheets.server.closeAllConnections();
    await new Promise<void>((r) => sheets.server.close(() => r()));
    sheets.close();
    await new Promise((r) => setTimeout(r, 1500));
    sheets = createSheetsApp({
      dbPath: join(dir, 'workbook.sqlite'),
      internalToken: TEST_INTERNAL_TOKEN,
      logger: createLogger('test', 'silent'),
    });
    await listen(sheets.server, port, '127.0.0.1');
    await waitUntil(() => sheets.wb.get('Broadcasts', b.id)!.status === 'done', 60_000, 'the broadcast to finish');
    process.kill(sender.pid!, 'SIGKILL');
    await exited(sender);
    for (const id of ids) expect(limits.delivered.get(id) ?? 0, `recipient ${id}`).toBe(1);
    expect(sheets.wb.get('Broadcasts', b.id)).toMatchObject({ sent: '150', failed: '0' });
  }, 90_000);
});
