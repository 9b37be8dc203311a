import { createHttpServer, createRegistry, createServiceClient, createTrpcHandler, internalContextFactory, type Logger } from '@mb/service-kit';
import type { SheetsRouter } from '@mb/sheets/router-type';
import { Knowledge } from './knowledge.ts';
import { RetrievalAnswerer } from './llm/answerer.ts';
import { createAssistantRouter } from './router.ts';

export type AssistantAppOptions = { sheetsUrl: string; internalToken: string; logger: Logger };

/** Builds the assistant service without listening; main.ts and tests share it. */
export function createAssistantApp(opts: AssistantAppOptions) {
  const metrics = createRegistry('assistant');
  const sheets = createServiceClient<SheetsRouter>({ target: 'sheets', url: opts.sheetsUrl, token: opts.internalToken, metrics });
  const knowledge = new Knowledge(sheets);
  const router = createAssistantRouter({ knowledge, answerer: new RetrievalAnswerer() });
  const trpc = createTrpcHandler({
    router,
    basePath: '/trpc/',
    createContext: internalContextFactory({ token: opts.internalToken, log: opts.logger, metrics }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') opts.logger.error({ err: error, procedure: path }, 'procedure failed');
    },
  });
  const server = createHttpServer({
    service: 'assistant',
    metrics,
    logger: opts.logger,
    routes: [{ path: '/trpc/', prefix: true, name: '/trpc', handler: trpc }],
    readiness: { sheets: async () => ({ ok: (await sheets.ping.query()).ok }) },
  });
  return { server, metrics, router, close: () => undefined };
}
