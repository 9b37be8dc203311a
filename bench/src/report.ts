import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { BenchRow } from './suite.ts';

export type Machine = {
  cpu: string;
  cores: number;
  memoryMb: number;
  node: string;
  platform: string;
  commit: string;
  dirty: boolean;
};

export type BenchReport = {
  date: string;
  machine: Machine;
  quick: boolean;
  /** Node/V8 flags every service ran with (`--node-options=…`); none in the runs the README shows. */
  nodeOptions?: string[];
  durationSeconds: number;
  /** `load` is the 1-minute load average when the suite started: above the core count, other work shared the machine. */
  suites: Array<{ name: string; description: string; seconds: number; load?: number; error?: string }>;
  rows: BenchRow[];
};

/** The machine a run was measured on: figures from different machines are not comparable. */
export function describeMachine(cwd: string): Machine {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryMb: Math.round(os.totalmem() / 1_048_576),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit: git('rev-parse', '--short=12', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
  };
}

/** A figure as people read it: integers grouped, small values with 2–3 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value * 10) / 10);
  if (abs >= 1) return value.toFixed(2).replace(/\.?0+$/, '');
  return value
    .toPrecision(3)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

const verdict = (row: BenchRow) => (row.pass === undefined ? '' : row.pass ? 'pass' : 'MISS');

const COLUMNS = ['suite', 'metric', 'value', 'goal', 'baseline', 'ratio', 'result', 'note'] as const;

function cells(row: BenchRow): string[] {
  return [
    row.suite,
    row.metric,
    `${formatNumber(row.value)}${row.unit ? ` ${row.unit}` : ''}`,
    row.goal ?? '',
    row.baseline === undefined ? '' : formatNumber(row.baseline),
    row.ratio === undefined ? '' : `${formatNumber(Math.round(row.ratio * 1000) / 10)}%`,
    verdict(row),
    (row.note ?? '').replaceAll(/\s+/g, ' ').trim(),
  ];
}

/** The table printed at the end of a run: one row per figure, the goal beside it. */
export function formatTable(rows: BenchRow[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((r) => [...r[i]!].length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c + ' '.repeat(widths[i]! - [...c].length))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

const md = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The Markdown the README links to: when, where, then the table. */
export function formatMarkdown(report: BenchReport): string {
  const m = report.machine;
  const failed = report.suites.filter((s) => s.error);
  const loads = report.suites.filter((s) => s.load !== undefined).map((s) => `${s.name} ${formatNumber(s.load!)}`);
  return [
    `# Benchmark results`,
    '',
    `Measured ${report.date} on ${m.cpu}, ${m.cores} cores, ${formatNumber(m.memoryMb)} MB RAM, Node ${m.node}, ${m.platform}; ` +
      `commit \`${m.commit}\`${m.dirty ? ' (with uncommitted changes)' : ''}; ${report.quick ? '`--quick` run' : 'full run'} in ${formatNumber(report.durationSeconds)} s` +
      `${report.nodeOptions?.length ? `; services ran with \`${report.nodeOptions.join(' ')}\`` : ''}.`,
    ...(loads.length ? ['', `Load average (1 min) when each suite started: ${loads.join(', ')}.`] : []),
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...report.rows.map((r) => `| ${cells(r).map(md).join(' | ')} |`),
    ...(failed.length
      ? ['', 'Suites that failed:', '', ...failed.map((s) => `- \`${s.name}\`: ${md(s.error ?? '')}`)]
      : []),
    '',
  ].join('\n');
}

/** Fills `ratio` from `baseline`, and `pass` from a goal like "≥ 5000", "≤ 50 ms", "= 0" or "≥ 60%" where missing. */
export function judge(row: BenchRow): BenchRow {
  const out = { ...row };
  if (out.ratio === undefined && out.baseline !== undefined && out.baseline !== 0) out.ratio = out.value / out.baseline;
  if (out.pass === undefined && out.goal) {
    const m = /^\s*(≥|>=|≤|<=|=|<|>)\s*(-?[\d.,_]+)\s*(%?)/.exec(out.goal);
    if (m) {
      const target = Number(m[2]!.replaceAll(/[,_]/g, ''));
      const value = m[3] === '%' && out.unit !== '%' ? (out.ratio ?? NaN) * 100 : out.value;
      if (Number.isFinite(value)) {
        out.pass = {
          '≥': value >= target,
          '>=': value >= target,
          '≤': value <= target,
          '<=': value <= target,
          '=': value === target,
          '<': value < target,
          '>': value > target,
        }[m[1]!];
      }
    }
  }
  return out;
}
