/**
 * `npm run bench [-- [--quick] [--cpu-prof] [<suite>…]]`: runs every suite in bench/src/suites (or the ones named),
 * one after the other in this process, prints one table with each goal beside each figure, and writes
 * bench/results/latest.{json,md} (a full run) or bench/results/partial.{json,md} (some suites, or --quick).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { enableCpuProfiles, setNodeFlags, stopAllChildren } from './harness/processes.ts';
import { type BenchReport, describeMachine, formatMarkdown, formatTable, judge } from './report.ts';
import type { BenchRow, BenchSuite } from './suite.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const resultsDir = join(here, '../results');
/**
 * A suite that has not finished by then is reported as failed, so one hang cannot eat the 15-minute budget (the
 * broadcast suite needs about 6 minutes: 10,000 messages at Telegram's 30/s).
 */
const SUITE_TIMEOUT_MS = 8 * 60_000;

function parseArgs(argv: string[]) {
  const nodeOptions =
    argv
      .find((a) => a.startsWith('--node-options='))
      ?.slice('--node-options='.length)
      .split(/\s+/)
      .filter(Boolean) ?? [];
  const flags = new Set(argv.filter((a) => a.startsWith('--') && !a.startsWith('--node-options=')));
  const names = argv.filter((a) => !a.startsWith('--'));
  const known = new Set(['--quick', '--cpu-prof', '--list']);
  for (const f of flags)
    if (!known.has(f)) throw new Error(`unknown flag ${f}; known: ${[...known].join(', ')}, --node-options=<flags>`);
  return {
    quick: flags.has('--quick'),
    cpuProf: flags.has('--cpu-prof'),
    list: flags.has('--list'),
    nodeOptions,
    names,
  };
}

async function loadSuites(): Promise<BenchSuite[]> {
  const dir = join(here, 'suites');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  const suites: BenchSuite[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default?: BenchSuite };
    const suite = mod.default;
    if (!suite || typeof suite.run !== 'function' || typeof suite.name !== 'string')
      throw new Error(`bench/src/suites/${file} does not default-export a BenchSuite`);
    if (suite.name !== basename(file, '.ts'))
      throw new Error(`bench/src/suites/${file} exports a suite named "${suite.name}"; name it after its file`);
    suites.push(suite);
  }
  return orderSuites(suites);
}

/** The heavy load suites first (the machine is quietest then), the rest in name order. */
function orderSuites(suites: BenchSuite[]): BenchSuite[] {
  const first = ['webhook-ingest', 'e2e-mix', 'memory'];
  const rank = (s: BenchSuite) => (first.includes(s.name) ? first.indexOf(s.name) : first.length);
  return [...suites].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const all = await loadSuites();
  if (args.list) {
    for (const s of all) console.log(`${s.name.padEnd(20)} ${s.description}`);
    return 0;
  }
  const unknown = args.names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length)
    throw new Error(`no such suite: ${unknown.join(', ')}; suites: ${all.map((s) => s.name).join(', ')}`);
  const chosen = args.names.length ? all.filter((s) => args.names.includes(s.name)) : all;
  if (args.cpuProf) enableCpuProfiles(join(resultsDir, 'profiles'));
  setNodeFlags(args.nodeOptions);

  // A suite's stray promise (e.g. work left running after a timeout) must not end the whole run: it is logged against
  // the suite running at the time and the run goes on.
  let current = 'runner';
  const stray = (error: unknown) =>
    console.error(`[${current}] stray error: ${error instanceof Error ? error.message : String(error)}`);
  process.on('unhandledRejection', stray);
  process.on('uncaughtException', stray);

  const started = Date.now();
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: describeMachine(root),
    quick: args.quick,
    nodeOptions: args.nodeOptions,
    durationSeconds: 0,
    suites: [],
    rows: [],
  };
  for (const suite of chosen) {
    const t0 = Date.now();
    current = suite.name;
    const load = os.loadavg()[0]!;
    const log = (message: string) =>
      console.log(`[${suite.name} ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${message}`);
    log(`start (load average ${load.toFixed(1)}): ${suite.description}`);
    let rows: BenchRow[] = [];
    let error: string | undefined;
    try {
      rows = await withTimeout(suite.run({ quick: args.quick, log }), SUITE_TIMEOUT_MS, `suite ${suite.name}`);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      log(`FAILED: ${error}`);
      rows = [
        {
          suite: suite.name,
          metric: 'suite completed',
          value: 0,
          unit: '',
          goal: 'completes',
          pass: false,
          note: error.slice(0, 200),
        },
      ];
    } finally {
      await stopAllChildren();
    }
    const seconds = (Date.now() - t0) / 1000;
    report.suites.push({
      name: suite.name,
      description: suite.description,
      seconds,
      load,
      ...(error ? { error } : {}),
    });
    report.rows.push(...rows.map(judge));
    log(`done in ${seconds.toFixed(0)} s`);
  }
  report.durationSeconds = (Date.now() - started) / 1000;

  console.log(`\n${formatTable(report.rows)}\n`);
  const m = report.machine;
  console.log(
    `${m.cpu}, ${m.cores} cores, Node ${m.node}, commit ${m.commit}; ${report.durationSeconds.toFixed(0)} s in all`,
  );
  const full = !args.quick && args.names.length === 0 && args.nodeOptions.length === 0;
  const stem = full ? 'latest' : 'partial';
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(resultsDir, `${stem}.md`), formatMarkdown(report));
  console.log(`written: bench/results/${stem}.json, bench/results/${stem}.md`);
  return report.suites.some((s) => s.error) ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stopAllChildren();
  process.exitCode = 2;
}
// Whatever a failed suite left running (servers, timers) must not keep the run from ending.
setTimeout(() => process.exit(), 1000).unref();
