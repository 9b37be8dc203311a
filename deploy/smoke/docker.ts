/**
 * The Docker engine the deploy smoke drives: Debian's `docker.io` (the CLI at /usr/bin/docker, which has BuildKit
 * built in) and docker-compose 1.29. When no daemon answers, one is started with its own data root, socket and exec
 * root, and stopped (by its PID) and removed at the end.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type Run = (cmd: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; input?: string }) => Promise<string>;

/** Runs a command; on failure the error names the command and carries its stderr's tail. */
export const run: Run = async (cmd, args, opts = {}) => {
  try {
    const { stdout } = await execFileAsync(cmd, args, {
      env: opts.env ?? process.env,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    const tail = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message.split('\n')[0]}\n${tail}`);
  }
};

/** Waits for `check` to hold, asking again with a growing pause, or throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pause = 100;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await sleep(pause);
    pause = Math.min(pause * 2, 2000);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export type Engine = {
  /** The docker CLI to use (BuildKit built in). */
  docker: string;
  /** Environment for docker and docker-compose (DOCKER_HOST when the smoke runs its own daemon). */
  env: NodeJS.ProcessEnv;
  /** Whether this run started the daemon. */
  started: boolean;
  stop: () => Promise<void>;
};

/** The Docker engine: the one already running, or a daemon of our own in `workDir`. */
export async function dockerEngine(workDir: string): Promise<Engine> {
  const docker = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
  const env = { ...process.env, DOCKER_BUILDKIT: '1' };
  const answers = (e: NodeJS.ProcessEnv) =>
    run(docker, ['info', '--format', '{{.ServerVersion}}'], { env: e }).then(
      () => true,
      () => false,
    );
  if (await answers(env)) return { docker, env, started: false, stop: async () => undefined };

  const root = join(workDir, 'docker');
  mkdirSync(root, { recursive: true });
  const socket = join(root, 'docker.sock');
  const log = openSync(join(workDir, 'dockerd.log'), 'a');
  const daemon: ChildProcess = spawn(
    'dockerd',
    [
      `--data-root=${join(root, 'data')}`,
      `--exec-root=${join(root, 'exec')}`,
      `--pidfile=${join(root, 'dockerd.pid')}`,
      `--host=unix://${socket}`,
      '--default-ulimit=nofile=20000:20000',
    ],
    { stdio: ['ignore', log, log] },
  );
  const ownEnv = { ...env, DOCKER_HOST: `unix://${socket}` };
  let exited = false;
  daemon.once('exit', () => {
    exited = true;
  });
  await waitUntil(
    `dockerd to answer on ${socket} (log: ${join(workDir, 'dockerd.log')})`,
    async () => {
      if (exited) throw new Error('dockerd exited');
      return answers(ownEnv);
    },
    60_000,
  );
  return {
    docker,
    env: ownEnv,
    started: true,
    stop: async () => {
      if (!exited && daemon.pid) {
        const gone = new Promise((resolve) => daemon.once('exit', resolve));
        process.kill(daemon.pid, 'SIGTERM');
        await gone;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
