import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceEntry } from '@mb/service-kit/runtime-flags';
import { BENCH_INTERNAL_TOKEN, BENCH_SECRET, BENCH_TOKEN } from './credentials.ts';
import { type ServiceProcess, startProcess } from './processes.ts';

export type ProcessStack = {
  dir: string;
  sheets: ServiceProcess;
  assistant: ServiceProcess;
  gateway: ServiceProcess;
  services: ServiceProcess[];
  webhookUrl: string;
  secret: string;
  token: string;
  /** One more gateway process wired as `gateway` is, with `env` on top (e.g. GATEWAY_ROLE=handler); stopped by stop(). */
  startGateway(env: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
};

/**
 * The three services as child processes, wired by env exactly as in production (the built services/*\/dist/main.js), on free
 * ports with a fresh temp directory; the gateway's Bot API is `apiRoot` (a double in the bench process).
 * `beforeGateway` runs once sheets is up (e.g. to seed the workbook).
 */
export async function startProcessStack(opts: {
  apiRoot: string;
  assistantEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  beforeGateway?: (stack: { dir: string; sheets: ServiceProcess }) => Promise<void> | void;
}): Promise<ProcessStack> {
  const dir = mkdtempSync(join(tmpdir(), 'mb-bench-'));
  const common = { INTERNAL_TOKEN: BENCH_INTERNAL_TOKEN };
  const started: ServiceProcess[] = [];
  try {
    const sheets = await startProcess('sheets', serviceEntry('sheets', true), {
      ...common,
      SHEETS_PORT: '0',
      SHEETS_DB_PATH: join(dir, 'workbook.sqlite'),
    });
    started.push(sheets);
    await opts.beforeGateway?.({ dir, sheets });
    const assistant = await startProcess('assistant', serviceEntry('assistant', true), {
      ...common,
      ASSISTANT_PORT: '0',
      SHEETS_URL: sheets.url,
      ASSISTANT_DB_PATH: join(dir, 'assistant.sqlite'),
      ...opts.assistantEnv,
    });
    started.push(assistant);
    const gatewayEnv = {
      ...common,
      GATEWAY_PORT: '0',
      TELEGRAM_BOT_TOKEN: BENCH_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: BENCH_SECRET,
      TELEGRAM_API_ROOT: opts.apiRoot,
      PUBLIC_URL: 'https://bot.example.com',
      SHEETS_URL: sheets.url,
      ASSISTANT_URL: assistant.url,
      GATEWAY_DB_PATH: join(dir, 'gateway.sqlite'),
      ...opts.gatewayEnv,
    };
    const gateway = await startProcess('gateway', serviceEntry('gateway', true), gatewayEnv);
    started.push(gateway);
    const more: ServiceProcess[] = [];
    const startGateway = async (env: Record<string, string>) => {
      const extra = await startProcess('gateway', serviceEntry('gateway', true), { ...gatewayEnv, ...env });
      more.push(extra);
      return extra;
    };
    const stop = async () => {
      // The gateways first: they drain their queues against sheets and assistant, which must still be up.
      await Promise.all([gateway, ...more].map((g) => g.stop(20_000)));
      await Promise.all([assistant.stop(), sheets.stop()]);
      rmSync(dir, { recursive: true, force: true });
    };
    return {
      dir,
      sheets,
      assistant,
      gateway,
      services: [gateway, sheets, assistant],
      webhookUrl: `${gateway.url}/telegram/webhook`,
      secret: BENCH_SECRET,
      token: BENCH_TOKEN,
      startGateway,
      stop,
    };
  } catch (error) {
    for (const p of started.reverse()) await p.stop(2000);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Polls `url` until it answers 2xx (readiness of a whole stack). */
export async function waitReady(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms: ${last}`);
}
