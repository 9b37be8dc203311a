/**
 * `npm start`: runs sheets, assistant and gateway as child processes on embedded defaults (or the ports and
 * settings in the environment), waits for each /healthz, prints the URLs, and stops them all on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVICE_PROCESS_ENV, serviceEntry, serviceNodeFlags } from '@mb/service-kit/runtime-flags';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const ports = {
  gateway: Number(env.GATEWAY_PORT ?? 8080),
  sheets: Number(env.SHEETS_PORT ?? 8081),
  assistant: Number(env.ASSISTANT_PORT ?? 8082),
};
const shared = {
  ...env,
  SHEETS_URL: env.SHEETS_URL ?? `http://127.0.0.1:${ports.sheets}`,
  ASSISTANT_URL: env.ASSISTANT_URL ?? `http://127.0.0.1:${ports.assistant}`,
  PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${ports.gateway}`,
};

const services = ['sheets', 'assistant', 'gateway'] as const;
// Production runs the JavaScript `npm start` has just built; development runs the TypeScript as it is.
const built = env.NODE_ENV === 'production';
const children = new Map<string, ChildProcess>();
let stopping = false;

function start(name: (typeof services)[number]): ChildProcess {
  // Each service's heap bounds and allocator setting, as in the Dockerfile and the bench (docs/memory.md).
  const child = spawn(process.execPath, [...serviceNodeFlags(name, shared), ...serviceEntry(name, built)], {
    cwd: root,
    env: { ...SERVICE_PROCESS_ENV, ...shared },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping the rest`);
      void stop(1);
    }
  });
  children.set(name, child);
  return child;
}

async function waitHealthy(name: string, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not answer /healthz on port ${port} within ${timeoutMs / 1000} s`);
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const name of [...services].reverse()) children.get(name)?.kill('SIGTERM');
  const deadline = Date.now() + 12_000;
  while (children.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

for (const name of services) {
  start(name);
  await waitHealthy(name, ports[name]).catch((error: Error) => {
    console.error(`[start] ${error.message}`);
    return stop(1);
  });
}
const base = `http://localhost:${ports.gateway}`;
console.log(`
marketingbot is running${env.TELEGRAM_BOT_TOKEN ? '' : ' in sandbox mode (no TELEGRAM_BOT_TOKEN)'}:
${env.TELEGRAM_BOT_TOKEN ? '' : `  ▶ Sandbox    ${base}/sandbox   (chat with the bot, play the manager, open the Mini App)\n`}  Mini App      ${base}/app/
  webhook       ${base}/telegram/webhook
  gateway       ${base}/healthz  ${base}/readyz  ${base}/metrics
  sheets        http://localhost:${ports.sheets}/healthz
  assistant     http://localhost:${ports.assistant}/healthz
Press Ctrl-C to stop.`);
