import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GATEWAY_ACK_THREAD_FLAGS,
  gatewayHandsOffUpdates,
  HANDLER_WORKER_LIMITS,
  SERVICE_NODE_FLAGS,
  SERVICE_PROCESS_ENV,
  type ServiceName,
  serviceNodeFlags,
} from './runtime-flags.ts';

const ROOT = new URL('../../../', import.meta.url);
const SERVICES = Object.keys(SERVICE_NODE_FLAGS) as ServiceName[];
const flagValue = (flags: readonly string[], name: string) =>
  Number(flags.find((f) => f.startsWith(`--${name}=`))?.split('=')[1]);

/** The V8 heap limit (MB) of a Node process started with `flags` on its command line or in NODE_OPTIONS. */
function heapLimitMb(flags: readonly string[], via: 'argv' | 'NODE_OPTIONS'): number {
  const script = "process.stdout.write(String(require('node:v8').getHeapStatistics().heap_size_limit / 1048576))";
  const out =
    via === 'argv'
      ? execFileSync(process.execPath, [...flags, '-e', script], {
          encoding: 'utf8',
          env: { PATH: process.env['PATH'] ?? '' },
        })
      : execFileSync(process.execPath, ['-e', script], {
          encoding: 'utf8',
          env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: flags.join(' ') },
        });
  return Number(out);
}

/** Dockerfile stages: name → the lines of the stage. */
function stages(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of readFileSync(new URL('Dockerfile', ROOT), 'utf8').split('\n')) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) out.set(from[1]!, (current = []));
    else current?.push(line);
  }
  return out;
}

describe('service runtime flags', () => {
  it('bound the old generation of every service, and a young generation, where one is given, to a few MB', () => {
    for (const service of SERVICES) {
      const flags = SERVICE_NODE_FLAGS[service];
      expect(flagValue(flags, 'max-old-space-size'), service).toBeGreaterThanOrEqual(64);
      if (flags.some((f) => f.startsWith('--max-semi-space-size=')))
        expect(flagValue(flags, 'max-semi-space-size'), service).toBeLessThanOrEqual(8);
    }
    expect(flagValue(SERVICE_NODE_FLAGS.sheets, 'max-semi-space-size')).toBeGreaterThan(0);
    expect(serviceNodeFlags('gateway')).toEqual([...SERVICE_NODE_FLAGS.gateway]);
    expect(serviceNodeFlags('bot-api-double')).toEqual([]);
    expect(serviceNodeFlags('toString')).toEqual([]);
  });

  it("bound the gateway main thread's young generation only where handler workers take the handling from it", () => {
    const token = { TELEGRAM_BOT_TOKEN: '123:abc' };
    const cases: [Record<string, string | undefined>, boolean][] = [
      [token, true], // GATEWAY_HANDLER_WORKERS unset: every core but one, at least one
      [{ ...token, GATEWAY_HANDLER_WORKERS: '2' }, true],
      [{ ...token, GATEWAY_HANDLER_WORKERS: '0' }, false],
      [{ ...token, GATEWAY_HANDLER_WORKERS: ' 0 ' }, false],
      [{ ...token, GATEWAY_HANDLER_WORKERS: '' }, true], // empty is unset (parseEnv), as compose's `VAR=` gives it
      [{ ...token, REDIS_URL: '' }, true],
      [{ ...token, REDIS_URL: 'redis://127.0.0.1:6379' }, false], // handler processes instead
      [{}, false], // the sandbox: its emulated Bot API is on the main thread
      [{ TELEGRAM_BOT_TOKEN: '', GATEWAY_HANDLER_WORKERS: '1' }, false],
    ];
    for (const [env, handsOff] of cases) {
      expect(gatewayHandsOffUpdates(env), JSON.stringify(env)).toBe(handsOff);
      expect(serviceNodeFlags('gateway', env), JSON.stringify(env)).toEqual([
        ...SERVICE_NODE_FLAGS.gateway,
        ...(handsOff ? GATEWAY_ACK_THREAD_FLAGS : []),
      ]);
      // Sheets and the assistant do not depend on the gateway's shape.
      expect(serviceNodeFlags('sheets', env)).toEqual([...SERVICE_NODE_FLAGS.sheets]);
    }
    // The flag is process-wide: it must not take from a worker what HANDLER_WORKER_LIMITS gives it (V8's young
    // generation is three semi-spaces).
    expect(3 * flagValue(GATEWAY_ACK_THREAD_FLAGS, 'max-semi-space-size')).toBe(
      HANDLER_WORKER_LIMITS.maxYoungGenerationSizeMb,
    );
    const flags = serviceNodeFlags('gateway', token);
    expect(heapLimitMb(flags, 'argv')).toBeLessThanOrEqual(flagValue(flags, 'max-old-space-size') + 3 * 8);
  });

  it('take effect on the command line and in NODE_OPTIONS (how the Docker images pass them)', () => {
    for (const service of SERVICES) {
      const flags = SERVICE_NODE_FLAGS[service];
      const old = flagValue(flags, 'max-old-space-size');
      // V8's limit is the old generation plus the young one (three semi-spaces, at most 64 MB each when not bounded).
      const young = 3 * (flagValue(flags, 'max-semi-space-size') || 64);
      for (const via of ['argv', 'NODE_OPTIONS'] as const) {
        const limit = heapLimitMb(flags, via);
        expect(limit, `${service} via ${via}`).toBeGreaterThan(old);
        expect(limit, `${service} via ${via}`).toBeLessThanOrEqual(old + young);
      }
    }
  });

  it('are the ones each Docker image runs with, and every image has the allocator setting', () => {
    const all = stages();
    for (const service of SERVICES) {
      const lines = all.get(service)!.join('\n');
      const nodeOptions = /^ENV\s+NODE_OPTIONS="([^"]*)"/m.exec(lines)?.[1];
      expect(nodeOptions, `${service} stage sets NODE_OPTIONS`).toBe(SERVICE_NODE_FLAGS[service].join(' '));
    }
    const runtime = all.get('runtime')!.join('\n');
    for (const [key, value] of Object.entries(SERVICE_PROCESS_ENV))
      expect(runtime).toMatch(new RegExp(`^ENV\\s.*\\b${key}=${value}\\b`, 'm'));
  });

  it('are used by npm start and by the bench harness', () => {
    for (const file of ['scripts/start.ts', 'bench/src/harness/processes.ts']) {
      const source = readFileSync(new URL(file, ROOT), 'utf8');
      expect(source, file).toMatch(/\.\.\.serviceNodeFlags\(name, (shared|env)\)/);
      expect(source, file).toMatch(/\.\.\.SERVICE_PROCESS_ENV/);
    }
  });
});
