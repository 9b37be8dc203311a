import { createTRPCClient, httpLink } from '@trpc/client';
import type { MiniAppRouter } from '@mb/gateway/miniapp-router-type';
import { retrieveRawInitData } from '@telegram-apps/sdk';

/** The raw initData Telegram put in the launch parameters; undefined outside Telegram. */
export function rawInitData(): string | undefined {
  try {
    return retrieveRawInitData() || undefined;
  } catch {
    return undefined;
  }
}

/** The gateway's Mini App API; every call carries `Authorization: tma <initData>`. */
export function createApi(initData: string) {
  return createTRPCClient<MiniAppRouter>({
    links: [httpLink({ url: new URL('../api/trpc', location.href).href, headers: () => ({ authorization: `tma ${initData}` }) })],
  });
}
