import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/rule-files.ts';

// Issue 18 findings 3 and 4, as an operator meets them: each service started as in production, from its entry point.
const dir = mkdtempSync(join(tmpdir(), 'mb-refusals-'));
const running: ChildProcess[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STRONG = 'a'.repeat(32);
const BOT = {
  TELEGRAM_BOT_TOKEN: '123456789:AAtest-token-for-the-refusals-test',
  TELEGRAM_WEBHOOK_SECRET: 's'.repeat(32),
};
const BASE: Record<string, Record<string, string>> = {
  gateway: { GATEWAY_PORT: '0', GATEWAY_DB_PATH: join(dir, 'gateway.sqlite'), GATEWAY_EVENT_CONSUMER: 'off' },
  sheets: { SHEETS_PORT: '0', SHEETS_DB_PATH: join(dir, 'workbook.sqlite') },
  assistant: { ASSISTANT_PORT: '0', ASSISTANT_DB_PATH: join(dir, 'assistant.sqlite') },
};

/** Starts a service's main.ts; resolves when it listens (its start-up log line) or exits (its code and output). */
function run(
  service: 'gateway' | 'sheets' | 'assistant',
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; listening?: { host: string; port: number; mode?: string } }> {
  const child = spawn(process.execPath, [join(ROOT_DIR, `services/${service}/src/main.ts`)], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', ...BASE[service], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const line = output.split('\n').find((l) => l.includes(`"${service} listening"`));
      if (line)
        resolve({ code: null, output, listening: JSON.parse(line) as { host: string; port: number; mode?: string } });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('production refuses to start open (findings 3, 4)', { timeout: 60_000 }, () => {
  it('gateway: no bot token with an https PUBLIC_URL is refused, not the open sandbox', async () => {
    const { code, output } = await run('gateway', { PUBLIC_URL: 'https://bot.example.com' });
    expect(code).toBe(2);
    expect(output).toMatch(/TELEGRAM_BOT_TOKEN \(unset\): required in production/);
    expect(output).toMatch(/INTERNAL_TOKEN \(unset\): required in production/);
    expect(output).not.toContain('gateway listening');
  });

  it('gateway: NODE_ENV=production with a short INTERNAL_TOKEN is refused', async () => {
    const { code, output } = await run('gateway', { ...BOT, NODE_ENV: 'production', INTERNAL_TOKEN: 'x'.repeat(20) });
    expect(code).toBe(2);
    expect(output).toMatch(/INTERNAL_TOKEN \(set \(hidden\)\): must be at least 32 characters in production/);
  });

  it('gateway: SANDBOX=on starts the sandbox where production would refuse it, and only then', async () => {
    const started = await run('gateway', {
      PUBLIC_URL: 'https://bot.example.com',
      SANDBOX: 'on',
      INTERNAL_TOKEN: STRONG,
    });
    expect(started.listening).toBeDefined();
    expect(started.listening).toMatchObject({ mode: 'sandbox' });
    const both = await run('gateway', { ...BOT, SANDBOX: 'on' });
    expect(both.code).toBe(2);
    expect(both.output).toMatch(/SANDBOX \("on"\): SANDBOX=on runs without a bot token/);
  });

  for (const service of ['sheets', 'assistant'] as const) {
    it(`${service}: NODE_ENV=production without INTERNAL_TOKEN is refused`, async () => {
      const { code, output } = await run(service, { NODE_ENV: 'production' });
      expect(code).toBe(2);
      expect(output).toMatch(/INTERNAL_TOKEN \(unset\): required in production/);
    });

    it(`${service}: listens on 127.0.0.1 unless BIND_HOST says otherwise`, async () => {
      expect((await run(service, {})).listening?.host).toBe('127.0.0.1');
      expect(
        (await run(service, { BIND_HOST: '0.0.0.0', NODE_ENV: 'production', INTERNAL_TOKEN: STRONG })).listening,
      ).toMatchObject({ host: '0.0.0.0' });
    });
  }
});
