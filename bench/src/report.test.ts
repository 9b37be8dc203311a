import { describe, expect, it } from 'vitest';
import { type BenchReport, formatMarkdown, formatNumber, formatTable, judge } from './report.ts';

describe('judge', () => {
  it('passes or misses a row against its goal and fills the ratio from the baseline', () => {
    expect(
      judge({ suite: 's', metric: 'rate', value: 6000, unit: '/s', goal: '≥ 5000', baseline: 12000 }),
    ).toMatchObject({ pass: true, ratio: 0.5 });
    expect(judge({ suite: 's', metric: 'p99', value: 51, unit: 'ms', goal: '≤ 50' }).pass).toBe(false);
    expect(judge({ suite: 's', metric: 'errors', value: 0, unit: '', goal: '= 0' }).pass).toBe(true);
    expect(judge({ suite: 's', metric: 'rss', value: 151.2, unit: 'MB', goal: '≤ 150 MB' }).pass).toBe(false);
  });

  it('reads a percentage goal against the ratio, unless the value itself is a percentage', () => {
    expect(judge({ suite: 's', metric: 'rate', value: 5000, unit: '/s', goal: '≥ 60%', baseline: 10000 }).pass).toBe(
      false,
    );
    expect(judge({ suite: 's', metric: 'share', value: 75, unit: '%', goal: '≥ 60%' }).pass).toBe(true);
  });

  it('keeps a verdict the suite gave, and gives none for a goal it cannot read', () => {
    expect(judge({ suite: 's', metric: 'm', value: 1, unit: '', goal: '≥ 5', pass: true }).pass).toBe(true);
    expect(judge({ suite: 's', metric: 'm', value: 1, unit: '', goal: 'exactly once' }).pass).toBeUndefined();
  });
});

describe('formatting', () => {
  const rows = [
    judge({
      suite: 'webhook-ingest',
      metric: 'acknowledged updates/s',
      value: 7123.4,
      unit: '/s',
      goal: '≥ 5000',
      baseline: 14000,
    }),
    judge({
      suite: 'memory',
      metric: 'gateway RSS',
      value: 98.456,
      unit: 'MB',
      goal: '≤ 150',
      note: 'after\n200,000 users',
    }),
  ];

  it('prints figures the way people read them', () => {
    expect([
      formatNumber(7123.4),
      formatNumber(98.456),
      formatNumber(0.01234),
      formatNumber(3),
      formatNumber(2.5),
    ]).toEqual(['7,123', '98.46', '0.0123', '3', '2.5']);
  });

  it('lines the table up with the goal, baseline, ratio and verdict beside each figure', () => {
    const lines = formatTable(rows).split('\n');
    expect(lines[0]).toMatch(/^suite\s+metric\s+value\s+goal\s+baseline\s+ratio\s+result\s+note$/);
    expect(lines[2]).toMatch(/webhook-ingest\s+acknowledged updates\/s\s+7,123 \/s\s+≥ 5000\s+14,000\s+50.9%\s+pass/);
    expect(lines[3]).toContain('after 200,000 users');
    const goalColumn = lines[0]!.indexOf('goal');
    expect(lines[2]!.indexOf('≥ 5000')).toBe(goalColumn);
    expect(lines[3]!.indexOf('≤ 150')).toBe(goalColumn);
  });

  it('writes Markdown with the date, machine and commit above the table, escaping pipes', () => {
    const report: BenchReport = {
      date: '2026-11-26T10:00:00.000Z',
      machine: {
        cpu: 'AMD EPYC',
        cores: 2,
        memoryMb: 4096,
        node: 'v24.21.0',
        platform: 'linux 6.1',
        commit: 'abc123',
        dirty: false,
      },
      quick: false,
      durationSeconds: 512,
      suites: [
        { name: 'ok', description: 'y', seconds: 2, load: 1.5 },
        { name: 'broken', description: 'x', seconds: 1, load: 3.25, error: 'a | b' },
      ],
      rows: [
        ...rows,
        judge({
          suite: 'broken',
          metric: 'suite completed',
          value: 0,
          unit: '',
          goal: 'completes',
          pass: false,
          note: 'a | b',
        }),
      ],
    };
    const md = formatMarkdown(report);
    expect(md).toContain('Measured 2026-11-26T10:00:00.000Z on AMD EPYC, 2 cores, 4,096 MB RAM, Node v24.21.0');
    expect(md).toContain('commit `abc123`; full run in 512 s.');
    expect(md).toContain('| webhook-ingest | acknowledged updates/s | 7,123 /s | ≥ 5000 | 14,000 | 50.9% | pass |  |');
    expect(md).toContain('| broken | suite completed | 0 | completes |  |  | MISS |');
    expect(md).toContain('a \\| b');
    expect(md).toContain('Load average (1 min) when each suite started: ok 1.5, broken 3.25.');
    expect(md).toContain('- `broken`: a \\| b');
  });
});
