import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEntry } from '@mb/service-kit/runtime-flags';
import { freePort } from '@mb/testing/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKSPACES = [
  'packages/contracts',
  'packages/service-kit',
  'services/sheets',
  'services/assistant',
  'services/gateway',
];
const SERVICES = ['sheets', 'assistant', 'gateway'] as const;
// Any .ts module reached from the built program fails to load with this flag: proof that none is loaded.
const NO_TS = '--no-experimental-strip-types';

let dir: string;
beforeAll(() => {
  // What `npm run build` does in each workspace (turbo runs it before the tests; built again here to stand alone).
  for (const w of WORKSPACES)
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-js.ts')], { cwd: join(ROOT, w), stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'mb-built-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('production runs JavaScript', () => {
  it('loads every service from its dist/ with the workspace packages built too, no TypeScript anywhere', () => {
    for (const service of SERVICES) {
      const [condition, main] = serviceEntry(service, true);
      const app = join(ROOT, main!.replace('main.js', 'app.js'));
      const out = execFileSync(
        process.execPath,
        [NO_TS, condition!, '--input-type=module', '-e', `await import(${JSON.stringify(app)}); console.log('ok')`],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(out.trim(), service).toBe('ok');
    }
  });

  it('starts a built service as `npm start` does in production, and it answers /healthz', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [NO_TS, ...serviceEntry('sheets', true)], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', SHEETS_PORT: String(port), SHEETS_DB_PATH: join(dir, 'w.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const listening = new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
        child.once('exit', (code) => reject(new Error(`sheets exited with ${code}`)));
      });
      await listening;
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
