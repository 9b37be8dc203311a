import { describe, expect, it } from 'vitest';
import { useSheetsApp } from './sheets-app.ts';

const sheets = useSheetsApp({ token: 'test-internal-token-0123456789' });

const scrape = async () => {
  const text = await (await fetch(`${sheets.url}/metrics`)).text();
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
      sheets.app.wb.insert('Participations', {
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
    sheets.app.wb.update('Promotions', 'spring-sale', { status: 'archived' }, { by: 'sheet' });
    const series = await scrape();
    expect(series['spring-sale']).toBeUndefined();
    expect(series['friend-bonus']).toBe(1);
    const active = sheets.app.wb.db
      .prepare(`SELECT count(*) AS n FROM "Promotions" WHERE lower(trim(status)) = 'active'`)
      .get() as { n: number };
    expect(Object.keys(series)).toHaveLength(active.n);
  });
});
