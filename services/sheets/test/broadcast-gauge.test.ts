import { describe, expect, it } from 'vitest';
import { cancelBroadcast, claimNext, createBroadcast, recordOutcome } from '../src/domain/broadcasts/index.ts';
import { useSheetsApp } from './sheets-app.ts';

const sheets = useSheetsApp({ token: 'test-internal-token-0123456789', seed: false });

const scrape = async () => {
  const text = await (await fetch(`${sheets.url}/metrics`)).text();
  return [
    ...text.matchAll(/^sheets_broadcast_recipients\{broadcast="([^"]+)",state="([^"]+)",service="sheets"\} (\d+)$/gm),
  ]
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`)
    .sort();
};

describe('sheets_broadcast_recipients', () => {
  it('shows the progress of a sending broadcast by recipient state, and forgets it when it ends', async () => {
    for (const id of [101, 102, 103])
      sheets.app.wb.insert('Users', {
        id: `U-${id}`,
        telegram_id: String(id),
        phone: '',
        name: 'Test',
        role: 'client',
        segment: 'retail',
        status: 'active',
        language: 'ru',
      });
    const b = createBroadcast(sheets.app.wb, {
      text: 'Новая акция',
      segment: 'all',
      createdBy: 'manager',
      start: 'now',
    });
    expect(await scrape()).toEqual([`${b.id} pending 3`]);

    const claimed = claimNext(sheets.app.wb, b.id, 'gw-1')!;
    recordOutcome(sheets.app.wb, b.id, claimed.telegramId, 'gw-1', 'sent');
    claimNext(sheets.app.wb, b.id, 'gw-1');
    expect(await scrape()).toEqual([`${b.id} pending 1`, `${b.id} sending 1`, `${b.id} sent 1`]);

    cancelBroadcast(sheets.app.wb, b.id);
    expect(await scrape()).toEqual([]);
  });
});
