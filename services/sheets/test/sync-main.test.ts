import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SheetsDouble } from '@mb/testing/sheets-double';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOGLE_TOKEN, removeDir, startDouble, tempDir, until } from './sync-harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let dir: string;
let double: SheetsDouble;
let child: ChildProcess | undefined;

beforeEach(async () => {
  dir = tempDir();
  double = await startDouble();
});
afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
  await double.close();
  removeDir(dir);
});

/** Starts `services/sheets/src/main.ts` as `npm start` does, and resolves with its base URL once it listens. */
async function startMain(env: Record<string, string>): Promise<string> {
  child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      SHEETS_PORT: '0',
      SHEETS_DB_PATH: join(dir, 'workbook.sqlite'),
      INTERNAL_TOKEN: 'main-test-internal-token-0123',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await until(() => out.includes('sheets listening') || child!.exitCode !== null, 'sheets to listen', 30_000);
  const line = out.split('\n').find((l) => l.includes('sheets listening'));
  if (!line) throw new Error(`sheets did not start: ${out}`);
  return `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

describe('main.ts wires the sync from the environment', { timeout: 60_000 }, () => {
  it('with GOOGLE_SHEETS_SPREADSHEET_ID it pulls the Sheet (no demo seed) and reports in /readyz; without it the workbook stands alone', async () => {
    double.addRow('FAQ', { id: 'f1', question: 'Q?', answer: 'A.', active: 'yes' });
    const url = await startMain({
      GOOGLE_SHEETS_SPREADSHEET_ID: double.spreadsheetId,
      GOOGLE_SHEETS_ACCESS_TOKEN: GOOGLE_TOKEN,
      GOOGLE_SHEETS_API_ROOT: double.url,
      SHEETS_PULL_INTERVAL_MS: '1000',
      SHEETS_FLUSH_INTERVAL_MS: '200',
    });
    let detail: { mode?: string; google?: string; lastPullAt?: string | null } = {};
    await until(
      async () => {
        detail = (
          (await (await fetch(`${url}/readyz`)).json()) as { checks: { sheets_sync: { detail: typeof detail } } }
        ).checks.sheets_sync.detail;
        return Boolean(detail.lastPullAt);
      },
      'a first pull',
      30_000,
    );
    expect(detail).toMatchObject({ mode: 'google', google: 'reachable' });
    const faq = await fetch(`${url}/trpc/catalog.faq`, {
      headers: { 'x-internal-token': 'main-test-internal-token-0123' },
    });
    expect(((await faq.json()) as { result: { data: Array<{ id: string }> } }).result.data.map((f) => f.id)).toEqual([
      'f1',
    ]); // no demo seed: the Sheet's
    child!.kill('SIGTERM');
    expect(await new Promise((r) => child!.once('exit', (code) => r(code)))).toBe(0);

    removeDir(dir);
    const local = await startMain({});
    const ready = (await (await fetch(`${local}/readyz`)).json()) as {
      checks: { sheets_sync: { detail: { mode: string } } };
    };
    expect(ready.checks.sheets_sync.detail.mode).toBe('local');
  });
});
