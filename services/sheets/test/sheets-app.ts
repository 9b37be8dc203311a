import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, listen } from '@mb/service-kit';
import { afterAll, beforeAll } from 'vitest';
import { createSheetsApp } from '../src/app.ts';

/**
 * The sheets service on a free port with a fresh workbook in a temp folder (seeded with demo data unless
 * `seed: false`), started before a file's tests and stopped after. Read `sheets.app` / `sheets.url` inside tests.
 */
export function useSheetsApp(opts: { token: string; seed?: boolean }) {
  const ctx = {} as { app: ReturnType<typeof createSheetsApp>; url: string; dir: string };
  beforeAll(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), 'mb-sheets-'));
    ctx.app = createSheetsApp({
      dbPath: join(ctx.dir, 'workbook.sqlite'),
      internalToken: opts.token,
      logger: createLogger('sheets', 'silent'),
      ...(opts.seed === false ? { seed: false } : {}),
    });
    ctx.url = `http://127.0.0.1:${await listen(ctx.app.server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    ctx.app.server.closeAllConnections();
    await new Promise((r) => ctx.app.server.close(r));
    await ctx.app.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}
