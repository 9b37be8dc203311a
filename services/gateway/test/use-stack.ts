import { BotApiDouble, type TestUser } from '@mb/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { GatewayAppOptions } from '../src/app.ts';
import { type Stack, startStack } from './stack.ts';

/**
 * The whole stack on a Bot API double, started once for a test file (before its tests, closed after), the gateway
 * built with `gateway`. `signedIn` users are linked to the seeded client rows U-4, U-5, … (signed in); `idleAfterEach`:
 * each test ends when the dispatcher is idle. Read `env.api` / `env.stack` inside tests: they are set before them.
 */
export function useStack(
  gateway: Partial<GatewayAppOptions> = {},
  opts: { signedIn?: TestUser[]; idleAfterEach?: boolean } = {},
): { api: BotApiDouble; stack: Stack } {
  const env = {} as { api: BotApiDouble; stack: Stack };
  beforeAll(async () => {
    env.api = await new BotApiDouble().start();
    env.stack = await startStack({ apiRoot: env.api.url, gateway });
    opts.signedIn?.forEach((u, i) => env.stack.sheets.wb.update('Users', `U-${4 + i}`, { telegram_id: String(u.id) }));
  });
  afterAll(async () => {
    await env.stack?.close();
    await env.api?.close();
  });
  if (opts.idleAfterEach)
    afterEach(async () => {
      await env.stack.gateway.dispatcher.idle();
    });
  return env;
}
