import { signInitData, TEST_TOKEN } from '@mb/testing';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { MiniAppRouter } from '../src/miniapp-api/router-type.ts';

/** A Telegram user as the Mini App's initData carries them. */
export type Person = { id: number; first_name: string };

/**
 * A Mini App API client (`/api/trpc` of the gateway at `gatewayUrl`) as `person` would call it from Telegram:
 * `Authorization: tma <initData>` signed with the test bot's token at `authDate`.
 */
export const miniAppClient = (gatewayUrl: string, person: Person, authDate = new Date()) =>
  createTRPCClient<MiniAppRouter>({
    links: [
      httpLink({
        url: `${gatewayUrl}/api/trpc`,
        headers: { authorization: `tma ${signInitData(TEST_TOKEN, person, authDate)}` },
      }),
    ],
  });
