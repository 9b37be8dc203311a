import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAssistantApp } from '@mb/assistant/app';
import { createLogger, listen } from '@mb/service-kit';
import { serviceEntry } from '@mb/service-kit/runtime-flags';
import { createSheetsApp } from '@mb/sheets/app';
import {
  BotApiDouble,
  postUpdate,
  TEST_INTERNAL_TOKEN,
  TEST_SECRET,
  TEST_TOKEN,
  type TestUser,
  textUpdate,
} from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, command, users, withOneRepeat } from './chat-order.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'services/gateway/src/main.ts');
const logger = createLogger('test', 'silent');
let dir: string;
let api: BotApiDouble;
let sheets: ReturnType<typeof createSheetsApp>;
let assistant: ReturnType<typeof createAssistantApp>;
let env: Record<string, string>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mb-embedded-kill-'));
  api = await new BotApiDouble().start();
  sheets = createSheetsApp({ dbPath: join(dir, 'workbook.sqlite'), internalToken: TEST_INTERNAL_TOKEN, logger });
  const sheetsUrl = `http://127.0.0.1:${await listen(sheets.server, 0, '127.0.0.1')}`;
  assistant = createAssistantApp({ sheetsUrl, internalToken: TEST_INTERNAL_TOKEN, logger });
  const assistantUrl = `http://127.0.0.1:${await listen(assistant.server, 0, '127.0.0.1')}`;
  env = {
    PATH: process.env['PATH'] ?? '',
    TELEGRAM_BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
    TELEGRAM_API_ROOT: api.url,
    SHEETS_URL: sheetsUrl,
    ASSISTANT_URL: assistantUrl,
    INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
    GATEWAY_PORT: '0',
    GATEWAY_DB_PATH: join(dir, 'gateway.sqlite'),
    GATEWAY_HANDLER_WORKERS: '2',
    GATEWAY_EVENT_CONSUMER: 'off',
    BROADCAST_SENDER: 'off',
    LOG_LEVEL: 'info',
  };
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL');
  for (const s of [sheets.server, assistant.server]) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  await assistant.close();
  await sheets.close();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the gateway in its own process (main.ts, or `args`), on the test's files; resolves with its URL. */
function startGateway(
  args = [MAIN],
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} before it listened`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (;;) {
        const nl = buffered.indexOf('\n');
        if (nl < 0) break;
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        // The launchers' flags (runtime-flags.ts) follow the same shape decision as the app.
        if (entry.msg?.includes('disagrees with the app')) reject(new Error(entry.msg));
        if (entry.msg === 'gateway listening') resolve({ child, url: `http://127.0.0.1:${entry.port}` });
      }
    });
  });
}

describe('the embedded gateway (webhook + handler workers) as its own process', () => {
  it('killed -9 mid-stream and restarted on the same files: every acknowledged update answered, in order per chat', async () => {
    let gateway = await startGateway();
    // Where a chat's next post goes; replaced by the restarted gateway's address once it listens.
    let up: Promise<string> = Promise.resolve(gateway.url);
    const chats = users(6_300_000, 30);
    const perChat = 10;
    const ids = new Set(chats.map((u) => u.id));
    const replies = () => api.calls.filter((c) => ids.has(Number(c.payload['chat_id']))).length;
    const acknowledged = new Map<number, number[]>();

    // Telegram's way: a chat's next update only after the previous was acknowledged; one not acknowledged (the
    // connection died with the process) is sent again, to whichever gateway answers next.
    const deliver = async (u: TestUser) => {
      for (let n = 0; n < perChat; n++) {
        const update = textUpdate(u, command(n));
        for (;;) {
          const status = await postUpdate(await up, update).then(
            (r) => r.status,
            () => 0,
          );
          if (status === 200) break;
          expect(status).toBe(0);
          // Refused: the gateway is gone; wait until the next one listens (the kill below replaced `up`).
          await killed;
        }
        acknowledged.set(u.id, [...(acknowledged.get(u.id) ?? []), update.update_id]);
      }
    };
    let markKilled!: () => void;
    const killed = new Promise<void>((r) => {
      markKilled = r;
    });
    const delivering = Promise.all(chats.map(deliver));

    await api.waitFor(() => replies() >= (chats.length * perChat) / 3, 30_000, 'handling under way');
    const exited = new Promise((r) => gateway.child.once('exit', r));
    let restarted!: (url: string) => void;
    up = new Promise((r) => {
      restarted = r;
    });
    process.kill(gateway.child.pid!, 'SIGKILL');
    await exited;
    markKilled();
    const before = replies();
    expect(before).toBeLessThan(chats.length * perChat);
    gateway = await startGateway();
    restarted(gateway.url);
    await delivering;

    const expected = Array.from({ length: perChat }, (_, n) => command(n));
    // Every chat's last update answered. A count of perChat answers is not that: with one answer repeated, the tenth
    // answer is the ninth update's. A chat that never gets there fails the per-chat check below, with its answers.
    await api
      .waitFor(
        () =>
          chats.every((u) => {
            const got = api.textsTo(u.id).map(answered);
            return got.length > perChat || withOneRepeat(got, expected);
          }),
        60_000,
        'every update answered after the restart',
      )
      .catch(() => {});
    // SIGTERM drains the workers and exits cleanly (not by the shutdown's timeout, which exits with 1).
    const stopped = new Promise((r) => gateway.child.once('exit', (code) => r(code)));
    process.kill(gateway.child.pid!, 'SIGTERM');
    expect(await stopped).toBe(0);
    for (const u of chats) {
      expect(acknowledged.get(u.id)).toHaveLength(perChat);
      // Once each and in order; the update a worker was in the middle of when the process died may have been
      // answered before and again after the restart (at least once), so at most one answer per chat repeats, in place.
      const got = api.textsTo(u.id).map(answered);
      expect(withOneRepeat(got, expected), `chat ${u.id}: ${got.join(' ')}`).toBe(true);
    }
  }, 120_000);

  it('runs its workers from the built JavaScript in production (no TypeScript loaded, in any thread)', async () => {
    // What `npm run build` does for the gateway and the packages it loads (turbo builds them before the tests).
    for (const w of ['packages/contracts', 'packages/service-kit', 'services/gateway'])
      execFileSync(process.execPath, [join(ROOT, 'scripts/build-js.ts')], { cwd: join(ROOT, w), stdio: 'ignore' });
    // With this flag any .ts module fails to load: the worker entry must be found as dist/handlers/worker.js.
    const gateway = await startGateway(['--no-experimental-strip-types', ...serviceEntry('gateway', true)], {
      GATEWAY_DB_PATH: join(dir, 'built.sqlite'),
      GATEWAY_HANDLER_WORKERS: '1',
    });
    try {
      const [user] = users(6_400_000, 1);
      const res = await postUpdate(gateway.url, textUpdate(user!, '/start'));
      expect(res.status).toBe(200);
      await api.waitFor(() => api.textsTo(user!.id).length === 1, 30_000, 'the reply from the worker');
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/gateway_handler_workers\{[^}]*\} 1/);
      expect(metrics).toMatch(/gateway_update_handler_duration_seconds_count\{[^}]*\} 1/);
    } finally {
      const stopped = new Promise((r) => gateway.child.once('exit', (code) => r(code)));
      process.kill(gateway.child.pid!, 'SIGTERM');
      expect(await stopped).toBe(0);
    }
  }, 120_000);
});
