import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVICE_PROCESS_ENV, serviceNodeFlags } from '@mb/service-kit/runtime-flags';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const running = new Set<ServiceProcess>();
let profileDir: string | undefined;
let nodeFlags: string[] = [];

/** `--cpu-prof`: every service started from now on writes a V8 CPU profile into `dir` when it exits. */
export function enableCpuProfiles(dir: string): void {
  mkdirSync(dir, { recursive: true });
  profileDir = dir;
}

/** `--node-options=…`: V8/Node flags (e.g. `--max-old-space-size=128`) for every process started from now on. */
export function setNodeFlags(flags: string[]): void {
  nodeFlags = flags;
}

export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
  readonly service: string;
  constructor(service: string, detail: string) {
    super(`${service} did not start: ${detail}`);
    this.service = service;
  }
}

/** One Node process, as in production: its own event loop, heap and RSS. */
export class ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  port = 0;
  /** Log lines at level error or above (pino level ≥ 50), the last few kept for the report. */
  errors = 0;
  readonly lastErrors: string[] = [];
  private exited: Promise<void>;

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resident set size now and at its peak (VmHWM), in bytes, from /proc. */
  memory(): { rss: number; peak: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  }

  /** User + system CPU time used so far, in seconds (clock ticks of 1/100 s on Linux). */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** SIGTERM (graceful drain), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    running.delete(this);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Starts `entry` (a path under the repository) with exactly `env` (plus PATH/HOME) and waits for its pino
 * "… listening" line, which carries the port it bound (services are started on port 0).
 */
export async function startProcess(
  name: string,
  entry: string | string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ServiceProcess> {
  // The service's own launch flags (as in production), then any given with --node-options (later ones win).
  const args = [
    ...serviceNodeFlags(name, env),
    ...nodeFlags,
    ...(profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`]
      : []),
    ...(typeof entry === 'string' ? [join(root, entry)] : entry),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      LOG_LEVEL: 'info',
      ...SERVICE_PROCESS_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = new ServiceProcess(name, child);
  running.add(proc);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const port = new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(
      () => reject(new ServiceStartError(name, `no "listening" line within ${timeoutMs} ms; stderr: ${stderr}`)),
      timeoutMs,
    );
    child.once('exit', (code) => reject(new ServiceStartError(name, `exited with ${code}; stderr: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { level?: number; msg?: string; port?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if ((entry.level ?? 0) >= 50) {
        proc.errors++;
        proc.lastErrors.push(line.slice(0, 500));
        if (proc.lastErrors.length > 5) proc.lastErrors.shift();
      }
      if (typeof entry.port === 'number' && entry.msg?.includes('listening')) {
        clearTimeout(timer);
        resolvePort(entry.port);
      }
    });
  });
  try {
    proc.port = await port;
  } catch (error) {
    await proc.stop(1000);
    throw error;
  }
  return proc;
}

/** Stops everything started and not yet stopped (after each suite, and on a failed run). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});
