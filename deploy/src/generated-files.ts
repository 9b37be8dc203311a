import { DASHBOARDS } from './dashboards.ts';
import { sloRuleFile } from './slo-rules.ts';

/** Every generated file, by path under deploy/. */
export function generatedFiles(): Record<string, string> {
  return {
    'prometheus/slo-rules.yml': sloRuleFile(),
    ...Object.fromEntries(
      Object.entries(DASHBOARDS).map(([file, json]) => [
        `grafana/dashboards/${file}`,
        `${JSON.stringify(json, null, 2)}\n`,
      ]),
    ),
  };
}
