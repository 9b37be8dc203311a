import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@mb/testing/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { dashboardExprs } from '../src/dashboard-exprs.ts';
import { DEPLOY_DIR } from '../src/rule-files.ts';
import { type RunningStack, startActiveStack } from './running-stack.ts';

type PromConfig = {
  global: Record<string, unknown>;
  rule_files: string[];
  scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }>; dns_sd_configs?: unknown }>;
};

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

let running: RunningStack;
let prometheus: ChildProcess;
let promUrl = '';
let dir = '';
const output: string[] = [];

beforeAll(async () => {
  running = await startActiveStack();
  dir = mkdtempSync(join(tmpdir(), 'mb-prometheus-'));
  // The project's prometheus.yml with its targets pointed at this test's ports and a fast scrape; the same rule files.
  const config = parse(readFileSync(`${DEPLOY_DIR}prometheus/prometheus.yml`, 'utf8')) as PromConfig;
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = config.rule_files.map((f) => join(DEPLOY_DIR, 'prometheus', f));
  for (const job of config.scrape_configs) {
    const target = running.targets[job.job_name as keyof RunningStack['targets']];
    if (!target) throw new Error(`prometheus.yml scrapes an unknown job ${job.job_name}`);
    // In compose the gateway's replicas are found by DNS; here each service is one local process.
    delete job.dns_sd_configs;
    job.static_configs = [{ targets: [target] }];
  }
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    process.env['PROMETHEUS_PATH'] ?? 'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout?.on('data', (d: Buffer) => output.push(String(d)));
  prometheus.stderr?.on('data', (d: Buffer) => output.push(String(d)));
  await until('Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined)).catch(
    (error: unknown) => {
      throw new Error(`${String(error)}\n${output.join('').slice(-2000)}`);
    },
  );
});

afterAll(async () => {
  if (prometheus?.pid && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus.once('exit', r));
    process.kill(prometheus.pid, 'SIGTERM');
    await exited;
  }
  await running?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const query = async (promql: string) => {
  const body = (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as {
    status: string;
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`);
  return body.data.result;
};

describe('a real Prometheus with the project prometheus.yml', () => {
  it('scrapes every service and reports each target up', async () => {
    const targets = await until('every target up', async () => {
      const body = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as {
        data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> };
      };
      const active = body.data.activeTargets;
      return active.length === 3 && active.every((t) => t.health === 'up') ? active : undefined;
    });
    expect(targets.map((t) => t.labels['job']).sort()).toEqual(['assistant', 'gateway', 'sheets']);
    const up = await query('up');
    expect(Object.fromEntries(up.map((r) => [r.metric['job'], r.value[1]]))).toEqual({
      gateway: '1',
      sheets: '1',
      assistant: '1',
    });
  });

  it('has data for known series: the updates the webhook took, the calls gateway made to sheets', async () => {
    const updates = await until('gateway_updates_total', async () => {
      const r = await query('sum(gateway_updates_total{job="gateway",type="message"})');
      return r.length > 0 ? r : undefined;
    });
    expect(Number(updates[0]!.value[1])).toBeGreaterThanOrEqual(2);
    const calls = await query(
      'sum by (target) (gateway_trpc_client_duration_seconds_count{job="gateway",result="ok"})',
    );
    expect(calls.map((r) => r.metric['target'])).toContain('sheets');
    const served = await query('sum(sheets_trpc_server_duration_seconds_count{job="sheets",result="ok"})');
    expect(Number(served[0]?.value[1] ?? 0)).toBeGreaterThan(0);
  });

  it('accepts every dashboard query (PromQL that Prometheus 2.42 parses and evaluates)', async () => {
    const failures: string[] = [];
    for (const { where, expr } of dashboardExprs()) {
      const res = await fetch(
        `${promUrl}/api/v1/query?query=${encodeURIComponent(expr.replaceAll('$__rate_interval', '1m'))}`,
      );
      if (!res.ok) failures.push(`${where}: ${res.status} ${await res.text()}`);
    }
    expect(failures).toEqual([]);
  });

  it('loads every rule group of the project without evaluation errors', async () => {
    const groups = await until('rules evaluated', async () => {
      const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }> };
      };
      const all = body.data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health !== 'unknown') ? body.data.groups : undefined;
    });
    expect(groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['services', 'telegram', 'sheets', 'slo-recordings', 'slo-burn-rate']),
    );
    const broken = groups.flatMap((g) => g.rules).filter((r) => r.health !== 'ok');
    expect(broken).toEqual([]);
  });
});
