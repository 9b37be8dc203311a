import { createServer, Socket } from 'node:net';
import { BotApiDouble, type TestUser } from '@mb/testing';
import { afterAll, beforeAll } from 'vitest';
import { type Stack, startStack } from './stack.ts';

/**
 * A TCP proxy in front of a service that can stall it as SIGSTOP would: while paused, connections are accepted and
 * bytes are taken in but nothing is passed on either way; on resume everything held goes through in order.
 */
export async function stallableProxy(target = 'http://127.0.0.1:9') {
  let { hostname, port } = new URL(target);
  let paused = false;
  let held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const pass = (to: Socket, chunk: Buffer) => {
    if (!to.destroyed) to.write(chunk);
  };
  const server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client);
    sockets.add(upstream);
    upstream.connect(Number(port), hostname);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => (paused ? held.push(() => pass(to, chunk)) : pass(to, chunk)));
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** Points the proxy at the service (known only once the stack has started it). */
    retarget(url: string): void {
      ({ hostname, port } = new URL(url));
    },
    stall(): void {
      paused = true;
    },
    resume(): void {
      paused = false;
      const run = held;
      held = [];
      for (const f of run) f();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * The whole stack with the gateway reaching `dependency` only through a stallable proxy: calls to it bounded at 800 ms,
 * an update that failed on it retried after 200 ms … 800 ms, the user told "one moment" after 1 s; no change-event
 * consumer. `users` are linked to the seeded client rows U-4, U-5, … (signed in). Started once for a test file (before
 * its tests, closed after): read `env.api` / `env.proxy` / `env.stack` inside tests.
 */
export function useStackBehindProxy(
  dependency: 'sheets' | 'assistant',
  users: TestUser[],
): { api: BotApiDouble; proxy: Awaited<ReturnType<typeof stallableProxy>>; stack: Stack } {
  const env = {} as Awaited<ReturnType<typeof startStackBehindProxy>>;
  beforeAll(async () => {
    Object.assign(env, await startStackBehindProxy(dependency, users));
  });
  afterAll(() => env.close?.());
  return env;
}

async function startStackBehindProxy(dependency: 'sheets' | 'assistant', users: TestUser[]) {
  const api = await new BotApiDouble().start();
  const proxy = await stallableProxy();
  const stack = await startStack({
    apiRoot: api.url,
    gateway: {
      events: { enabled: false },
      retry: { firstMs: 200, maxPauseMs: 800, noticeAfterMs: 1000, giveUpAfterMs: 60_000 },
      ...(dependency === 'sheets'
        ? { sheetsUrl: proxy.url, serviceTimeouts: { sheetsMs: 800 } }
        : {
            assistantUrl: proxy.url,
            serviceTimeouts: { assistantMs: 800 },
            assistantPacing: { draftIntervalMs: 0, editIntervalMs: 0 },
          }),
    },
  });
  proxy.retarget(dependency === 'sheets' ? stack.sheetsUrl : stack.assistantUrl);
  users.forEach((u, i) => stack.sheets.wb.update('Users', `U-${4 + i}`, { telegram_id: String(u.id) }));
  const close = async () => {
    await stack.close();
    await proxy.close();
    await api.close();
  };
  return { api, proxy, stack, close };
}
