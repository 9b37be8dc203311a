import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_INTERNAL_TOKEN, TEST_SECRET, TEST_TOKEN } from '@mb/testing';
import { BotApiDouble } from '@mb/testing/bot-api-double';
import { freePort } from '@mb/testing/ports';
import { ruUser, textUpdate } from '@mb/testing/updates';
import { afterAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

// Start order is not a failure: the gateway used to exit with MaxRetriesPerRequestError when Redis refused
// connections at start. Now it listens, says in /readyz what it waits for, and serves once Redis answers.
const GATEWAY_MAIN = new URL('../src/main.ts', import.meta.url).pathname;

function startRedisOn(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve(child);
    });
  });
}

const stopChild = async (child: ChildProcess | undefined) => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, 'SIGKILL');
  await gone;
};

type Readyz = { ok: boolean; checks: Record<string, { ok: boolean; detail?: unknown }> };

describe('gateway started before Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-redis-late-'));
  const bot = new BotApiDouble();
  let stack: Stack | undefined;
  let gateway: ChildProcess | undefined;
  let redis: ChildProcess | undefined;
  afterAll(async () => {
    await stopChild(gateway);
    await stopChild(redis);
    await stack?.close();
    await bot.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for Redis with backoff, says so in /readyz, and serves once Redis answers', async () => {
    await bot.start();
    stack = await startStack({ apiRoot: bot.url, dir });
    const redisPort = await freePort();
    gateway = spawn(process.execPath, [GATEWAY_MAIN], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        GATEWAY_PORT: '0',
        GATEWAY_DB_PATH: join(dir, 'gateway-late.sqlite'),
        GATEWAY_EVENT_CONSUMER: 'off',
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
        TELEGRAM_API_ROOT: bot.url,
        INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
        SHEETS_URL: stack.sheetsUrl,
        ASSISTANT_URL: stack.assistantUrl,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<never>((_, reject) =>
      gateway!.once('exit', (code) => reject(new Error(`the gateway exited (${code}):\n${output.slice(-3000)}`))),
    );
    const lines = (wanted: (line: string) => boolean) =>
      new Promise<string>((resolve) => {
        const look = () => {
          const line = output.split('\n').find(wanted);
          if (line) resolve(line);
        };
        gateway!.stdout!.on('data', (d: Buffer) => {
          output += d.toString();
          look();
        });
        gateway!.stderr!.on('data', (d: Buffer) => {
          output += d.toString();
          look();
        });
        look();
      });
    const listening = JSON.parse(await Promise.race([lines((l) => l.includes('"gateway listening"')), exited])) as {
      port: number;
    };
    const base = `http://127.0.0.1:${listening.port}`;
    // Two failed attempts at Redis, and the gateway is still there.
    await Promise.race([lines((l) => l.includes('"waiting for a dependency"') && l.includes('"attempt":2')), exited]);
    const waiting = await fetch(`${base}/readyz`);
    expect(waiting.status).toBe(503);
    const body = (await waiting.json()) as Readyz;
    expect(body.checks['started']!.ok).toBe(false);
    expect(JSON.stringify(body.checks['started']!.detail)).toContain('"redis"');
    expect(body.checks['redis']!.ok).toBe(false);

    redis = await startRedisOn(redisPort);
    await Promise.race([lines((l) => l.includes('"dependency answers: going on"') && l.includes('"redis"')), exited]);
    const ready = (await (await fetch(`${base}/readyz`)).json()) as Readyz;
    expect(ready.ok).toBe(true);

    const res = await fetch(`${base}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_SECRET },
      body: JSON.stringify(textUpdate(ruUser, '/start')),
    });
    expect(res.status).toBe(200);
    await Promise.race([bot.waitFor(() => bot.textsTo(ruUser.id).length > 0, 15_000, 'the answer to /start'), exited]);
  }, 60_000);
});
