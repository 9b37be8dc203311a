import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, listen } from '@mb/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSheetsApp } from '../src/app.ts';
import { cancelBroadcast, claimNext, createBroadcast, recordOutcome } from '../src/domain/broadcasts/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'mb-broadcast-gauge-'));
const app = createSheetsApp({
  dbPath: join(dir, 'workbook.sqlite'),
  internalToken: 'test-internal-token-0123456789',
  logger: createLogger('sheets', 'silent'),
  seed: false,
});
let url = '';
beforeAll(async () => {
  url = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  app.server.closeAllConnections();
  await new Promise((r) => app.server.close(r));
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const scrape = async () => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [
    ...text.matchAll(/^sheets_broadcast_recipients\{broadcast="([^"]+)",state="([^"]+)",service="sheets"\} (\d+)$/gm),
  ]
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`)
    .sort();
};

describe('sheets_broadcast_recipients', () => {
  it('shows the progress of a sending broadcast by recipient state, and forgets it when it ends', async () => {
    for (const id of [101, 102, 103])
      app.wb.insert('Users', {
        id: `U-${id}`,
        telegram_id: String(id),
        phone: '',
        name: 'Test',
        role: 'client',
        segment: 'retail',
        status: 'active',
        language: 'ru',
      });
    const b = createBroadcast(app.wb, { text: 'Новая акция', segment: 'all', createdBy: 'manager', start: 'now' });
    expect(await scrape()).toEqual([`${b.id} pending 3`]);

    const claimed = claimNext(app.wb, b.id, 'gw-1')!;
    recordOutcome(app.wb, b.id, claimed.telegramId, 'gw-1', 'sent');
    claimNext(app.wb, b.id, 'gw-1');
    expect(await scrape()).toEqual([`${b.id} pending 1`, `${b.id} sending 1`, `${b.id} sent 1`]);

    cancelBroadcast(app.wb, b.id);
    expect(await scrape()).toEqual([]);
  });
});
