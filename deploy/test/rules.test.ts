import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generatedFiles } from '../src/generated-files.ts';
import { alertRules, DEPLOY_DIR, ROOT_DIR, RULE_FILES } from '../src/rule-files.ts';

const promtool = process.env['PROMTOOL_PATH'] ?? 'promtool';
const run = (...args: string[]) =>
  execFileSync(promtool, args, { cwd: `${DEPLOY_DIR}prometheus`, encoding: 'utf8', stdio: 'pipe' });

type RuleTest = { name?: string; alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> };

describe('Prometheus rules', () => {
  it('pass promtool check rules and check config', () => {
    expect(run('check', 'rules', ...RULE_FILES.map((f) => f.replace('prometheus/', '')))).toContain('SUCCESS');
    expect(run('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
  });

  it('pass promtool test rules', () => {
    expect(run('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('have, for every alert, a test where it fires and one where it stays quiet', () => {
    const tests = (parse(readFileSync(`${DEPLOY_DIR}prometheus/alerts.test.yml`, 'utf8')) as { tests: RuleTest[] })
      .tests;
    const cases = tests.flatMap((t) => t.alert_rule_test ?? []);
    const alerts = alertRules().map((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(10);
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} fires in some test`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} stays quiet in some test`,
      ).toBe(true);
    }
  });

  it('give every alert a severity, a summary, a description with a value and a runbook section that exists', () => {
    const runbook = readFileSync(`${ROOT_DIR}docs/runbook.md`, 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of alertRules()) {
      expect(['page', 'warning', 'ticket'], rule.alert).toContain(rule.labels?.['severity']);
      expect(rule.annotations?.['summary'], rule.alert).toBeTruthy();
      expect(rule.annotations?.['description'], rule.alert).toMatch(/\$value/);
      const url = rule.annotations?.['runbook_url'] ?? '';
      expect(url, rule.alert).toMatch(/^docs\/runbook\.md#/);
      const anchor = url.split('#')[1]!;
      if (anchor.includes('{{ $labels.slo }}')) continue; // checked per SLO below
      expect(anchors.has(anchor), `runbook section #${anchor} for ${rule.alert}`).toBe(true);
    }
    for (const slo of new Set(readFileSync(`${DEPLOY_DIR}prometheus/slo-rules.yml`, 'utf8').match(/slo: [\w-]+/g))) {
      expect(anchors.has(`slo-${slo.slice(5)}`), `runbook section #slo-${slo.slice(5)}`).toBe(true);
    }
  });

  it('are generated from deploy/src (slo-rules.yml and the dashboards are current: run `npm run generate -w @mb/deploy`)', () => {
    for (const [path, content] of Object.entries(generatedFiles()))
      expect(readFileSync(DEPLOY_DIR + path, 'utf8'), path).toBe(content);
  });
});
