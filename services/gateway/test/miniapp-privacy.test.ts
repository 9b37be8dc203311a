import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miniAppClient, type Person } from './miniapp-client.ts';
import { type Stack, startStack } from './stack.ts';

const CLIENT = { id: 7101, first_name: 'Пётр' };
const GUEST = { id: 7103, first_name: 'Guest' };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  stack.sheets.wb.update('Users', 'U-4', { telegram_id: String(CLIENT.id) }); // Пётр Клиентов, retail client
});
afterAll(() => stack.close());

const api = (person: Person, authDate = new Date()) => miniAppClient(stack.gatewayUrl, person, authDate);

async function refusal(call: Promise<unknown>): Promise<{ status: number | undefined; reason: string | null }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { httpStatus?: number; reason?: string | null };
    return { status: data.httpStatus, reason: data.reason ?? null };
  }
  throw new Error('the call succeeded');
}

describe('Mini App "My data"', () => {
  it('shows what is stored about the signed-in user, and nothing to a stranger', async () => {
    const data = await api(CLIENT).privacy.myData.query();
    expect(data).toMatchObject({ name: 'Пётр Клиентов', phone: '+79035550103', segment: 'retail', role: 'client' });
    expect(data.requests).toBe(0);
    expect(data.participations).toBe(0);
    expect(await refusal(api(GUEST).privacy.myData.query())).toEqual({ status: 403, reason: 'not_signed_in' });
  });

  it('deletes only when confirmed and with fresh initData; afterwards nothing is stored and the user is a stranger', async () => {
    // No confirmation: a bad request, nothing erased.
    expect(await refusal(api(CLIENT).privacy.forget.mutate({ confirm: false as true }))).toMatchObject({
      status: 400,
    });
    // initData over an hour old is refused for a change like every other.
    const old = new Date(Date.now() - 2 * 3600_000);
    expect((await refusal(api(CLIENT, old).privacy.forget.mutate({ confirm: true }))).status).toBe(401);
    expect(stack.sheets.wb.find('Users', { id: 'U-4' })[0]).toMatchObject({ phone: '+79035550103' });

    expect(await api(CLIENT).privacy.forget.mutate({ confirm: true })).toEqual({ forgotten: true });
    expect(stack.sheets.wb.find('Users', { id: 'U-4' })[0]).toMatchObject({
      phone: '',
      name: '',
      telegram_id: '',
      status: 'deleted',
    });
    expect(await refusal(api(CLIENT).privacy.myData.query())).toEqual({ status: 403, reason: 'not_signed_in' });
    expect((await api(CLIENT).me.query()).account).toBeNull();
  });
});
