import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const DEPLOY_DIR = new URL('../', import.meta.url).pathname;
export const ROOT_DIR = new URL('../../', import.meta.url).pathname;

export type AlertRule = {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
type RuleFile = { groups: Array<{ name: string; rules: Array<AlertRule | { record: string; expr: string }> }> };

export const RULE_FILES = ['prometheus/alerts.yml', 'prometheus/slo-rules.yml'];

/** Every rule (alerts and recordings) of the project's rule files. */
export function allRules(): Array<AlertRule | { record: string; expr: string }> {
  return RULE_FILES.flatMap((f) =>
    (parse(readFileSync(DEPLOY_DIR + f, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules),
  );
}

export const alertRules = (): AlertRule[] => allRules().filter((r): r is AlertRule => 'alert' in r);
