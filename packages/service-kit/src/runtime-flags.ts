/**
 * How each service's Node process is launched: V8 heap bounds and the allocator setting that keep every service within
 * its memory goal (≤ 150 MB RSS with 200,000 users; docs/memory.md). The one source for every launcher:
 * scripts/start.ts and the bench harness import it; each Docker image repeats them as its NODE_OPTIONS (so the
 * gateway command of docker-compose.yml gets them too); runtime-flags.test.ts keeps them equal.
 *
 * - `--max-semi-space-size`: the young generation. V8 grows it to 16–32 MB per semi-space under a high allocation rate
 *   (an update handled allocates far more than it keeps); a few MB keep the RSS small where the CPU allows it.
 * - `--max-old-space-size`: the old generation, a bound well above what each service keeps live after the e2e mix
 *   (heap snapshots: gateway ≈ 58 MB with its bounded queue full, sheets ≈ 33 MB, assistant ≈ 35 MB). Without it V8
 *   lets garbage grow to 200–380 MB before it collects. A service that needs more fails loudly (out of memory)
 *   instead of growing silently: raise the bound here, for every launcher at once.
 * - `--v8-pool-size=1`: one V8 helper thread (concurrent marking, compilation); the machines have 2 cores for 3 services.
 * - `MALLOC_ARENA_MAX=2`: glibc gives every thread (GC helpers, libuv pool) its own malloc arena; two are enough for
 *   a process whose JavaScript runs on one thread, and save 6–13 MB of RSS each.
 * - `MALLOC_MMAP_THRESHOLD_=65536`: socket reads allocate 64 KB buffers; mapped and unmapped whole instead of
 *   fragmenting the malloc heap (sheets: 35 → 17 MB of malloc heap after the mix), at no measurable CPU cost.
 */
export type ServiceName = 'gateway' | 'sheets' | 'assistant';

export const SERVICE_NODE_FLAGS: Readonly<Record<ServiceName, readonly string[]>> = {
  // Only a safety bound. Any tighter one cost the gateway's throughput: with a small young generation or an old one
  // of 96–192 MB, V8 collected so often that the gateway needed 1.5–2× the CPU per update and fell behind at
  // 1,000 updates/s (≈ 900/s answered, p99 3 s), where with this bound it answers all of them (p99 89 ms).
  gateway: ['--max-old-space-size=256'],
  // A pull of a Sheet with 200,000 users holds the managers' columns whole: 48 MB runs out, 64 does not.
  sheets: ['--max-semi-space-size=2', '--max-old-space-size=128', '--v8-pool-size=1'],
  assistant: ['--max-semi-space-size=2', '--max-old-space-size=80', '--v8-pool-size=1'],
};

/**
 * V8 heap bounds of each gateway handler worker thread (GATEWAY_HANDLER_WORKERS; `new Worker(…, { resourceLimits })`).
 * A worker is an isolate of its own: without a bound V8 grows its young generation to 32 MB per semi-space under the
 * handlers' allocation rate (≈ 320 KB per update). A young generation of 24 MB (8 MB per semi-space) is where the
 * worker's CPU per update stops falling: 12 MB collected twice as often, and with 256 handlers in flight each
 * collection copies most of what they hold (e2e mix at 1,000/s: 614–726 answered/s with 12 MB, 790 with 24, 759–800
 * with 48, 709 with 96; +9 MB peak RSS for 24 over 12; docs/memory.md). A process-wide `--max-semi-space-size` would
 * override this bound for the worker too: GATEWAY_ACK_THREAD_FLAGS sets the same 8 MB per semi-space. A worker that outgrows the old-generation bound dies with
 * ERR_WORKER_OUT_OF_MEMORY and is replaced (its unfinished updates handed to the replacement), so the bound is set
 * well above what a worker keeps live.
 */
export const HANDLER_WORKER_LIMITS: Readonly<{ maxYoungGenerationSizeMb: number; maxOldGenerationSizeMb: number }> = {
  maxYoungGenerationSizeMb: 24,
  maxOldGenerationSizeMb: 128,
};

/** Environment every service process is started with (on top of its own configuration). */
export const SERVICE_PROCESS_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '65536',
};

/**
 * Whether a gateway started with `env` hands its updates to handler worker threads: a bot token (the sandbox's
 * emulated Bot API lives on the main thread), no REDIS_URL (handler processes scale instead) and
 * GATEWAY_HANDLER_WORKERS not 0 (unset: every core but one, at least one). The gateway decides the same from its parsed
 * env (app.ts, handlers/index.ts) and warns at start when it disagrees with this.
 */
export function gatewayHandsOffUpdates(env: Readonly<Record<string, string | undefined>>): boolean {
  // An empty value is unset, as parseEnv reads it (docker-compose's `VAR=`): the default, at least one worker.
  const workers = env['GATEWAY_HANDLER_WORKERS']?.trim() || undefined;
  return Boolean(env['TELEGRAM_BOT_TOKEN']) && !env['REDIS_URL'] && (workers === undefined || Number(workers) !== 0);
}

/**
 * The gateway's main thread when handler workers run: it only acknowledges updates (HTTP, a SQLite commit per batch,
 * a message to a worker), yet V8 grows its young generation to 32 MB per semi-space under that allocation rate
 * (e2e mix at 1,000/s: a 168 MB heap with 57 MB used). 8 MB per semi-space is the workers' own bound
 * (HANDLER_WORKER_LIMITS: 24 MB young = 3 semi-spaces), so the flag, which is process-wide, changes nothing for them.
 * Not for a gateway that handles on its main thread: there the same bound cut the answers at 1,000/s from 945–975 to
 * 555/s (docs/memory.md).
 */
export const GATEWAY_ACK_THREAD_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/**
 * The Node flags for a process named `name` started with `env` (none for a name that is not one of the services); the
 * gateway's depend on whether it will hand its updates to workers.
 */
export function serviceNodeFlags(name: string, env: Readonly<Record<string, string | undefined>> = {}): string[] {
  if (!Object.hasOwn(SERVICE_NODE_FLAGS, name)) return [];
  const flags = [...SERVICE_NODE_FLAGS[name as ServiceName]];
  if (name === 'gateway' && gatewayHandsOffUpdates(env)) flags.push(...GATEWAY_ACK_THREAD_FLAGS);
  return flags;
}

/**
 * How a service's program is run: `built` (production `npm start`, the images, the bench) is its JavaScript from
 * `npm run build` (scripts/build-js.ts) with the workspace packages resolved to theirs (`--conditions=built`), so no
 * process loads Node's type stripper (≈ 18 MB of RSS and its start-up time); development runs the TypeScript directly.
 * Paths are relative to the repository's root.
 */
export function serviceEntry(name: ServiceName, built: boolean): string[] {
  return built ? ['--conditions=built', `services/${name}/dist/main.js`] : [`services/${name}/src/main.ts`];
}
