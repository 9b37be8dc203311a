import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, listen } from '@mb/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSheetsApp } from '../src/app.ts';

const dir = mkdtempSync(join(tmpdir(), 'mb-participations-'));
const app = createSheetsApp({
  dbPath: join(dir, 'workbook.sqlite'),
  internalToken: 'test-internal-token-0123456789',
  logger: createLogger('sheets', 'silent'),
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
  return Object.fromEntries(
    [...text.matchAll(/^sheets_participations\{promotion="([^"]+)",service="sheets"\} (\d+)$/gm)].map((m) => [
      m[1]!,
      Number(m[2]),
    ]),
  );
};

describe('sheets_participations', () => {
  it('counts participations per active promotion, scraped over HTTP', async () => {
    for (const [i, promotion] of ['spring-sale', 'spring-sale', 'friend-bonus'].entries()) {
      app.wb.insert('Participations', {
        id: `t-${i}`,
        promotion_id: promotion,
        telegram_id: String(9000 + i),
        name: 'Test',
        phone: '',
        created_at: new Date().toISOString(),
        status: 'new',
      });
    }
    const series = await scrape();
    expect(series['spring-sale']).toBe(2);
    expect(series['friend-bonus']).toBe(1);
    expect(series['cashback-10']).toBe(0);
  });

  it('drops a promotion from the labels once it is no longer active (the series stay bounded)', async () => {
    app.wb.update('Promotions', 'spring-sale', { status: 'archived' }, { by: 'sheet' });
    const series = await scrape();
    expect(series['spring-sale']).toBeUndefined();
    expect(series['friend-bonus']).toBe(1);
    const active = app.wb.db
      .prepare(`SELECT count(*) AS n FROM "Promotions" WHERE lower(trim(status)) = 'active'`)
      .get() as { n: number };
    expect(Object.keys(series)).toHaveLength(active.n);
  });
});
