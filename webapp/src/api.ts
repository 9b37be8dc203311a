import type { MiniAppOutputs, MiniAppRouter } from '@mb/gateway/miniapp-router-type';
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, splitLink, TRPCClientError } from '@trpc/client';
import { hasText, t } from './i18n.ts';

export type Api = ReturnType<typeof createApi>;
export type Me = MiniAppOutputs['me'];
export type PromotionView = MiniAppOutputs['promotions']['list'][number];
export type TicketView = MiniAppOutputs['requests']['list']['items'][number];
export type TicketThread = MiniAppOutputs['requests']['get'];
export type MyData = MiniAppOutputs['privacy']['myData'];

/** The gateway's Mini App API; every call carries `Authorization: tma <initData>`. */
export function createApi(initData: string) {
  const url = new URL('../api/trpc', location.href).href;
  const headers = () => ({ authorization: `tma ${initData}` });
  return createTRPCClient<MiniAppRouter>({
    links: [
      splitLink({
        // The assistant's answer streams as JSON lines; everything else is batched.
        condition: (op) => op.path === 'assistant.askStream',
        true: httpBatchStreamLink({ url, headers, maxItems: 1 }),
        // The gateway takes at most 10 procedures per batch (MINIAPP_LIMITS.maxBatch).
        false: httpBatchLink({ url, headers, maxItems: 10 }),
      }),
    ],
  });
}

/** The reason key of a refused call (`initdata_invalid`, `not_signed_in`, …), or null. */
export function errorReason(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { reason?: string | null; code?: string } | undefined;
  if (data?.reason) return data.reason;
  if (data?.code === 'BAD_REQUEST') return 'bad_input';
  if (data?.code === 'UNAUTHORIZED') return 'initdata_invalid';
  if (!data) return 'network';
  return null;
}

/** A failed call in words, in the user's language. */
export function errorText(error: unknown): string {
  const key = `error.${errorReason(error) ?? 'unknown'}`;
  return hasText(key) ? t(key) : t('error.unknown');
}
