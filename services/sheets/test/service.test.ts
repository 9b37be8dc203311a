import { createServiceClient } from '@mb/service-kit';
import { describe, expect, it } from 'vitest';
import type { SheetsRouter } from '../src/router-type.ts';
import { useSheetsApp } from './sheets-app.ts';

const TOKEN = 'sheets-test-token-0123456789';
const sheets = useSheetsApp({ token: TOKEN });

describe('sheets service over HTTP', () => {
  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await fetch(`${sheets.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${sheets.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { database: { ok: true } } });
    const metrics = await (await fetch(`${sheets.url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toContain('sheets_http_request_duration_seconds_bucket');
    expect(metrics).toContain('route="/healthz"');
  });

  it('refuses a missing or wrong internal token with 401 and accepts the right one', async () => {
    expect((await fetch(`${sheets.url}/trpc/catalog.settings`)).status).toBe(401);
    expect(
      (
        await fetch(`${sheets.url}/trpc/catalog.settings`, {
          headers: { 'x-internal-token': 'wrong-token-0123456789' },
        })
      ).status,
    ).toBe(401);
    const ok = await fetch(`${sheets.url}/trpc/catalog.settings`, { headers: { 'x-internal-token': TOKEN } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { result: { data: { welcomeText: string } } };
    expect(body.result.data.welcomeText).toMatch(/Здравствуйте/);
  });

  it('labels tRPC metrics by procedure, never by URL', async () => {
    const metrics = await (await fetch(`${sheets.url}/metrics`)).text();
    expect(metrics).toMatch(
      /sheets_trpc_server_duration_seconds_count\{[^}]*procedure="catalog.settings"[^}]*result="ok"/,
    );
    expect(metrics).toMatch(/procedure="catalog.settings"[^}]*result="UNAUTHORIZED"/);
    expect(metrics).not.toContain('input=');
  });

  it('serves the seeded workbook through the typed client', async () => {
    const client = createServiceClient<SheetsRouter>({ target: 'sheets', url: sheets.url, token: TOKEN });
    const everyone = await client.catalog.promotions.query({ segment: null });
    const retail = await client.catalog.promotions.query({ segment: 'retail' });
    const partners = await client.catalog.promotions.query({ segment: 'partners' });
    expect(everyone.every((p) => p.segment === 'all')).toBe(true);
    expect(retail.map((p) => p.id)).toContain('friend-bonus');
    expect(retail.map((p) => p.id)).not.toContain('partner-webinar');
    expect(partners.map((p) => p.id)).toContain('partner-webinar');
    // drafts, archived and future promotions are not live
    const live = new Set([...retail, ...partners].map((p) => p.id));
    for (const hidden of ['new-year', 'summer-camp', 'black-friday']) expect(live.has(hidden)).toBe(false);
    expect(await client.catalog.faq.query()).toHaveLength(20);
    expect((await client.catalog.allPromotions.query()).length).toBe(12);
  });

  it('rejects bad input with a clear error', async () => {
    const res = await fetch(
      `${sheets.url}/trpc/catalog.promotion?input=${encodeURIComponent(JSON.stringify({ id: '' }))}`,
      {
        headers: { 'x-internal-token': TOKEN },
      },
    );
    expect(res.status).toBe(400);
    const missing = await fetch(
      `${sheets.url}/trpc/catalog.promotion?input=${encodeURIComponent(JSON.stringify({ id: 'nope' }))}`,
      { headers: { 'x-internal-token': TOKEN } },
    );
    expect(missing.status).toBe(404);
  });

  it('records a participation once, durably, with an outbox entry for the Sheet', async () => {
    sheets.app.wb.update('Users', 'U-4', { telegram_id: '5000001' });
    const client = createServiceClient<SheetsRouter>({ target: 'sheets', url: sheets.url, token: TOKEN });
    const first = await client.participations.create.mutate({ telegramId: 5000001, promotionId: 'friend-bonus' });
    const second = await client.participations.create.mutate({ telegramId: 5000001, promotionId: 'friend-bonus' });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, participation: { id: first.participation.id } });
    const outbox = sheets.app.db.prepare("SELECT tab, kind FROM outbox WHERE tab = 'Participations'").all();
    expect(outbox).toEqual([{ tab: 'Participations', kind: 'insert' }]);
    await expect(
      client.participations.create.mutate({ telegramId: 5000001, promotionId: 'partner-webinar' }),
    ).rejects.toThrow(/not_visible/);
  });
});
