import { createServiceClient } from '@mb/service-kit';
import type { SheetsRouter } from '@mb/sheets/router-type';
import { signInitData, TEST_INTERNAL_TOKEN, TEST_TOKEN } from '@mb/testing';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miniAppClient, type Person } from './miniapp-client.ts';
import { type Stack, startStack } from './stack.ts';

const CLIENT = { id: 7001, first_name: 'Пётр' };
const MANAGER = { id: 7002, first_name: 'Мария' };
const GUEST = { id: 7003, first_name: 'Guest' };

let stack: Stack;
let sheets: ReturnType<typeof createServiceClient<SheetsRouter>>;
beforeAll(async () => {
  stack = await startStack();
  stack.sheets.wb.update('Users', 'U-4', { telegram_id: String(CLIENT.id) }); // retail client
  stack.sheets.wb.update('Users', 'U-2', { telegram_id: String(MANAGER.id) }); // manager
  sheets = createServiceClient<SheetsRouter>({ target: 'sheets', url: stack.sheetsUrl, token: TEST_INTERNAL_TOKEN });
});
afterAll(() => stack.close());

const api = (person: Person, authDate = new Date()) => miniAppClient(stack.gatewayUrl, person, authDate);

async function refusal(
  call: Promise<unknown>,
): Promise<{ status: number | undefined; reason: string | null | undefined }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { httpStatus?: number; reason?: string | null };
    return { status: data.httpStatus, reason: data.reason };
  }
  throw new Error('the call succeeded');
}

/** Who a broadcast to everyone would reach now, as a manager sees it in the Mini App. */
const audience = async () => (await api(MANAGER).staff.audience.query({ segment: 'all' })).count;

describe('Mini App settings: news and promotions', () => {
  it('is on by default; off stores the opt-out and drops the user from the audience; on again counts them', async () => {
    expect(await api(CLIENT).settings.get.query()).toEqual({ marketing: true });
    const everyone = await audience();

    expect(await api(CLIENT).settings.setMarketing.mutate({ marketing: false })).toEqual({ marketing: false });
    expect(await sheets.broadcasts.optedOut.query({ telegramId: CLIENT.id })).toEqual({ optedOut: true });
    expect(await api(CLIENT).settings.get.query()).toEqual({ marketing: false });
    expect(await audience()).toBe(everyone - 1);
    // Idempotent: a second "off" (a double tap) changes nothing.
    expect(await api(CLIENT).settings.setMarketing.mutate({ marketing: false })).toEqual({ marketing: false });
    expect(await audience()).toBe(everyone - 1);

    expect(await api(CLIENT).settings.setMarketing.mutate({ marketing: true })).toEqual({ marketing: true });
    expect(await sheets.broadcasts.optedOut.query({ telegramId: CLIENT.id })).toEqual({ optedOut: false });
    expect(await api(CLIENT).settings.get.query()).toEqual({ marketing: true });
    expect(await audience()).toBe(everyone);
  });

  it('the Mini App setting and /stop change the same opt-out', async () => {
    await sheets.broadcasts.setOptOut.mutate({ telegramId: CLIENT.id, optedOut: true });
    expect(await api(CLIENT).settings.get.query()).toEqual({ marketing: false });
    await api(CLIENT).settings.setMarketing.mutate({ marketing: true });
    expect(await sheets.broadcasts.optedOut.query({ telegramId: CLIENT.id })).toEqual({ optedOut: false });
  });

  it('a user who has not signed in gets 403 and nothing is stored', async () => {
    expect(await refusal(api(GUEST).settings.get.query())).toEqual({ status: 403, reason: 'not_signed_in' });
    expect(await refusal(api(GUEST).settings.setMarketing.mutate({ marketing: false }))).toEqual({
      status: 403,
      reason: 'not_signed_in',
    });
    expect(await sheets.broadcasts.optedOut.query({ telegramId: GUEST.id })).toEqual({ optedOut: false });
  });

  it('a change needs initData under an hour old; reading accepts it for a day', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    expect(await api(CLIENT, twoHoursAgo).settings.get.query()).toEqual({ marketing: true });
    expect(await refusal(api(CLIENT, twoHoursAgo).settings.setMarketing.mutate({ marketing: false }))).toEqual({
      status: 401,
      reason: 'initdata_expired',
    });
    expect(await sheets.broadcasts.optedOut.query({ telegramId: CLIENT.id })).toEqual({ optedOut: false });
  });

  it('refuses a value that is not true or false with 400', async () => {
    const res = await fetch(`${stack.gatewayUrl}/api/trpc/settings.setMarketing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `tma ${signInitData(TEST_TOKEN, CLIENT)}` },
      body: JSON.stringify({ marketing: 'no' }),
    });
    expect(res.status).toBe(400);
    expect(await sheets.broadcasts.optedOut.query({ telegramId: CLIENT.id })).toEqual({ optedOut: false });
  });
});
