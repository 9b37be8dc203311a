import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardExprs } from '../src/dashboard-exprs.ts';
import { exposedNames, metricNames } from '../src/promql.ts';
import { allRules } from '../src/rule-files.ts';
import { type RunningStack, startActiveStack } from './running-stack.ts';

let running: RunningStack;
let exposed: Set<string>;

beforeAll(async () => {
  running = await startActiveStack();
  exposed = new Set();
  for (const url of [running.stack.gatewayUrl, running.stack.sheetsUrl, running.stack.assistantUrl]) {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    for (const name of exposedNames(await res.text())) exposed.add(name);
  }
});
afterAll(async () => {
  await running?.close();
});

describe('every metric named in an alert, a recording rule or a dashboard', () => {
  it('is in the /metrics output of the running services', () => {
    const uses = [
      ...allRules().map((r) => ({ where: 'alert' in r ? `alert ${r.alert}` : `record ${r.record}`, expr: r.expr })),
      ...dashboardExprs(),
    ];
    expect(uses.length).toBeGreaterThan(50);
    const missing = uses.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((n) => !exposed.has(n))
        .map((n) => `${n} (${where})`),
    );
    expect(missing).toEqual([]);
  });

  it('matches the catalogue (docs/metrics.md): every exported metric has a row, every row is exported', () => {
    const catalogue = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    const documented = new Set([...catalogue.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]!));
    const ours = (n: string) => /^(gateway|sheets|assistant)_/.test(n) && !/_(bucket|count|sum)$/.test(n);
    expect(
      [...exposed].filter(ours).filter((n) => !documented.has(n)),
      'exported but not in docs/metrics.md',
    ).toEqual([]);
    expect(
      [...documented].filter(ours).filter((n) => !exposed.has(n)),
      'in docs/metrics.md but not exported',
    ).toEqual([]);
  });
});
