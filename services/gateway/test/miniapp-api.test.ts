import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED_VECTOR, signInitData, startStack, TEST_TOKEN, type Stack } from '@mb/testing';
import type { MiniAppRouter } from '../src/miniapp-api/router-type.ts';
import { authenticate, InitDataError } from '../src/miniapp-api/auth.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const call = (authorization?: string) =>
  fetch(`${stack.gatewayUrl}/api/trpc/promotions.list`, { headers: authorization ? { authorization } : {} });

describe('Mini App API auth', () => {
  it('validates the published tma.js test vector (signature kept in the data-check string)', () => {
    const { user, authDate } = authenticate(`tma ${PUBLISHED_VECTOR.initData}`, PUBLISHED_VECTOR.token, 0);
    expect(user).toMatchObject({ id: PUBLISHED_VECTOR.userId, firstName: 'Vladislav + - ? /', username: 'vdkfrost' });
    expect(authDate.getTime()).toBe(PUBLISHED_VECTOR.authDate.getTime());
    expect(() => authenticate(`tma ${PUBLISHED_VECTOR.initData}`, PUBLISHED_VECTOR.token, 3600)).toThrow(InitDataError);
    expect(() => authenticate(`tma ${PUBLISHED_VECTOR.initData}`, TEST_TOKEN, 0)).toThrow(/not valid/);
  });

  it('returns public promotions to a valid user who has not signed in', async () => {
    const res = await call(`tma ${signInitData(TEST_TOKEN, { id: 42, first_name: 'Guest' })}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: Array<{ id: string }> } };
    const ids = body.result.data.map((p) => p.id);
    expect(ids).toContain('cashback-10');
    expect(ids).not.toContain('partner-webinar'); // partners only
    expect(ids).not.toContain('friend-bonus'); // retail only
  });

  it('returns the segment promotions to a signed-in user (typed client)', async () => {
    stack.sheets.wb.update('Users', 'U-6', { telegram_id: '777' }); // a partner
    const initData = signInitData(TEST_TOKEN, { id: 777, first_name: 'Partner' });
    const client = createTRPCClient<MiniAppRouter>({ links: [httpLink({ url: `${stack.gatewayUrl}/api/trpc`, headers: { authorization: `tma ${initData}` } })] });
    const list = await client.promotions.list.query();
    expect(list.map((p) => p.id)).toContain('partner-webinar');
    expect((await client.me.query()).account).toMatchObject({ role: 'client', segment: 'partners' });
  });

  it('refuses forged, expired, other-bot and missing initData with 401', async () => {
    const valid = signInitData(TEST_TOKEN, { id: 42, first_name: 'Guest' });
    const forged = valid.replace('Guest', 'Admin');
    const expired = signInitData(TEST_TOKEN, { id: 42, first_name: 'Guest' }, new Date(Date.now() - 2 * 86_400_000));
    const otherBot = signInitData('999:other-bot-token-aaaaaaaaaaaaaaaa', { id: 42, first_name: 'Guest' });
    for (const header of [`tma ${forged}`, `tma ${expired}`, `tma ${otherBot}`, undefined, 'Bearer x', `tma ${PUBLISHED_VECTOR.initData}`]) {
      const res = await call(header);
      expect(res.status, String(header).slice(0, 40)).toBe(401);
    }
  });
});
