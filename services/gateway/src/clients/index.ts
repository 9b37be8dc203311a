import { createServiceClient, type ServiceMetrics } from '@mb/service-kit';
import type { AssistantRouter } from '@mb/assistant/router-type';
import type { SheetsRouter } from '@mb/sheets/router-type';
import type { TRPCClient } from '@trpc/client';

export type SheetsClient = TRPCClient<SheetsRouter>;
export type AssistantClient = TRPCClient<AssistantRouter>;
export type Clients = { sheets: SheetsClient; assistant: AssistantClient };

export function createClients(opts: { sheetsUrl: string; assistantUrl: string; token: string; metrics: ServiceMetrics }): Clients {
  return {
    sheets: createServiceClient<SheetsRouter>({ target: 'sheets', url: opts.sheetsUrl, token: opts.token, metrics: opts.metrics }),
    assistant: createServiceClient<AssistantRouter>({ target: 'assistant', url: opts.assistantUrl, token: opts.token, metrics: opts.metrics, timeoutMs: 30_000 }),
  };
}
